package io.sluice.gateway.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import io.sluice.gateway.auth.AuthResult;
import io.sluice.gateway.auth.Authenticator;
import io.sluice.gateway.protocol.AuthAction;
import io.sluice.gateway.protocol.ConnectionAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.Topic;

import static org.assertj.core.api.Assertions.assertThat;

class RefusedLoginsTests {

	private final AtomicLong nanos = new AtomicLong(123_456_789);

	@Test
	void anAddressHasTenSecondsOfRefusalsAtOnceThenTheRate() {
		RefusedLogins logins = new RefusedLogins(2, this.nanos::get);
		for (int i = 0; i < 20; i++) {
			assertThat(logins.tryStart("10.0.0.1")).as("login %d", i).isEqualTo("10.0.0.1");
		}
		assertThat(logins.tryStart("10.0.0.1")).isNull();
		assertThat(logins.tryStart("10.0.0.2")).as("another address").isEqualTo("10.0.0.2");

		advance(Duration.ofMillis(499));
		assertThat(logins.tryStart("10.0.0.1")).isNull();
		advance(Duration.ofMillis(1));
		assertThat(logins.tryStart("10.0.0.1")).isNotNull();
		assertThat(logins.tryStart("10.0.0.1")).isNull();
	}

	@Test
	void acceptedLoginsCostNothing() {
		RefusedLogins logins = new RefusedLogins(1, this.nanos::get);
		for (int i = 0; i < 1000; i++) {
			String counted = logins.tryStart("10.0.0.1");
			assertThat(counted).as("login %d", i).isNotNull();
			logins.accepted(counted);
		}
		assertThat(logins.held()).as("an address whose allowance is whole is not held").isZero();
	}

	@Test
	void loginsInProgressAtOnceAreCountedUntilAccepted() {
		RefusedLogins logins = new RefusedLogins(1, this.nanos::get);
		List<String> inProgress = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			inProgress.add(logins.tryStart("10.0.0.1"));
		}
		assertThat(logins.tryStart("10.0.0.1")).isNull();

		logins.accepted(inProgress.get(0));
		assertThat(logins.tryStart("10.0.0.1")).isNotNull();
	}

	@Test
	void memoryIsBoundedUnderManyAddresses() {
		RefusedLogins logins = new RefusedLogins(1, this.nanos::get);
		for (int i = 0; i < RefusedLogins.MAX_ADDRESSES; i++) {
			assertThat(logins.tryStart("address-" + i)).isNotNull();
		}

		for (int i = 0; i < 10; i++) {
			assertThat(logins.tryStart("new-" + i)).as("new addresses share one allowance")
				.isEqualTo(RefusedLogins.OTHERS);
		}
		assertThat(logins.tryStart("new-10")).isNull();
		assertThat(logins.held()).isEqualTo(RefusedLogins.MAX_ADDRESSES + 1);

		advance(Duration.ofSeconds(2));
		assertThat(logins.tryStart("later")).as("the held ones are whole again and dropped").isEqualTo("later");
		assertThat(logins.held()).isEqualTo(2);
	}

	@Test
	void noLimitCountsNothing() {
		RefusedLogins logins = new RefusedLogins(0, this.nanos::get);
		for (int i = 0; i < 1000; i++) {
			assertThat(logins.tryStart("10.0.0.1")).isEqualTo("10.0.0.1");
		}
		assertThat(logins.held()).isZero();
	}

	@Test
	void aLoginOverTheAllowanceIsRefusedWithoutAskingAndEndsTheConnection() {
		List<String> asked = new ArrayList<>();
		Authenticator refuseAll = (connection, authData) -> {
			asked.add(authData.toString());
			return Mono.just(AuthResult.refused("no"));
		};
		SessionDispatcher dispatcher = new SessionDispatcher(List.of(), refuseAll, GatewayProperties.defaults(), null,
				new RefusedLogins(1, this.nanos::get));
		// Embedded channels share one remote address: four connections of three attempts each from it.
		List<Message> lastSent = List.of();
		Connection last = null;
		for (int c = 0; c < 4; c++) {
			Outbox outbox = new Outbox("guess-" + c, 16);
			last = outbox.connection;
			dispatch(dispatcher, last, Message.builder(Topic.CONNECTION, ConnectionAction.CHALLENGE).build());
			for (int i = 0; i < 3 && last.isOpen(); i++) {
				dispatch(dispatcher, last, Message.builder(Topic.AUTH, AuthAction.REQUEST).data("{}").build());
			}
			lastSent = outbox.take();
		}

		assertThat(asked).as("the authenticator saw ten logins, no more").hasSize(10);
		// The last connection's first login is the tenth, asked and refused; its second is over the allowance.
		assertThat(lastSent).extracting(Message::action).containsExactly(ConnectionAction.ACCEPT,
				AuthAction.AUTH_UNSUCCESSFUL, AuthAction.AUTH_UNSUCCESSFUL, AuthAction.TOO_MANY_AUTH_ATTEMPTS);
		assertThat(lastSent.get(1).dataText()).isEqualTo("\"no\"");
		assertThat(lastSent.get(2).dataText())
			.isEqualTo("\"Too many refused logins from this address: try again later\"");
		assertThat(last.closedBy().code()).isEqualTo(1008);
		assertThat(last.closedBy().reason()).isEqualTo("Too many refused logins from this address");
	}

	@Test
	void acceptedLoginsFromABusyAddressAreNeverHeldUp() {
		Authenticator acceptAll = (connection, authData) -> Mono.just(AuthResult.accepted("ann", null, null));
		SessionDispatcher dispatcher = new SessionDispatcher(List.of(), acceptAll, GatewayProperties.defaults(), null,
				new RefusedLogins(1, this.nanos::get));
		for (int c = 0; c < 100; c++) {
			Connection connection = new Outbox("client-" + c, 16).connection;
			dispatch(dispatcher, connection, Message.builder(Topic.CONNECTION, ConnectionAction.CHALLENGE).build());
			dispatch(dispatcher, connection, Message.builder(Topic.AUTH, AuthAction.REQUEST).data("{}").build());
			assertThat(connection.state()).isEqualTo(Connection.State.OPEN);
		}
	}

	private void advance(Duration duration) {
		this.nanos.addAndGet(duration.toNanos());
	}

	private static void dispatch(SessionDispatcher dispatcher, Connection connection, Message message) {
		StepVerifier.create(dispatcher.dispatch(connection, message)).expectComplete().verify(Duration.ofSeconds(5));
	}

}
