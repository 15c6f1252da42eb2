package io.sluice.server;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.Uuid;

import static org.awaitility.Awaitility.await;

/**
 * A real Kafka broker in a process of its own (KRaft, broker and controller in one), run from the Kafka jars on
 * the test class path as the distribution's scripts run them: the log directory formatted once with
 * {@code kafka.tools.StorageTool format --standalone}, then {@code kafka.Kafka server.properties}. Bound to
 * 127.0.0.1; it can be stopped and started again on the same log directory and ports.
 */
final class KafkaBrokerProcess implements AutoCloseable {

	private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

	private final int port;

	private final Path properties;

	private final Path log;

	private Process process;

	private KafkaBrokerProcess(int port, Path properties, Path log) {
		this.port = port;
		this.properties = properties;
		this.log = log;
	}

	/**
	 * Formats a log directory under {@code directory} and starts the broker on it.
	 * @param directory where the broker's properties and data go
	 * @param log where the broker's output goes
	 * @param startupTimeout how long the broker may take to accept connections
	 */
	static KafkaBrokerProcess start(Path directory, Path log, Duration startupTimeout)
			throws IOException, InterruptedException {
		int port = ServerProcess.freePort();
		int controllerPort = ServerProcess.freePort();
		Files.createDirectories(directory);
		Path properties = directory.resolve("server.properties");
		Files.writeString(properties, String.join(System.lineSeparator(), "process.roles=broker,controller",
				"node.id=1", "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
				"listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
				"advertised.listeners=PLAINTEXT://127.0.0.1:" + port, "controller.listener.names=CONTROLLER",
				"inter.broker.listener.name=PLAINTEXT",
				"listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
				"log.dirs=" + directory.resolve("data").toAbsolutePath(), "num.partitions=1",
				"offsets.topic.replication.factor=1", "offsets.topic.num.partitions=4",
				"transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1",
				"share.coordinator.state.topic.replication.factor=1", "share.coordinator.state.topic.min.isr=1",
				"group.initial.rebalance.delay.ms=0", ""));
		// Logback is on the test class path; unconfigured, it would print every debug line.
		Files.writeString(directory.resolve("logback.xml"), """
				<configuration>
				  <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
				    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>
				  </appender>
				  <root level="WARN"><appender-ref ref="out"/></root>
				</configuration>
				""");
		KafkaBrokerProcess broker = new KafkaBrokerProcess(port, properties, log);
		Files.createDirectories(log.getParent());
		Process format = new ProcessBuilder(command(directory, "kafka.tools.StorageTool", "format", "--standalone", "-t",
				Uuid.randomUuid().toString(), "-c", properties.toString()))
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
			.start();
		if (!format.waitFor(FORMAT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || format.exitValue() != 0) {
			format.destroyForcibly();
			throw new IllegalStateException("Formatting the Kafka log directory failed; its output is in " + log
					+ System.lineSeparator() + ServerProcess.Logs.tail(log, 30));
		}
		broker.start(startupTimeout);
		return broker;
	}

	private static List<String> command(Path directory, String mainClass, String... args) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xmx512m");
		command.add("-Dlogback.configurationFile=" + directory.resolve("logback.xml").toAbsolutePath());
		command.add("-cp");
		// Under failsafe, a jar whose manifest names the whole test class path.
		command.add(System.getProperty("java.class.path"));
		command.add(mainClass);
		command.addAll(List.of(args));
		return command;
	}

	/** Starts the broker (again) on its log directory and waits until it accepts connections. */
	void start(Duration startupTimeout) throws IOException {
		if (this.process != null && this.process.isAlive()) {
			throw new IllegalStateException("The Kafka broker is running (pid " + this.process.pid() + ")");
		}
		this.process = new ProcessBuilder(command(this.properties.getParent(), "kafka.Kafka", this.properties.toString())).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()))
			.start();
		await("Kafka broker on port " + this.port + " (its output is in " + this.log + ")").atMost(startupTimeout)
			.pollInterval(Duration.ofMillis(200))
			.until(() -> {
				if (!this.process.isAlive()) {
					throw new IllegalStateException("The Kafka broker exited with status " + this.process.exitValue()
							+ System.lineSeparator() + ServerProcess.Logs.tail(this.log, 30));
				}
				return accepts();
			});
	}

	private boolean accepts() {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	String bootstrapServers() {
		return "127.0.0.1:" + this.port;
	}

	/** Stops the broker the way an operator does (SIGTERM, a controlled shutdown) and waits until it is gone. */
	void stop() throws InterruptedException {
		if (this.process == null || !this.process.isAlive()) {
			return;
		}
		this.process.destroy();
		if (!this.process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
			this.process.destroyForcibly();
			this.process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	@Override
	public void close() throws InterruptedException {
		stop();
	}

}
