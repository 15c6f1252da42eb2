package io.sluice.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.json.JsonMapper;

/**
 * The chart in {@code helm/sluice} rendered by Helm's own library (helm-java) and read into fabric8's Kubernetes
 * types, strictly: a field the type does not have (a misspelt one, or one at the wrong level) fails, naming where it
 * is, as does a kind the chart is not expected to render or an apiVersion that does not match the kind.
 *
 * <p>helm-java returns the release's manifest without its hooks, so the chart is rendered from a copy in which the
 * {@code helm test} hooks' {@code helm.sh/hook} annotation is renamed to {@link #HOOK}: the test pods then render
 * like any object, and still say which hook they were.
 */
final class RenderedChart {

	static final Path CHART = Path.of("sluice").toAbsolutePath();

	/** The annotation a {@code helm.sh/hook} annotation is renamed to in the rendered copy. */
	static final String HOOK = "rendered.sluice.io/helm-hook";

	private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of("Deployment", Deployment.class,
			"Service", Service.class, "Pod", Pod.class, "PodDisruptionBudget", PodDisruptionBudget.class,
			"HorizontalPodAutoscaler", HorizontalPodAutoscaler.class, "Ingress", Ingress.class, "NetworkPolicy",
			NetworkPolicy.class, "ServiceMonitor", ServiceMonitor.class);

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private final List<HasMetadata> objects;

	private RenderedChart(List<HasMetadata> objects) {
		this.objects = objects;
	}

	/** Renders the chart as release {@code edge} in namespace {@code sluice-ns} with the given settings. */
	static RenderedChart render(Consumer<TemplateCommand> settings) {
		Path copy = copyWithHooksAsObjects();
		try {
			TemplateCommand template = new Helm(copy).template().withName("edge").withNamespace("sluice-ns");
			settings.accept(template);
			return new RenderedChart(parse(template.call()));
		}
		finally {
			delete(copy);
		}
	}

	/** Reads rendered manifests into typed objects, failing on anything the types do not hold. */
	static List<HasMetadata> parse(String manifests) {
		List<HasMetadata> objects = new ArrayList<>();
		for (Object document : new Yaml().loadAll(manifests)) {
			if (document == null) {
				continue;
			}
			Map<?, ?> map = (Map<?, ?>) document;
			String kind = String.valueOf(map.get("kind"));
			Class<? extends HasMetadata> type = KINDS.get(kind);
			if (type == null) {
				throw new AssertionError("rendered a " + kind + ", which the tests have no type for: " + map);
			}
			HasMetadata object = MAPPER.convertValue(map, type);
			String where = kind + "/" + object.getMetadata().getName();
			if (!HasMetadata.getApiVersion(type).equals(object.getApiVersion())) {
				throw new AssertionError(where + " has apiVersion " + object.getApiVersion() + ", its kind is "
						+ HasMetadata.getApiVersion(type));
			}
			List<String> unknown = new ArrayList<>();
			collectUnknownFields(object, where, unknown);
			if (!unknown.isEmpty()) {
				throw new AssertionError("fields that " + kind + " does not have: " + unknown);
			}
			objects.add(object);
		}
		return objects;
	}

	/** Every object, the test hooks included. */
	List<HasMetadata> all() {
		return this.objects;
	}

	/** What {@code helm install} creates: every object but the test hooks. */
	List<HasMetadata> installed() {
		return this.objects.stream().filter((object) -> hook(object) == null).toList();
	}

	/** The value of a test pod's {@code helm.sh/hook} annotation, or null for an ordinary object. */
	static String hook(HasMetadata object) {
		Map<String, String> annotations = object.getMetadata().getAnnotations();
		return (annotations != null) ? annotations.get(HOOK) : null;
	}

	<T extends HasMetadata> T get(Class<T> type, String name) {
		return this.objects.stream()
			.filter((object) -> type.isInstance(object) && name.equals(object.getMetadata().getName()))
			.map(type::cast)
			.findFirst()
			.orElseThrow(() -> new AssertionError(type.getSimpleName() + "/" + name + " was not rendered, only "
					+ this.objects.stream().map(RenderedChart::kindAndName).toList()));
	}

	<T extends HasMetadata> List<T> all(Class<T> type) {
		return this.objects.stream().filter(type::isInstance).map(type::cast).toList();
	}

	static String kindAndName(HasMetadata object) {
		return object.getKind() + "/" + object.getMetadata().getName();
	}

	/**
	 * fabric8's types keep what they do not know in {@code additionalProperties} rather than refusing it; every such
	 * map in the object's tree is a field Kubernetes would not know either.
	 */
	private static void collectUnknownFields(Object value, String path, List<String> unknown) {
		if (value == null) {
			return;
		}
		if (value instanceof Collection<?> items) {
			int index = 0;
			for (Object item : items) {
				collectUnknownFields(item, path + "[" + index++ + "]", unknown);
			}
			return;
		}
		if (value instanceof Map<?, ?> map) {
			map.forEach((key, item) -> collectUnknownFields(item, path + "." + key, unknown));
			return;
		}
		if (!value.getClass().getName().startsWith("io.fabric8.")) {
			return;
		}
		for (Method getter : value.getClass().getMethods()) {
			if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
					|| !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
				continue;
			}
			Object property = invoke(getter, value);
			if (getter.getName().equals("getAdditionalProperties")) {
				((Map<?, ?>) property).keySet().forEach((key) -> unknown.add(path + "." + key));
			}
			else {
				String name = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
				collectUnknownFields(property, path + "." + name, unknown);
			}
		}
	}

	private static Object invoke(Method getter, Object target) {
		try {
			return getter.invoke(target);
		}
		catch (IllegalAccessException | InvocationTargetException ex) {
			throw new IllegalStateException("cannot read " + getter, ex);
		}
	}

	private static Path copyWithHooksAsObjects() {
		try {
			Path copy = Files.createTempDirectory("sluice-chart").resolve("sluice");
			try (Stream<Path> files = Files.walk(CHART)) {
				for (Path source : files.toList()) {
					Path target = copy.resolve(CHART.relativize(source).toString());
					if (Files.isDirectory(source)) {
						Files.createDirectories(target);
					}
					else if (source.startsWith(CHART.resolve("templates/tests"))) {
						Files.writeString(target, Files.readString(source).replace("helm.sh/hook:", HOOK + ":"));
					}
					else {
						Files.copy(source, target);
					}
				}
			}
			return copy;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void delete(Path copy) {
		try (Stream<Path> files = Files.walk(copy.getParent())) {
			for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(path);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
