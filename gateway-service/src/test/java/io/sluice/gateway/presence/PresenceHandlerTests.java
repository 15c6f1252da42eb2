package io.sluice.gateway.presence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.PresenceAction;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.session.Outbox;

import static org.assertj.core.api.Assertions.assertThat;

class PresenceHandlerTests {

	private final RecordingNodes nodes = new RecordingNodes();

	private final PresenceHandler handler = new PresenceHandler(this.nodes);

	private final Outbox watcher = new Outbox("watcher");

	@Test
	void userIsOnlineFromTheFirstConnectionUntilTheLastOneLeaves() {
		subscribeAll(this.watcher);
		Outbox first = login("alice-1", "alice");
		assertThat(this.watcher.takeOnly()).satisfies((join) -> {
			assertThat(join.action()).isEqualTo(PresenceAction.PRESENCE_JOIN_ALL);
			assertThat(join.name()).isEqualTo("alice");
		});
		Outbox second = login("alice-2", "alice");
		assertThat(this.watcher.take()).as("a second connection is no new login").isEmpty();
		close(first);
		assertThat(this.watcher.take()).as("alice still has a connection").isEmpty();
		close(second);
		assertThat(this.watcher.takeOnly()).satisfies((leave) -> {
			assertThat(leave.action()).isEqualTo(PresenceAction.PRESENCE_LEAVE_ALL);
			assertThat(leave.name()).isEqualTo("alice");
		});
		assertThat(this.nodes.events).containsExactly("joined alice", "left alice");
	}

	@Test
	void subscribersToOneUserHearOfThatUserOnly() {
		handle(this.watcher, Message.builder(Topic.PRESENCE, PresenceAction.SUBSCRIBE).names(List.of("bob"))
			.correlationId("7").build());
		Message ack = this.watcher.takeOnly();
		assertThat(ack.isAck()).isTrue();
		assertThat(ack.action()).isEqualTo(PresenceAction.SUBSCRIBE);
		assertThat(ack.correlationId()).isEqualTo("7");
		Outbox alice = login("alice-1", "alice");
		Outbox bob = login("bob-1", "bob");
		assertThat(this.watcher.takeOnly()).satisfies((join) -> {
			assertThat(join.action()).isEqualTo(PresenceAction.PRESENCE_JOIN);
			assertThat(join.name()).isEqualTo("bob");
		});
		close(alice);
		close(bob);
		assertThat(this.watcher.takeOnly()).satisfies((leave) -> {
			assertThat(leave.action()).isEqualTo(PresenceAction.PRESENCE_LEAVE);
			assertThat(leave.name()).isEqualTo("bob");
		});
		handle(this.watcher, Message.builder(Topic.PRESENCE, PresenceAction.UNSUBSCRIBE).names(List.of("bob"))
			.correlationId("8").build());
		this.watcher.take();
		login("bob-2", "bob");
		assertThat(this.watcher.take()).as("unsubscribed").isEmpty();
	}

	@Test
	void queryAllListsEveryoneOnlineButTheAsker() {
		Outbox alice = login("alice-1", "alice");
		login("alice-2", "alice");
		login("bob-1", "bob");
		login("carol-1", "carol");
		alice.take();
		handle(alice, Message.builder(Topic.PRESENCE, PresenceAction.QUERY_ALL).build());
		Message response = alice.takeOnly();
		assertThat(response.action()).isEqualTo(PresenceAction.QUERY_ALL_RESPONSE);
		assertThat(response.names()).containsExactly("bob", "carol");
	}

	@Test
	void queryAnswersForEachUserAskedWhetherTheyAreOnline() {
		login("bob-1", "bob");
		handle(this.watcher, Message.builder(Topic.PRESENCE, PresenceAction.QUERY).correlationId("3")
			.names(List.of("bob", "zed \"quoted\"")).build());
		Message response = this.watcher.takeOnly();
		assertThat(response.action()).isEqualTo(PresenceAction.QUERY_RESPONSE);
		assertThat(response.correlationId()).isEqualTo("3");
		assertThat(response.dataText()).isEqualTo("{\"bob\":true,\"zed \\\"quoted\\\"\":false}");
	}

	@Test
	void repeatedSubscribeAndUnknownUnsubscribeAreReportedAndAcknowledged() {
		subscribeAll(this.watcher);
		handle(this.watcher, Message.builder(Topic.PRESENCE, PresenceAction.SUBSCRIBE_ALL).build());
		assertThat(this.watcher.take()).extracting(Message::action)
			.containsExactly(PresenceAction.MULTIPLE_SUBSCRIPTIONS, PresenceAction.SUBSCRIBE_ALL);
		handle(this.watcher, Message.builder(Topic.PRESENCE, PresenceAction.UNSUBSCRIBE).names(List.of("nobody"))
			.correlationId("1").build());
		List<Message> replies = this.watcher.take();
		assertThat(replies).extracting(Message::action).containsExactly(PresenceAction.NOT_SUBSCRIBED,
				PresenceAction.UNSUBSCRIBE);
		assertThat(replies.get(1).isAck()).isTrue();
		handle(this.watcher, Message.builder(Topic.PRESENCE, PresenceAction.UNSUBSCRIBE_ALL).build());
		assertThat(this.watcher.takeOnly().isAck()).isTrue();
		login("alice-1", "alice");
		assertThat(this.watcher.take()).as("unsubscribed from everyone").isEmpty();
	}

	@Test
	void connectionThatNeverLoggedInLeavesNobody() {
		subscribeAll(this.watcher);
		login("alice-1", "alice");
		this.watcher.take();
		Outbox stranger = new Outbox("stranger");
		close(stranger);
		assertThat(this.watcher.take()).isEmpty();
	}

	@Test
	void usersOfOtherNodesAreOnlineUntilTheirLastNodeLetsGo() {
		subscribeAll(this.watcher);
		this.handler.nodeState("node-2", Set.of("alice", "bob"));
		assertThat(this.watcher.take()).extracting(Message::name).containsExactly("alice", "bob");
		Outbox alice = login("alice-1", "alice");
		assertThat(this.watcher.take()).as("alice was online already").isEmpty();
		this.handler.nodeLeft("node-2", "alice");
		assertThat(this.watcher.take()).as("alice is still here").isEmpty();
		this.handler.nodeState("node-2", Set.of());
		assertThat(this.watcher.takeOnly()).satisfies((leave) -> {
			assertThat(leave.action()).isEqualTo(PresenceAction.PRESENCE_LEAVE_ALL);
			assertThat(leave.name()).isEqualTo("bob");
		});
		handle(alice, Message.builder(Topic.PRESENCE, PresenceAction.QUERY).correlationId("1").names(List.of("bob"))
			.build());
		assertThat(alice.takeOnly().dataText()).isEqualTo("{\"bob\":false}");
	}

	private Outbox login(String connectionId, String user) {
		Outbox outbox = new Outbox(connectionId);
		this.handler.login(outbox.connection, user);
		return outbox;
	}

	private void close(Outbox outbox) {
		outbox.close();
		this.handler.onClose(outbox.connection);
	}

	private void subscribeAll(Outbox outbox) {
		handle(outbox, Message.builder(Topic.PRESENCE, PresenceAction.SUBSCRIBE_ALL).build());
		Message ack = outbox.takeOnly();
		assertThat(ack.action()).isEqualTo(PresenceAction.SUBSCRIBE_ALL);
		assertThat(ack.isAck()).isTrue();
	}

	private void handle(Outbox outbox, Message message) {
		StepVerifier.create(this.handler.handle(outbox.connection, message)).expectComplete()
			.verify(Duration.ofSeconds(5));
	}

	/** Records what other nodes are told. */
	static final class RecordingNodes implements PresenceNodes {

		final List<String> events = new ArrayList<>();

		@Override
		public void joined(String user) {
			this.events.add("joined " + user);
		}

		@Override
		public void left(String user) {
			this.events.add("left " + user);
		}

	}

}
