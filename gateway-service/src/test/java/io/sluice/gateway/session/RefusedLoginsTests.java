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
			assertThat(logins.allows("10.0.0.1")).as("login %d", i).isTrue();
			logins.refused("10.0.0.1");
		}
		assertThat(logins.allows("10.0.0.1")).isFalse();
		assertThat(logins.allows("10.0.0.2")).as("another address").isTrue();

		advance(Duration.ofMillis(499));
		assertThat(logins.allows("10.0.0.1")).isFalse();
		advance(Duration.ofMillis(1));
		assertThat(logins.allows("10.0.0.1")).isTrue();
		logins.refused("10.0.0.1");
		assertThat(logins.allows("10.0.0.1")).isFalse();
	}

	@Test
	void refusalsDecidedAtOnceAreAllCountedUpToTwiceTheAllowance() {
		RefusedLogins logins = new RefusedLogins(1, this.nanos::get);
		for (int i = 0; i < 100; i++) {
			logins.refused("10.0.0.1");
		}

		advance(Duration.ofSeconds(10));
		assertThat(logins.allows("10.0.0.1")).as("ten seconds behind still").isFalse();
		advance(Duration.ofSeconds(1));
		assertThat(logins.allows("10.0.0.1")).as("not a hundred seconds behind").isTrue();
	}

	@Test
	void acceptedLoginsAreNotCounted() {
		RefusedLogins logins = new RefusedLogins(1, this.nanos::get);
		for (int i = 0; i < 1000; i++) {
			assertThat(logins.allows("10.0.0.1")).as("login %d", i).isTrue();
		}
		assertThat(logins.held()).isZero();
	}

	@Test
	void memoryIsBoundedUnderManyAddresses() {
		RefusedLogins logins = new RefusedLogins(1, this.nanos::get);
		for (int i = 0; i < RefusedLogins.MAX_ADDRESSES; i++) {
			logins.refused("address-" + i);
		}

		for (int i = 0; i < 10; i++) {
			assertThat(logins.allows("new-" + i)).isTrue();
			logins.refused("new-" + i);
		}
		assertThat(logins.allows("new-10")).as("new addresses share one allowance").isFalse();
		assertThat(logins.allows("address-1")).as("a held address keeps its own").isTrue();
		assertThat(logins.held()).isEqualTo(RefusedLogins.MAX_ADDRESSES + 1);

		advance(Duration.ofSeconds(11));
		logins.refused("later");
		assertThat(logins.held()).as("the whole ones are dropped when the map is full").isEqualTo(1);
		assertThat(logins.allows("later")).isTrue();
	}

	@Test
	void noLimitCountsNothing() {
		RefusedLogins logins = new RefusedLogins(0, this.nanos::get);
		for (int i = 0; i < 1000; i++) {
			logins.refused("10.0.0.1");
		}
		assertThat(logins.allows("10.0.0.1")).isTrue();
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
