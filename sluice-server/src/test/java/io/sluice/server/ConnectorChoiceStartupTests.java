package io.sluice.server;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.sluice.connector.UnknownConnectorException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * sluice-server started as its jar starts it, with a connector choice that cannot work: it stops before anything
 * else happens, and the one thing it says names the property and what it takes.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConnectorChoiceStartupTests {

	@TempDir
	Path dataDir;

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			sluice.cache.type   | redsi   | record cache   | memory (io.sluice:sluice-memory-starter), redis (io.sluice:sluice-redis-starter)
			sluice.storage.type | postgres | record store   | memory (io.sluice:sluice-memory-starter), sql (io.sluice:sluice-sql-starter), mongodb (io.sluice:sluice-mongodb-starter)
			sluice.queue.type   | kafak   | storage queue  | none (no storage queue), memory (io.sluice:sluice-memory-starter), file (io.sluice:sluice-file-starter), kafka (io.sluice:sluice-kafka-starter)
			sluice.bus.type     | kafka2  | message bus    | memory (io.sluice:sluice-memory-starter), redis (io.sluice:sluice-redis-starter), kafka (io.sluice:sluice-kafka-starter)
			sluice.history.type | mongo   | stream history | memory (io.sluice:sluice-memory-starter), redis (io.sluice:sluice-redis-starter), sql (io.sluice:sluice-sql-starter), mongodb (io.sluice:sluice-mongodb-starter)
			""")
	void aTypoInAConnectorChoiceStopsStartUpFirstNamingThePropertyAndItsValues(String property, String value,
			String port, String options, CapturedOutput output) {
		assertThatThrownBy(() -> run("--" + property + "=" + value)).isInstanceOf(UnknownConnectorException.class)
			.hasMessageStartingWith(property + " is '" + value + "', which names no " + port);

		assertThat(output).contains(property + " is '" + value + "', which names no " + port + " Sluice has.")
			.contains("Set " + property + " to one of: " + options + ".");
		assertThat(output.toString().split("APPLICATION FAILED TO START", -1)).as("failure reports").hasSize(2);
		// Nothing started before the check: no banner's worth of log lines, no bean, no stack trace.
		assertThat(output).doesNotContain("Starting SluiceServer").doesNotContain("\tat ");
	}

	@Test
	void aChosenConnectorWhoseStarterIsMissingSaysWhichStarterProvidesIt(CapturedOutput output) {
		// The SQL starter's auto-configuration left out stands for a deployable built without that starter.
		assertThatThrownBy(() -> run("--sluice.storage.type=sql",
				"--spring.autoconfigure.exclude=io.sluice.connector.sql.SqlConnectorAutoConfiguration"))
			.hasRootCauseInstanceOf(NoSuchBeanDefinitionException.class);

		assertThat(output).contains("needs a record store (io.sluice.connector.RecordStore), and none is there: "
				+ "sluice.storage.type=sql chose it, but no RecordStore bean was defined.")
			.contains("Put io.sluice:sluice-sql-starter, which provides sql, on the class path");
	}

	private void run(String... args) {
		String[] all = new String[args.length + 3];
		all[0] = "--server.port=0";
		all[1] = "--spring.main.banner-mode=off";
		all[2] = "--sluice.data-dir=" + this.dataDir;
		System.arraycopy(args, 0, all, 3, args.length);
		new SpringApplication(SluiceServer.class).run(all).close();
	}

}
