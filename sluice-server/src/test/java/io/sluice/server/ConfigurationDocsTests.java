package io.sluice.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/configuration.md and the configuration metadata that every module's {@code @ConfigurationProperties} ship
 * (the IDE's completion) name the same {@code sluice.*} properties. This class path holds every module, so every
 * property of a deployable is here.
 */
class ConfigurationDocsTests {

	private static final Path DOC = Path.of("..", "docs", "configuration.md");

	private static final String METADATA = "META-INF/spring-configuration-metadata.json";

	/** A property's full name in a code span, maybe with a value ({@code sluice.records.mode=remote}). */
	private static final Pattern FULL_NAME = Pattern.compile("sluice(\\.[a-z0-9][a-z0-9-]*)+(?==|$)");

	/** A group in a code span, such as {@code sluice.records.api.*}: the prefix of a table's relative names. */
	private static final Pattern GROUP = Pattern.compile("sluice(\\.[a-z0-9][a-z0-9-]*)+\\.\\*");

	/** A relative name in a table's first column, such as {@code max-backoff} or {@code breaker.open-wait}. */
	private static final Pattern RELATIVE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*(\\.[a-z0-9][a-z0-9-]*)*");

	private static final Pattern CODE_SPAN = Pattern.compile("`([^`]+)`");

	@Test
	void everyDocumentedPropertyExistsAndEveryPropertyIsDocumented() throws IOException {
		Set<String> documented = documented(Files.readAllLines(DOC));
		Set<String> known = inMetadata();

		assertThat(known).as("sluice.* properties in the metadata on the class path").isNotEmpty();
		assertThat(difference(documented, known))
			.as("properties docs/configuration.md names that no @ConfigurationProperties (nor additional metadata) "
					+ "has: a misspelt or removed property")
			.isEmpty();
		assertThat(difference(known, documented))
			.as("properties in the metadata that docs/configuration.md does not name (in a table under its group's "
					+ "`sluice.<group>.*`, or in full in a code span)")
			.isEmpty();
	}

	@Test
	void tableRowsTakeTheGroupNamedAboveTheTable() {
		List<String> doc = List.of("## Some", "`sluice.some.*` (`SomeProperties`), with `sluice.other.mode=x` said:",
				"", "| property | default | meaning |", "|---|---|---|", "| `max-size` | `1MB` | The `sluice.bus.` of it. |",
				"| `breaker.open-wait` | `sluice.records` | Unlike `sluice.other.wait`. |", "", "| property | meaning |", "|---|---|",
				"| `sluice.third.name` | |");

		assertThat(documented(doc)).containsExactlyInAnyOrder("sluice.other.mode", "sluice.some.max-size",
				"sluice.some.breaker.open-wait", "sluice.other.wait", "sluice.third.name");
	}

	/**
	 * The properties a page names: in full in a code span of its text or of a table (but not in a column headed
	 * {@code default}, which holds values such as the topic {@code sluice.records}), or relative in a table's first
	 * column, under the {@code sluice.<group>.*} named in the text above the table.
	 */
	static Set<String> documented(List<String> lines) {
		Set<String> names = new TreeSet<>();
		String group = null;
		List<String> header = null;
		int number = 0;
		for (String line : lines) {
			number++;
			if (!line.startsWith("|")) {
				if (header != null || line.startsWith("#")) {
					group = null; // a group named above one table or section is not the next one's
				}
				header = null;
				for (String code : codeSpans(line)) {
					if (GROUP.matcher(code).matches()) {
						group = code.substring(0, code.length() - 1);
					}
					else {
						addFullName(code, names);
					}
				}
				continue;
			}
			List<String> cells = List.of(line.substring(1).split("\\|", -1));
			if (header == null) {
				header = cells.stream().map(String::trim).toList();
				continue;
			}
			for (int i = 0; i < cells.size(); i++) {
				if (i < header.size() && header.get(i).equals("default")) {
					continue;
				}
				List<String> spans = codeSpans(cells.get(i));
				String first = (i == 0 && spans.size() == 1) ? spans.get(0) : "";
				if (!first.startsWith("sluice.") && RELATIVE_NAME.matcher(first).matches()) {
					assertThat(group).as("docs/configuration.md:%d: the group of `%s` (a `sluice.<group>.*` in the "
							+ "text above its table)", number, first).isNotNull();
					names.add(group + first);
				}
				spans.forEach((code) -> addFullName(code, names));
			}
		}
		return names;
	}

	private static List<String> codeSpans(String text) {
		List<String> spans = new ArrayList<>();
		Matcher span = CODE_SPAN.matcher(text);
		while (span.find()) {
			spans.add(span.group(1));
		}
		return spans;
	}

	private static void addFullName(String code, Set<String> names) {
		Matcher full = FULL_NAME.matcher(code);
		if (full.lookingAt()) {
			names.add(full.group());
		}
	}

	/** The {@code sluice.*} properties of every metadata file on the class path. */
	private static Set<String> inMetadata() throws IOException {
		JsonMapper json = JsonMapper.builder().build();
		Set<String> names = new TreeSet<>();
		for (URL url : Collections.list(ConfigurationDocsTests.class.getClassLoader().getResources(METADATA))) {
			try (InputStream in = url.openStream()) {
				JsonNode properties = json.readTree(in).path("properties");
				for (JsonNode property : properties) {
					String name = property.path("name").asString();
					boolean withdrawn = "error".equals(property.path("deprecation").path("level").asString());
					if (name.startsWith("sluice.") && !withdrawn) {
						names.add(name);
					}
				}
			}
		}
		return names;
	}

	private static List<String> difference(Set<String> all, Set<String> less) {
		List<String> missing = new ArrayList<>(all);
		missing.removeAll(less);
		return missing;
	}

}
