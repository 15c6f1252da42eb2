package io.sluice.record.remote;

import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import io.sluice.connector.MessageBus;
import io.sluice.connector.memory.InMemoryMessageBus;
import io.sluice.connector.memory.MemoryConnectorAutoConfiguration;
import io.sluice.record.RecordService;
import io.sluice.record.api.RecordApiAutoConfiguration;
import io.sluice.record.api.RecordApiServer;
import io.sluice.record.write.RecordServiceAutoConfiguration;

/**
 * A record-service instance for tests: the real record service over in-memory connectors, served by the real
 * records API server on a real socket.
 */
final class LocalRecordServer implements AutoCloseable {

	private final AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();

	/** @param properties more settings, as {@code name=value} (SSL bundles, say) */
	LocalRecordServer(int port, InMemoryMessageBus.Medium medium, String nodeId, String... properties) {
		TestPropertyValues.of("sluice.records.api.enabled=true", "sluice.records.api.host=127.0.0.1",
				"sluice.records.api.port=" + port, "sluice.records.api.shutdown-grace=0s", "sluice.node-id=" + nodeId)
			.and(properties)
			.applyTo(this.context);
		this.context.registerBean(InMemoryMessageBus.Medium.class, () -> medium);
		this.context.register(SslAutoConfiguration.class, MemoryConnectorAutoConfiguration.class,
				RecordServiceAutoConfiguration.class, RecordApiAutoConfiguration.class);
		this.context.refresh();
	}

	RecordService records() {
		return this.context.getBean(RecordService.class);
	}

	MessageBus bus() {
		return this.context.getBean(MessageBus.class);
	}

	int port() {
		return this.context.getBean(RecordApiServer.class).port();
	}

	String address() {
		return "127.0.0.1:" + port();
	}

	@Override
	public void close() {
		this.context.close();
	}

}
