package io.sluice.gateway.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import io.sluice.gateway.auth.AuthResult;
import io.sluice.gateway.auth.Authenticator;
import io.sluice.gateway.protocol.AuthAction;
import io.sluice.gateway.protocol.ConnectionAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.transport.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;

/** Sessions whose login expires are told so and closed then, and only then. */
class SessionExpiryTests {

	private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

	@Test
	void sessionIsClosedWhenItsLoginExpiresAndNotBefore() {
		Outbox outbox = new Outbox("expiring", 16);
		expiringIn5s(outbox);
		outbox.advanceTimeBy(Duration.ofMillis(4990));
		assertThat(outbox.connection.isOpen()).isTrue();
		outbox.advanceTimeBy(Duration.ofMillis(20));
		assertThat(outbox.connection.isOpen()).isFalse();
		assertThat(outbox.take()).extracting(Message::topic, Message::action)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(Topic.CONNECTION, ConnectionAction.CLOSED));
		assertThat(outbox.closeFrame()).isEqualTo(
				new CloseStatus(SessionExpiry.EXPIRED_CLOSE, SessionExpiry.EXPIRED_REASON));
	}

	@Test
	void timerOfAClosedConnectionIsCancelled() {
		Outbox outbox = new Outbox("gone", 16);
		SessionExpiry expiry = expiringIn5s(outbox);
		expiry.cancel(outbox.connection);
		outbox.advanceTimeBy(Duration.ofSeconds(10));
		assertThat(outbox.connection.isOpen()).isTrue();
		assertThat(outbox.take()).isEmpty();
	}

	@Test
	void loginThatHasAlreadyExpiredIsAnsweredThenClosed() {
		Authenticator expired = (connection, authData) -> Mono
			.just(AuthResult.accepted("ann", null, null, Instant.now().minusSeconds(1)));
		SessionDispatcher dispatcher = new SessionDispatcher(List.of(), expired, GatewayProperties.defaults());
		Outbox outbox = new Outbox("late", 16);
		dispatch(dispatcher, outbox.connection, Message.builder(Topic.CONNECTION, ConnectionAction.CHALLENGE).build());
		dispatch(dispatcher, outbox.connection, Message.builder(Topic.AUTH, AuthAction.REQUEST).data("{}").build());
		outbox.advanceTimeBy(Duration.ZERO);
		assertThat(outbox.take()).extracting(Message::action)
			.containsExactly(ConnectionAction.ACCEPT, AuthAction.AUTH_SUCCESSFUL, ConnectionAction.CLOSED);
		assertThat(outbox.connection.isOpen()).isFalse();
	}

	@Test
	void loginWithoutExpiryIsNotTimed() {
		Authenticator forever = (connection, authData) -> Mono.just(AuthResult.accepted("ann", null, null));
		SessionDispatcher dispatcher = new SessionDispatcher(List.of(), forever, GatewayProperties.defaults());
		Outbox outbox = new Outbox("forever", 16);
		dispatch(dispatcher, outbox.connection, Message.builder(Topic.CONNECTION, ConnectionAction.CHALLENGE).build());
		dispatch(dispatcher, outbox.connection, Message.builder(Topic.AUTH, AuthAction.REQUEST).data("{}").build());
		outbox.advanceTimeBy(Duration.ofDays(400));
		assertThat(outbox.connection.isOpen()).isTrue();
	}

	/** Logs the outbox's connection in with a login that expires 5 s from now. */
	private static SessionExpiry expiringIn5s(Outbox outbox) {
		SessionExpiry expiry = new SessionExpiry(Clock.fixed(NOW, ZoneOffset.UTC));
		outbox.login("ann", null);
		expiry.schedule(outbox.connection, NOW.plusSeconds(5));
		return expiry;
	}

	private static void dispatch(SessionDispatcher dispatcher, Connection connection, Message message) {
		StepVerifier.create(dispatcher.dispatch(connection, message)).expectComplete().verify(Duration.ofSeconds(5));
	}

}
