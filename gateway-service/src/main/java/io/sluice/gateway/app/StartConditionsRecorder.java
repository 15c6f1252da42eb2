package io.sluice.gateway.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport.ConditionAndOutcomes;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotation.Adapt;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.MethodMetadata;
import org.springframework.core.type.classreading.MetadataReaderFactory;
import org.springframework.core.type.classreading.SimpleMetadataReaderFactory;
import org.springframework.util.StringUtils;

import io.sluice.connector.ConnectorChoice;

/**
 * At build time, during Spring's ahead-of-time processing: writes the {@link StartConditions} the processing
 * evaluated (every property named by a {@code @ConditionalOnProperty} or {@code @ConditionalOnBooleanProperty} on a
 * class or method whose conditions were evaluated, nested conditions included, and the connector choice, which
 * decides which auto-configurations are considered at all) into {@value StartConditions#RESOURCE}, so that a start
 * can tell whether the generated bean definitions still apply.
 */
class StartConditionsRecorder implements BeanFactoryInitializationAotProcessor {

	@Override
	public BeanFactoryInitializationAotContribution processAheadOfTime(ConfigurableListableBeanFactory beanFactory) {
		if (!(beanFactory.getBean(Environment.class) instanceof ConfigurableEnvironment environment)) {
			return null;
		}
		Set<String> names = new TreeSet<>(Set.of(ConnectorChoice.CACHE_TYPE, ConnectorChoice.STORAGE_TYPE,
				ConnectorChoice.QUEUE_TYPE, ConnectorChoice.BUS_TYPE, ConnectorChoice.HISTORY_TYPE));
		ConditionEvaluationReport report = ConditionEvaluationReport.find(beanFactory);
		if (report != null) {
			MetadataReaderFactory readers = new SimpleMetadataReaderFactory(beanFactory.getBeanClassLoader());
			for (Map.Entry<String, ConditionAndOutcomes> evaluated : report.getConditionAndOutcomesBySource()
				.entrySet()) {
				names.addAll(propertiesRead(evaluated.getKey(), readers));
			}
		}
		String conditions = StartConditions.of(environment, names).write();
		return (generationContext, code) -> generationContext.getGeneratedFiles()
			.addResourceFile(StartConditions.RESOURCE, conditions);
	}

	/** The properties the conditions of {@code source} ("a.b.C" or "a.b.C#method") name. */
	static Set<String> propertiesRead(String source, MetadataReaderFactory readers) {
		int hash = source.indexOf('#');
		String className = (hash < 0) ? source : source.substring(0, hash);
		Set<String> names = new TreeSet<>();
		try {
			AnnotationMetadata type = readers.getMetadataReader(className).getAnnotationMetadata();
			if (hash < 0) {
				collect(type.getAnnotations(), readers, names);
			}
			else {
				String method = source.substring(hash + 1);
				for (MethodMetadata candidate : type.getDeclaredMethods()) {
					if (candidate.getMethodName().equals(method)) {
						collect(candidate.getAnnotations(), readers, names);
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read the conditions of " + source, ex);
		}
		return names;
	}

	private static void collect(MergedAnnotations annotations, MetadataReaderFactory readers, Set<String> names)
			throws IOException {
		annotations.stream(ConditionalOnProperty.class).forEach((property) -> {
			String prefix = property.getString("prefix").trim();
			String[] properties = property.getStringArray("name");
			if (properties.length == 0) {
				properties = property.getStringArray("value");
			}
			addAll(prefix, properties, names);
		});
		annotations.stream(ConditionalOnBooleanProperty.class).forEach((property) -> {
			String[] properties = property.getStringArray("name");
			if (properties.length == 0) {
				properties = property.getStringArray("value");
			}
			addAll(property.getString("prefix").trim(), properties, names);
		});
		// A nested condition (AnyNestedCondition and its kind) carries its conditions on its member classes.
		for (MergedAnnotation<Conditional> conditional : annotations.stream(Conditional.class).toList()) {
			for (String condition : conditional.asAnnotationAttributes(Adapt.CLASS_TO_STRING).getStringArray("value")) {
				for (String member : readers.getMetadataReader(condition).getClassMetadata().getMemberClassNames()) {
					collect(readers.getMetadataReader(member).getAnnotationMetadata().getAnnotations(), readers,
							names);
				}
			}
		}
	}

	private static void addAll(String prefix, String[] properties, Set<String> names) {
		String start = (StringUtils.hasText(prefix) && !prefix.endsWith(".")) ? prefix + "." : prefix;
		for (String property : properties) {
			names.add(start + property);
		}
	}

}
