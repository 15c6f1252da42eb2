package io.sluice.gateway.presence;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import io.sluice.gateway.cluster.TestCluster;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.PresenceAction;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.session.Outbox;

import static org.assertj.core.api.Assertions.assertThat;

/** Two gateway nodes on one in-memory bus, which delivers on the sender's thread, and one virtual clock. */
class PresenceRelayTests {

	private static final Duration HEARTBEAT = TestCluster.HEARTBEAT;

	private final TestCluster cluster = new TestCluster();

	private final Node a = new Node("a");

	private final Node b = new Node("b");

	private final Outbox watcher = new Outbox("watcher");

	@AfterEach
	void stop() {
		this.cluster.close();
	}

	@Test
	void userIsOnlineEverywhereUntilTheirLastConnectionOnAnyNodeLeaves() {
		this.a.member.start();
		this.b.member.start();
		this.a.subscribeAll(this.watcher);
		Outbox onB = this.b.login("alice-b", "alice");
		assertThat(this.watcher.takeOnly()).satisfies((join) -> {
			assertThat(join.action()).isEqualTo(PresenceAction.PRESENCE_JOIN_ALL);
			assertThat(join.name()).isEqualTo("alice");
		});
		Outbox onA = this.a.login("alice-a", "alice");
		assertThat(this.watcher.take()).as("alice was online already").isEmpty();
		this.b.close(onB);
		assertThat(this.watcher.take()).as("alice is still on node a").isEmpty();
		this.b.login("bob-b", "bob");
		this.watcher.take();
		this.a.handle(this.watcher, Message.builder(Topic.PRESENCE, PresenceAction.QUERY_ALL).build());
		assertThat(this.watcher.takeOnly().names()).containsExactly("alice", "bob");
		this.a.close(onA);
		assertThat(this.watcher.takeOnly()).satisfies((leave) -> {
			assertThat(leave.action()).isEqualTo(PresenceAction.PRESENCE_LEAVE_ALL);
			assertThat(leave.name()).isEqualTo("alice");
		});
	}

	@Test
	void nodeThatStartsLaterLearnsWhoIsOnline() {
		this.a.member.start();
		this.a.login("alice-a", "alice");
		this.b.member.start();
		this.b.handle(this.watcher, Message.builder(Topic.PRESENCE, PresenceAction.QUERY).correlationId("1")
			.names(List.of("alice")).build());
		assertThat(this.watcher.takeOnly().dataText()).isEqualTo("{\"alice\":true}");
	}

	@Test
	void usersOfASilentNodeGoOffline() {
		this.a.member.start();
		this.b.member.start();
		this.a.subscribeAll(this.watcher);
		this.b.login("alice-b", "alice");
		this.watcher.take();
		this.b.member.sever();
		this.cluster.time().advanceTimeBy(HEARTBEAT.multipliedBy(3));
		assertThat(this.watcher.take()).as("heard from within three intervals").isEmpty();
		this.cluster.time().advanceTimeBy(HEARTBEAT);
		assertThat(this.watcher.takeOnly()).satisfies((leave) -> {
			assertThat(leave.action()).isEqualTo(PresenceAction.PRESENCE_LEAVE_ALL);
			assertThat(leave.name()).isEqualTo("alice");
		});
	}

	@Test
	void usersOfANodeThatStopsGoOfflineAtOnce() {
		this.a.member.start();
		this.b.member.start();
		this.a.subscribeAll(this.watcher);
		this.b.login("alice-b", "alice");
		this.watcher.take();
		this.b.member.stop();
		assertThat(this.watcher.takeOnly()).satisfies((leave) -> {
			assertThat(leave.action()).isEqualTo(PresenceAction.PRESENCE_LEAVE_ALL);
			assertThat(leave.name()).isEqualTo("alice");
		});
	}

	@Test
	void nodeThatStopsAndStartsAgainLearnsWhoIsOnlineAgain() {
		this.a.member.start();
		this.b.member.start();
		this.a.login("alice-a", "alice");
		// what a paused application context does to its lifecycle beans
		this.b.member.stop();
		this.b.member.start();
		this.cluster.time().advanceTimeBy(Duration.ZERO);
		this.b.handle(this.watcher, Message.builder(Topic.PRESENCE, PresenceAction.QUERY).correlationId("1")
			.names(List.of("alice")).build());
		assertThat(this.watcher.takeOnly().dataText()).isEqualTo("{\"alice\":true}");
	}

	private final class Node {

		final TestCluster.Member member;

		final PresenceRelay relay;

		final PresenceHandler handler;

		Node(String id) {
			this.member = PresenceRelayTests.this.cluster.member(id);
			this.relay = this.member.relay(new PresenceRelay(this.member.membership()));
			this.handler = new PresenceHandler(this.relay);
		}

		Outbox login(String connectionId, String user) {
			Outbox outbox = new Outbox(connectionId);
			this.handler.login(outbox.connection, user);
			return outbox;
		}

		void close(Outbox outbox) {
			outbox.close();
			this.handler.onClose(outbox.connection);
		}

		void subscribeAll(Outbox outbox) {
			handle(outbox, Message.builder(Topic.PRESENCE, PresenceAction.SUBSCRIBE_ALL).build());
			assertThat(outbox.takeOnly().isAck()).isTrue();
		}

		void handle(Outbox outbox, Message message) {
			StepVerifier.create(this.handler.handle(outbox.connection, message)).expectComplete()
				.verify(Duration.ofSeconds(5));
		}

	}

}
