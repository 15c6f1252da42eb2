package io.sluice.gateway.http.deepstream;

import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deepstream's HTTP endpoint on arbitrary bodies: a body parses, or is refused with the parser's reason (which the
 * endpoint answers as deepstream's 400); each command of a parsed batch is read as a command that names what it
 * acts on, or refused (with a reason where deepstream gives one).
 * Nothing else may escape. The normal build replays the inputs committed under
 * {@code DeepstreamBodyFuzzTestsInputs}; {@code JAZZER_FUZZ=1} fuzzes (docs/reliability.md).
 */
class DeepstreamBodyFuzzTests {

	@FuzzTest(maxDuration = "30m", maxExecutions = 1_000_000)
	void bodies(byte @NotNull [] body) {
		JsonNode parsed;
		try {
			parsed = DeepstreamHttpEndpoint.parse(body);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			assertThat(ex.getMessage()).isNotBlank();
			return;
		}
		JsonNode commands = parsed.path("body");
		for (int i = 0; i < commands.size(); i++) {
			JifParser.Parsed command = JifParser.parse(commands.get(i));
			if (command.valid()) {
				assertThat(names(command.command())).as("command %s names what it acts on", i)
					.allSatisfy((name) -> assertThat(name).isNotEmpty());
			}
		}
	}

	/** The name a valid command acts on, which deepstream's schema requires to be non-empty. */
	private static List<String> names(JifCommand command) {
		// Notify and presence take a list of any strings, as deepstream's schema does.
		return (command instanceof JifCommand.Named named) ? List.of(named.name()) : List.of();
	}

}
