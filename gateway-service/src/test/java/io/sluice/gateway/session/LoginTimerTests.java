package io.sluice.gateway.session;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.local.LocalChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import io.sluice.gateway.auth.AuthResult;
import io.sluice.gateway.auth.Authenticator;
import io.sluice.gateway.protocol.AuthAction;
import io.sluice.gateway.protocol.ConnectionAction;
import io.sluice.gateway.protocol.FrameCodec;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.Topic;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code unauthenticated-client-timeout} clock, as deepstream runs it: from the connection's opening until the
 * answer to its first login, whichever that answer is; and here, not over a login that is still being decided. On
 * virtual time, with the 200 ms timeout deepstream's own tests use.
 */
class LoginTimerTests {

	private static final Duration AUTH_TIMEOUT = Duration.ofMillis(200);

	private static final Duration VERIFY = Duration.ofSeconds(5);

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final ConnectionTimers timers = new ConnectionTimers(properties(), this.time);

	private SessionDispatcher dispatcher;

	private Disposable sweep;

	@AfterEach
	void stop() {
		if (this.sweep != null) {
			this.sweep.dispose();
		}
		this.time.dispose();
	}

	@Test
	void clientThatChallengesButNeverLogsInIsCutAtTheDeadline() {
		Outbox outbox = open("idle", (connection, authData) -> Mono.just(AuthResult.accepted("ann", null, null)));
		dispatch(outbox, challenge());
		this.time.advanceTimeBy(AUTH_TIMEOUT.minusMillis(1));
		assertThat(outbox.connection.isOpen()).isTrue();
		// the sweep runs every quarter of the timeout
		this.time.advanceTimeBy(AUTH_TIMEOUT.dividedBy(4));
		assertThat(outbox.connection.isOpen()).isFalse();
		assertThat(outbox.take()).extracting(Message::action)
			.containsExactly(ConnectionAction.ACCEPT, ConnectionAction.AUTHENTICATION_TIMEOUT);
	}

	@Test
	void refusedLoginStopsTheClock() {
		Outbox outbox = open("refused", (connection, authData) -> Mono.just(AuthResult.refused("no")));
		dispatch(outbox, challenge());
		dispatch(outbox, login());
		stayConnectedFor(Duration.ofSeconds(10), outbox);
		assertThat(outbox.connection.isOpen()).as("not cut after a refused login").isTrue();
		assertThat(outbox.take()).extracting(Message::action)
			.containsExactly(ConnectionAction.ACCEPT, AuthAction.AUTH_UNSUCCESSFUL);
	}

	@Test
	void clientRefusedOnceMayLogInLongAfterTheDeadline() {
		Outbox outbox = open("second-try", (connection, authData) -> authData.has("password")
				? Mono.just(AuthResult.accepted("ann", null, null)) : Mono.just(AuthResult.refused("no")));
		dispatch(outbox, challenge());
		dispatch(outbox, login());
		stayConnectedFor(Duration.ofSeconds(2), outbox);
		dispatch(outbox, Message.builder(Topic.AUTH, AuthAction.REQUEST).data("{\"password\":\"x\"}").build());
		assertThat(outbox.connection.userId()).isEqualTo("ann");
		assertThat(outbox.take()).extracting(Message::action)
			.containsExactly(ConnectionAction.ACCEPT, AuthAction.AUTH_UNSUCCESSFUL, AuthAction.AUTH_SUCCESSFUL);
	}

	@Test
	void acceptedLoginStopsTheClock() {
		Outbox outbox = open("accepted", (connection, authData) -> Mono.just(AuthResult.accepted("ann", null, null)));
		dispatch(outbox, challenge());
		dispatch(outbox, login());
		stayConnectedFor(Duration.ofSeconds(10), outbox);
		assertThat(outbox.connection.isOpen()).isTrue();
		assertThat(outbox.take()).extracting(Message::action)
			.containsExactly(ConnectionAction.ACCEPT, AuthAction.AUTH_SUCCESSFUL);
	}

	@Test
	void loginInFlightWhenTheDeadlinePassesIsNotCut() {
		Sinks.One<AuthResult> answer = Sinks.one();
		Outbox outbox = open("slow", (connection, authData) -> answer.asMono());
		dispatch(outbox, challenge());
		// the login is sent in time; its answer comes long after the deadline
		Mono<Void> login = this.dispatcher.dispatch(outbox.connection, login());
		StepVerifier.create(login)
			.then(() -> stayConnectedFor(AUTH_TIMEOUT.multipliedBy(10), outbox))
			.then(() -> assertThat(outbox.connection.isOpen()).as("deciding, past the deadline").isTrue())
			.then(() -> answer.tryEmitValue(AuthResult.accepted("ann", null, null)))
			.expectComplete()
			.verify(VERIFY);
		stayConnectedFor(Duration.ofSeconds(1), outbox);
		assertThat(outbox.connection.isOpen()).isTrue();
		assertThat(outbox.take()).extracting(Message::action)
			.containsExactly(ConnectionAction.ACCEPT, AuthAction.AUTH_SUCCESSFUL);
	}

	@Test
	void verdictWaitsForWhatTheEventLoopAlreadyHad() throws Exception {
		DefaultEventLoopGroup group = new DefaultEventLoopGroup(1);
		try {
			Connection held = connectionOn(group, "held", (connection, authData) -> Mono.never());
			Connection idle = connectionOn(group, "idle", (connection, authData) -> Mono.never());
			CountDownLatch release = new CountDownLatch(1);
			// The event loop is held up (a pause, a busy machine) with the challenge and login of one client waiting.
			group.execute(() -> await(release));
			group.execute(() -> {
				this.dispatcher.dispatch(held, challenge()).subscribe();
				this.dispatcher.dispatch(held, login()).subscribe();
			});
			this.sweep = this.timers.start(List.of(held, idle));
			this.time.advanceTimeBy(AUTH_TIMEOUT.multipliedBy(2));
			release.countDown();
			group.submit(() -> null).get(VERIFY.toSeconds(), TimeUnit.SECONDS);
			assertThat(held.isOpen()).as("its login was read before the verdict").isTrue();
			assertThat(idle.isOpen()).as("it sent nothing").isFalse();
		}
		finally {
			group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
		}
	}

	private Connection connectionOn(DefaultEventLoopGroup group, String id, Authenticator authenticator)
			throws InterruptedException {
		this.dispatcher = new SessionDispatcher(List.of(), authenticator, properties());
		LocalChannel channel = new LocalChannel();
		group.register(channel).sync();
		Connection connection = new Connection(id, Outbox.roomFor(16), FrameCodec.BINARY, channel);
		this.timers.opened(connection);
		return connection;
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(VERIFY.toSeconds(), TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private Outbox open(String id, Authenticator authenticator) {
		this.dispatcher = new SessionDispatcher(List.of(), authenticator, properties());
		Outbox outbox = new Outbox(id, 16);
		this.timers.opened(outbox.connection);
		this.sweep = this.timers.start(List.of(outbox.connection));
		return outbox;
	}

	/** Moves the clock on while the client pings, so that only the login clock could close it. */
	private void stayConnectedFor(Duration duration, Outbox outbox) {
		Duration step = AUTH_TIMEOUT.dividedBy(2);
		for (Duration passed = Duration.ZERO; passed.compareTo(duration) < 0; passed = passed.plus(step)) {
			this.time.advanceTimeBy(step);
			outbox.connection.heard(this.timers.now());
		}
	}

	private void dispatch(Outbox outbox, Message message) {
		StepVerifier.create(this.dispatcher.dispatch(outbox.connection, message)).expectComplete().verify(VERIFY);
	}

	private static Message challenge() {
		return Message.builder(Topic.CONNECTION, ConnectionAction.CHALLENGE).build();
	}

	private static Message login() {
		return Message.builder(Topic.AUTH, AuthAction.REQUEST).data("{\"username\":\"ann\"}").build();
	}

	private static GatewayProperties properties() {
		GatewayProperties defaults = GatewayProperties.defaults();
		return new GatewayProperties(defaults.path(), defaults.jsonPath(), defaults.maxMessageSize(),
				defaults.outboundBudget(), defaults.outboundLimit(), defaults.stallTimeout(), defaults.maxInFlight(), defaults.heartbeatTimeout(), AUTH_TIMEOUT,
				defaults.maxAuthAttempts(), defaults.maxNameLength(), defaults.maxSubscriptions(),
				defaults.maxMessagesPerSecond(), defaults.maxJsonDepth(), defaults.shutdownTimeout(),
				defaults.allowedOrigins());
	}

}
