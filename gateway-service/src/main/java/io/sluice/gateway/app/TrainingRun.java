package io.sluice.gateway.app;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import io.sluice.gateway.protocol.AuthAction;
import io.sluice.gateway.protocol.ConnectionAction;
import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.Topic;

/**
 * The build's training run: once the application is ready, it does what the first clients of a fresh server do,
 * then exits, so that the class data sharing archive (or the JDK's ahead-of-time cache) the run records holds the
 * classes of the web server, the WebSocket session and the record and event paths, and not only those of a
 * refreshed context. Turned on by the system property {@value #PROPERTY}; never part of an ordinary start.
 *
 * <p>Two clients connect to the deepstream endpoint with the gateway's own codec and log in; one opens a record,
 * writes it and waits for the durable acknowledgement, subscribes to an event that the other emits; then the HTTP
 * API is asked for health, a record and an event. Each step waits at most {@link #STEP} and a step that fails (a
 * gateway without a record service, another authentication) is skipped: what the run loaded is kept either way.
 */
final class TrainingRun implements ApplicationListener<ApplicationReadyEvent> {

	static final String PROPERTY = "sluice.training-run";

	private static final Log logger = LogFactory.getLog(TrainingRun.class);

	private static final Duration STEP = Duration.ofSeconds(5);

	private static final String NAME = "sluice-training/first";

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		ConfigurableApplicationContext context = event.getApplicationContext();
		int port = (context instanceof WebServerApplicationContext web) ? web.getWebServer().getPort() : -1;
		try {
			if (port > 0) {
				exercise(port);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.warn("Training run stopped early: " + ex);
		}
		System.exit(SpringApplication.exit(context));
	}

	private static void exercise(int port) throws InterruptedException {
		try (Client reader = Client.loggedIn(port, "training-reader");
				Client writer = Client.loggedIn(port, "training-writer")) {
			if (reader == null || writer == null) {
				return;
			}
			records(reader, writer);
			reader.send(Message.builder(Topic.EVENT, EventAction.SUBSCRIBE).names(List.of(NAME)).correlationId("3")
				.build());
			reader.await((m) -> m.topic() == Topic.EVENT && m.isAck());
			writer.send(Message.builder(Topic.EVENT, EventAction.EMIT).name(NAME).data("\"first\"").build());
			reader.await((m) -> m.topic() == Topic.EVENT && m.action() == EventAction.EMIT);
		}
		HttpClient http = HttpClient.create().baseUrl("http://localhost:" + port);
		request(http.get().uri("/health-check").responseSingle((response, body) -> body.asString()));
		request(http.get().uri("/api/v1/records/" + NAME).responseSingle((response, body) -> body.asString()));
		request(http.headers((headers) -> headers.set("Content-Type", "application/json"))
			.post()
			.uri("/api")
			.send(ByteBufFlux.fromString(Mono.just("{\"body\":[{\"topic\":\"event\",\"action\":\"emit\",\"eventName\":\""
					+ NAME + "\",\"data\":1}]}")))
			.responseSingle((response, body) -> body.asString()));
	}

	/** Opens a record, writes it with a durable acknowledgement and sees the change; stops at a missing answer. */
	private static void records(Client reader, Client writer) throws InterruptedException {
		reader.send(Message.builder(Topic.RECORD, RecordAction.SUBSCRIBECREATEANDREAD).names(List.of(NAME))
			.correlationId("1").build());
		if (reader.await((m) -> m.topic() == Topic.RECORD && m.action() == RecordAction.READ_RESPONSE)) {
			writer.send(Message.builder(Topic.RECORD, RecordAction.CREATEANDUPDATE).name(NAME).version(-1)
				.data("{\"first\":true}").isWriteAck(true).correlationId("2").build());
			if (writer.await((m) -> m.topic() == Topic.RECORD && m.action() == RecordAction.WRITE_ACKNOWLEDGEMENT)) {
				reader.await((m) -> m.topic() == Topic.RECORD && m.action() == RecordAction.UPDATE);
			}
		}
	}

	private static void request(Mono<String> request) {
		request.onErrorResume((ex) -> Mono.empty()).block(STEP);
	}

	/** A binary WebSocket client of the deepstream endpoint, as a first client of a fresh server would be. */
	private static final class Client implements AutoCloseable {

		private final BlockingQueue<Message> received = new LinkedBlockingQueue<>();

		private final Sinks.Many<WebSocketFrame> outbound = Sinks.many().unicast().onBackpressureBuffer();

		private final Disposable connection;

		private Client(int port) {
			this.connection = HttpClient.create()
				.websocket()
				.uri("ws://localhost:" + port + "/deepstream")
				.handle((in, out) -> out.sendObject(this.outbound.asFlux())
					.then()
					.and(in.receiveFrames()
						.doOnNext((frame) -> this.received.add(MessageCodec.decode(ByteBufUtil.getBytes(frame.content()))))
						.then()))
				.subscribe(null, (ex) -> { });
		}

		/** A client that is connected and logged in as {@code username}, or null when either failed. */
		static Client loggedIn(int port, String username) throws InterruptedException {
			Client client = new Client(port);
			client.send(Message.builder(Topic.CONNECTION, ConnectionAction.CHALLENGE).url("ws://localhost").build());
			if (client.await((m) -> m.topic() == Topic.CONNECTION && m.action() == ConnectionAction.ACCEPT)) {
				client.send(Message.builder(Topic.AUTH, AuthAction.REQUEST)
					.data("{\"username\":\"" + username + "\"}").build());
				if (client.await((m) -> m.topic() == Topic.AUTH && m.action() == AuthAction.AUTH_SUCCESSFUL)) {
					return client;
				}
			}
			client.close();
			return null;
		}

		void send(Message message) {
			this.outbound.tryEmitNext(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(MessageCodec.encode(message))));
		}

		/** Waits up to {@link TrainingRun#STEP} for a message that {@code wanted} accepts, skipping others. */
		boolean await(Predicate<Message> wanted) throws InterruptedException {
			long deadline = System.nanoTime() + STEP.toNanos();
			for (long left = STEP.toNanos(); left > 0; left = deadline - System.nanoTime()) {
				Message message = this.received.poll(left, TimeUnit.NANOSECONDS);
				if (message != null && wanted.test(message)) {
					return true;
				}
			}
			return false;
		}

		@Override
		public void close() {
			this.connection.dispose();
		}

	}

}
