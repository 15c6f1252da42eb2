package io.sluice.gateway.session;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import io.sluice.gateway.protocol.AuthAction;
import io.sluice.gateway.protocol.ConnectionAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.RpcAction;
import io.sluice.gateway.protocol.Topic;

import static org.assertj.core.api.Assertions.assertThat;

class SessionDispatcherTests {

	private final SessionDispatcher dispatcher = new SessionDispatcher(List.of());

	private final Outbox outbox = new Outbox("c", 16);

	private final Connection connection = this.outbox.connection;

	@Test
	void authDataThatIsNotAJsonObjectIsRefusedAndTheConnectionClosed() {
		dispatch(Message.builder(Topic.CONNECTION, ConnectionAction.CHALLENGE).build());
		dispatch(Message.builder(Topic.AUTH, AuthAction.REQUEST).data("[1,2]").build());
		assertThat(this.connection.isOpen()).isFalse();
		List<Message> sent = sent();
		assertThat(sent).extracting(Message::action).containsExactly(ConnectionAction.ACCEPT,
				AuthAction.INVALID_MESSAGE_DATA);
	}

	@Test
	void userIdIsTheUsernameWhenGivenAndGeneratedOtherwise() {
		dispatch(Message.builder(Topic.CONNECTION, ConnectionAction.CHALLENGE).build());
		dispatch(Message.builder(Topic.AUTH, AuthAction.REQUEST).data("{\"username\":\"zoe\"}").build());
		assertThat(this.connection.userId()).isEqualTo("zoe");
		Connection anonymous = new Outbox("d", 16).connection;
		dispatch(anonymous, Message.builder(Topic.CONNECTION, ConnectionAction.CHALLENGE).build());
		dispatch(anonymous, Message.builder(Topic.AUTH, AuthAction.REQUEST).data("{}").build());
		assertThat(anonymous.userId()).isNotBlank().isNotEqualTo("zoe");
	}

	@Test
	void topicsWithoutAHandlerAreAnsweredWithAnError() {
		dispatch(Message.builder(Topic.CONNECTION, ConnectionAction.CHALLENGE).build());
		dispatch(Message.builder(Topic.AUTH, AuthAction.REQUEST).data("{}").build());
		dispatch(Message.builder(Topic.RPC, RpcAction.PROVIDE).names(List.of("p")).build());
		Message error = sent().get(2);
		assertThat(error.topic()).isEqualTo(Topic.RPC);
		assertThat(error.action()).isEqualTo(RpcAction.ERROR);
		assertThat(error.originalAction()).isEqualTo(RpcAction.PROVIDE);
		assertThat(error.isError()).isTrue();
	}

	private void dispatch(Message message) {
		dispatch(this.connection, message);
	}

	private void dispatch(Connection connection, Message message) {
		StepVerifier.create(this.dispatcher.dispatch(connection, message)).expectComplete()
			.verify(Duration.ofSeconds(5));
	}

	private List<Message> sent() {
		return this.outbox.take();
	}

}
