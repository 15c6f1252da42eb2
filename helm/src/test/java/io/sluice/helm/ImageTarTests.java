package io.sluice.helm;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The images that {@code ./mvnw package -Pimages} writes (Jib's {@code target/jib-image.tar} in each module), read
 * from the tar as a container runtime would: the entry point, the user, the exposed ports, the JVM options, the
 * fixed creation time, the main class in a layer, and the name the chart pulls. Skipped, saying why, where the
 * module was built without the profile; this module is built after the others, so a build with the profile checks
 * what it has just made.
 */
class ImageTarTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = ';', value = {
			"gateway-service; gateway; io.sluice.gateway.app.GatewayApplication; 6020/tcp",
			"record-service; recordService; io.sluice.record.app.RecordServiceApplication; 8081/tcp,7070/tcp",
			"storage-worker; storageWorker; io.sluice.storage.app.StorageWorkerApplication; 6021/tcp",
			"sluice-server; ; io.sluice.server.SluiceServer; 6020/tcp" })
	void imageStartsItsMainClassAsNonRootOnItsPorts(String module, String chartComponent, String mainClass,
			String ports) throws IOException {
		Path tar = imageTar(module);
		Map<String, byte[]> files = read(tar, (name) -> name.endsWith(".json"));

		JsonNode manifest = JSON.readTree(files.get("manifest.json")).get(0);
		String tag = manifest.get("RepoTags").get(0).asString();
		assertThat(tag).isEqualTo("sluice/" + module + ":" + chartValue("appVersion"));
		if (chartComponent != null) {
			assertThat(tag).as("the image the chart pulls by default")
				.startsWith(chartValue(chartComponent + ".image.repository") + ":");
		}

		JsonNode image = JSON.readTree(files.get(manifest.get("Config").asString()));
		JsonNode config = image.get("config");
		assertThat(strings(config.get("Entrypoint"))).containsExactly("java", "-cp", "@/app/jib-classpath-file",
				mainClass);
		assertThat(config.get("User").asString()).isEqualTo("65532:65532");
		assertThat(config.get("ExposedPorts").propertyNames()).containsExactlyInAnyOrder(ports.split(","));
		assertThat(strings(config.get("Env"))).anySatisfy((variable) -> assertThat(variable)
			.startsWith("JAVA_TOOL_OPTIONS=")
			.contains("-XX:MaxRAMPercentage=75", "-XX:+UseParallelGC", "-XX:MetaspaceSize=160m"));
		assertThat(image.get("created").asString()).as("a fixed time, so that the same input gives the same image")
			.isEqualTo("1970-01-01T00:00:00Z");

		String mainClassFile = "app/classes/" + mainClass.replace('.', '/') + ".class";
		List<String> layers = strings(manifest.get("Layers"));
		Map<String, byte[]> layerFiles = read(tar, layers::contains);
		assertThat(layers).anySatisfy((layer) -> {
			try (InputStream content = new GZIPInputStream(new ByteArrayInputStream(layerFiles.get(layer)))) {
				assertThat(TarEntries.read(content, mainClassFile::equals)).containsKey(mainClassFile);
			}
		});
	}

	@Test
	void serverImageKeepsItsEmbeddedDataInAVolumeItsUserMayWrite() throws IOException {
		Path tar = imageTar("sluice-server");
		Map<String, byte[]> files = read(tar, (name) -> name.endsWith(".json"));
		JsonNode manifest = JSON.readTree(files.get("manifest.json")).get(0);
		JsonNode config = JSON.readTree(files.get(manifest.get("Config").asString())).get("config");

		assertThat(config.get("WorkingDir").asString()).isEqualTo("/var/lib/sluice");
		assertThat(config.get("Volumes").propertyNames()).containsExactly("/var/lib/sluice");
		Map<String, byte[]> layerFiles = read(tar, strings(manifest.get("Layers"))::contains);
		assertThat(layerFiles.values()).anySatisfy((layer) -> {
			try (InputStream content = new GZIPInputStream(new ByteArrayInputStream(layer))) {
				assertThat(TarEntries.modes(content)).containsEntry("var/lib/sluice/", 0777);
			}
		});
	}

	private static Path imageTar(String module) {
		Path tar = Path.of("..", module, "target", "jib-image.tar").toAbsolutePath().normalize();
		assumeTrue(Files.isRegularFile(tar), () -> "No image to check: " + tar + " is built by ./mvnw package "
				+ "-Pimages, which needs the base image (docs/deployment.md, \"Images\")");
		return tar;
	}

	private static Map<String, byte[]> read(Path tar, java.util.function.Predicate<String> wanted) throws IOException {
		try (InputStream in = Files.newInputStream(tar)) {
			return TarEntries.read(in, wanted);
		}
	}

	private static List<String> strings(JsonNode array) {
		List<String> values = new ArrayList<>();
		array.forEach((value) -> values.add(value.asString()));
		return values;
	}

	/** A value of the chart's Chart.yaml ({@code appVersion}) or values.yaml ({@code gateway.image.repository}). */
	private static String chartValue(String path) throws IOException {
		String file = path.equals("appVersion") ? "Chart.yaml" : "values.yaml";
		Object value = new Yaml().load(Files.readString(RenderedChart.CHART.resolve(file)));
		for (String key : path.split("\\.")) {
			value = ((Map<?, ?>) value).get(key);
		}
		return String.valueOf(value);
	}

}
