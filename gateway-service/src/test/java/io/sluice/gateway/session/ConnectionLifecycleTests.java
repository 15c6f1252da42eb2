package io.sluice.gateway.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import io.sluice.gateway.auth.AuthResult;
import io.sluice.gateway.auth.Authenticator;
import io.sluice.gateway.protocol.AuthAction;
import io.sluice.gateway.protocol.ConnectionAction;
import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.pubsub.Subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

/** Auth attempts, timeouts, heartbeats, rate and message checks of one connection, on virtual time. */
class ConnectionLifecycleTests {

	private static final Duration VERIFY = Duration.ofSeconds(5);

	@Test
	void clientThatDoesNotLogInInTimeIsToldSoAndClosed() {
		VirtualTimeScheduler time = VirtualTimeScheduler.create();
		ConnectionTimers timers = new ConnectionTimers(GatewayProperties.defaults(), time);
		Outbox outbox = new Outbox("late", 16);
		Connection connection = outbox.connection;
		timers.opened(connection);
		Disposable sweep = timers.start(List.of(connection));
		// It pings, so only the authentication timeout applies.
		for (int i = 0; i < 5; i++) {
			time.advanceTimeBy(Duration.ofSeconds(30));
			connection.heard(timers.now());
		}
		time.advanceTimeBy(Duration.ofSeconds(29));
		assertThat(connection.isOpen()).isTrue();
		time.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(connection.isOpen()).isFalse();
		sweep.dispose();
		assertThat(outbox.take()).extracting(Message::action).containsExactly(ConnectionAction.AUTHENTICATION_TIMEOUT);
		assertThat(connection.closedBy().code()).isEqualTo(ConnectionTimers.AUTH_TIMEOUT_CLOSE);
		assertThat(outbox.closeFrame()).isEqualTo(connection.closedBy());
	}

	@Test
	void silentConnectionIsClosedAfterTheHeartbeatTimeoutAndOnlyThen() {
		VirtualTimeScheduler time = VirtualTimeScheduler.create();
		ConnectionTimers timers = new ConnectionTimers(GatewayProperties.defaults(), time);
		Outbox outbox = new Outbox("quiet", 16);
		Connection connection = outbox.connection;
		connection.authenticated("ann", null);
		timers.opened(connection);
		Disposable sweep = timers.start(List.of(connection));
		time.advanceTimeBy(Duration.ofSeconds(50));
		connection.heard(timers.now());
		time.advanceTimeBy(Duration.ofSeconds(59));
		assertThat(connection.isOpen()).as("pinged 59 s ago").isTrue();
		time.advanceTimeBy(Duration.ofSeconds(20));
		assertThat(connection.isOpen()).isFalse();
		sweep.dispose();
		assertThat(connection.closedBy().code()).isEqualTo(ConnectionTimers.HEARTBEAT_CLOSE);
		assertThat(connection.closedBy().reason()).contains("Heartbeat timeout");
		assertThat(outbox.take()).as("nothing but the close").isEmpty();
	}

	@Test
	void oneSweepTimesEveryConnectionFromItsOwnLastMessage() {
		VirtualTimeScheduler time = VirtualTimeScheduler.create();
		ConnectionTimers timers = new ConnectionTimers(GatewayProperties.defaults(), time);
		Connection early = new Outbox("early", 16).connection;
		Connection late = new Outbox("late", 16).connection;
		early.authenticated("ann", null);
		late.authenticated("bob", null);
		timers.opened(early);
		Disposable sweep = timers.start(List.of(early, late));
		time.advanceTimeBy(Duration.ofSeconds(30));
		timers.opened(late);
		// Swept every 15 s: each is closed at the first sweep more than 60 s after it was last heard from.
		time.advanceTimeBy(Duration.ofSeconds(44));
		assertThat(early.isOpen()).isTrue();
		time.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(early.isOpen()).as("silent for 75 s").isFalse();
		assertThat(late.isOpen()).as("silent for 45 s").isTrue();
		time.advanceTimeBy(Duration.ofSeconds(29));
		assertThat(late.isOpen()).isTrue();
		time.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(late.isOpen()).isFalse();
		sweep.dispose();
	}

	@Test
	void rateLimitAllowsABurstOfOneSecondThenTheRate() {
		AtomicLong nanos = new AtomicLong();
		RateLimit limit = new RateLimit(10, nanos::get);
		for (int i = 0; i < 10; i++) {
			assertThat(limit.tryAcquire()).isTrue();
		}
		assertThat(limit.tryAcquire()).isFalse();
		nanos.addAndGet(Duration.ofMillis(100).toNanos());
		assertThat(limit.tryAcquire()).isTrue();
		assertThat(limit.tryAcquire()).isFalse();
	}

	@Test
	void refusedLoginsAreCountedUntilTheConnectionIsClosed() {
		Authenticator refuseAll = (connection, authData) -> Mono.just(AuthResult.refused("no"));
		SessionDispatcher dispatcher = new SessionDispatcher(List.of(), refuseAll, GatewayProperties.defaults());
		Connection connection = outbox("guess", 16).connection;
		dispatch(dispatcher, connection, Message.builder(Topic.CONNECTION, ConnectionAction.CHALLENGE).build());
		for (int i = 0; i < 3; i++) {
			assertThat(connection.isOpen()).isTrue();
			dispatch(dispatcher, connection, Message.builder(Topic.AUTH, AuthAction.REQUEST).data("{}").build());
		}
		List<Message> sent = sent(connection);
		assertThat(sent).extracting(Message::action).containsExactly(ConnectionAction.ACCEPT,
				AuthAction.AUTH_UNSUCCESSFUL, AuthAction.AUTH_UNSUCCESSFUL, AuthAction.AUTH_UNSUCCESSFUL,
				AuthAction.TOO_MANY_AUTH_ATTEMPTS);
		assertThat(sent.get(1).dataText()).isEqualTo("\"no\"");
		assertThat(connection.closedBy().reason()).isEqualTo("Too many authentication attempts");
	}

	@Test
	void acceptedLoginSendsTheClientData() {
		Authenticator accept = (connection, authData) -> Mono
			.just(AuthResult.accepted("ann", "{\"role\":\"admin\"}".getBytes(), null));
		SessionDispatcher dispatcher = new SessionDispatcher(List.of(), accept, GatewayProperties.defaults());
		Connection connection = outbox("ok", 16).connection;
		dispatch(dispatcher, connection, Message.builder(Topic.CONNECTION, ConnectionAction.CHALLENGE).build());
		dispatch(dispatcher, connection, Message.builder(Topic.AUTH, AuthAction.REQUEST).data("{}").build());
		assertThat(connection.userId()).isEqualTo("ann");
		assertThat(sent(connection).get(1).dataText()).isEqualTo("{\"role\":\"admin\"}");
	}

	@Test
	void invalidNamesAndDeepDataAreRefusedBeforeTheHandlerAndTheConnectionStaysOpen() {
		List<Message> handled = new ArrayList<>();
		SessionDispatcher dispatcher = new SessionDispatcher(List.of(recording(Topic.RECORD, handled)));
		Connection connection = loggedIn(dispatcher);
		dispatch(dispatcher, connection, Message.builder(Topic.RECORD, RecordAction.READ).name("").build());
		dispatch(dispatcher, connection, Message.builder(Topic.RECORD, RecordAction.READ).name("a\u0007b").build());
		dispatch(dispatcher, connection, Message.builder(Topic.RECORD, RecordAction.READ).name("x".repeat(1025)).build());
		dispatch(dispatcher, connection, Message.builder(Topic.RECORD, RecordAction.UPDATE).name("deep").version(1L)
			.data("[".repeat(65) + "]".repeat(65)).build());
		dispatch(dispatcher, connection, Message.builder(Topic.RECORD, RecordAction.READ).name("fine").build());
		assertThat(handled).extracting(Message::name).containsExactly("fine");
		assertThat(connection.isOpen()).isTrue();
		List<Message> sent = sent(connection);
		assertThat(sent).hasSize(6);
		assertThat(sent.subList(2, 6)).allSatisfy((error) -> {
			assertThat(error.action()).isEqualTo(RecordAction.INVALID_MESSAGE_DATA);
			assertThat(error.isError()).isTrue();
		});
		assertThat(sent).extracting(Message::dataText).contains("\"Empty name\"",
				"\"Name contains the control character U+0007\"", "\"Name of 1025 characters is longer than 1024\"",
				"\"Data nests deeper than 64 levels\"");
	}

	@Test
	void subscriptionsBeyondTheLimitAreRefused() {
		GatewayProperties defaults = GatewayProperties.defaults();
		GatewayProperties two = new GatewayProperties("/ds", "", defaults.maxMessageSize(),
				defaults.outboundBudget(), defaults.outboundLimit(), defaults.stallTimeout(), 16,
				defaults.heartbeatTimeout(), defaults.unauthenticatedClientTimeout(), 3, 1024, 2, 1000, 64,
				defaults.shutdownTimeout(), List.of());
		Subscriptions subscriptions = new Subscriptions();
		List<Message> handled = new ArrayList<>();
		TopicHandler events = new TopicHandler() {

			@Override
			public int topic() {
				return Topic.EVENT;
			}

			@Override
			public Mono<Void> handle(Connection connection, Message message) {
				handled.add(message);
				message.names().forEach((name) -> subscriptions.subscribe(name, connection));
				return Mono.empty();
			}

			@Override
			public void onClose(Connection connection) {
			}

		};
		SessionDispatcher dispatcher = new SessionDispatcher(List.of(events), (c, d) -> Mono
			.just(AuthResult.accepted("u", null, null)), two);
		Connection connection = loggedIn(dispatcher);
		dispatch(dispatcher, connection, Message.builder(Topic.EVENT, EventAction.SUBSCRIBE).names(List.of("a", "b")).build());
		dispatch(dispatcher, connection, Message.builder(Topic.EVENT, EventAction.SUBSCRIBE).names(List.of("c")).build());
		subscriptions.unsubscribe("a", connection);
		dispatch(dispatcher, connection, Message.builder(Topic.EVENT, EventAction.SUBSCRIBE).names(List.of("c")).build());
		assertThat(handled).hasSize(2);
		assertThat(connection.subscriptionCount()).isEqualTo(2);
		Message refused = sent(connection).get(2);
		assertThat(refused.isError()).isTrue();
		assertThat(refused.dataText()).contains("Too many subscriptions");
	}

	private static TopicHandler recording(int topic, List<Message> handled) {
		return new TopicHandler() {

			@Override
			public int topic() {
				return topic;
			}

			@Override
			public Mono<Void> handle(Connection connection, Message message) {
				handled.add(message);
				return Mono.empty();
			}

			@Override
			public void onClose(Connection connection) {
			}

		};
	}

	private Connection loggedIn(SessionDispatcher dispatcher) {
		Connection connection = outbox("c", 64).connection;
		dispatch(dispatcher, connection, Message.builder(Topic.CONNECTION, ConnectionAction.CHALLENGE).build());
		dispatch(dispatcher, connection, Message.builder(Topic.AUTH, AuthAction.REQUEST).data("{}").build());
		assertThat(connection.state()).isEqualTo(Connection.State.OPEN);
		return connection;
	}

	private static void dispatch(SessionDispatcher dispatcher, Connection connection, Message message) {
		StepVerifier.create(dispatcher.dispatch(connection, message)).expectComplete().verify(VERIFY);
	}

	private final Map<Connection, Outbox> outboxes = new HashMap<>();

	private Outbox outbox(String id, int limit) {
		Outbox outbox = new Outbox(id, limit);
		this.outboxes.put(outbox.connection, outbox);
		return outbox;
	}

	private List<Message> sent(Connection connection) {
		return this.outboxes.get(connection).take();
	}

}
