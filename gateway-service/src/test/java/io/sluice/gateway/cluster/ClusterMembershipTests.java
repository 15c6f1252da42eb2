package io.sluice.gateway.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.sluice.connector.BusMessage;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterMembershipTests {

	private static final Duration HEARTBEAT = TestCluster.HEARTBEAT;

	private static final Duration RESYNC = Duration.ofSeconds(25);

	private final TestCluster cluster = new TestCluster(new ClusterProperties(HEARTBEAT, 3, RESYNC));

	private final Node a = new Node("a");

	private final Node b = new Node("b");

	@AfterEach
	void stop() {
		this.cluster.close();
	}

	@Test
	void nodesThatStartLearnOfEachOtherAndSendEachOtherTheirState() {
		this.a.membership.start();
		this.b.membership.start();
		assertThat(this.a.membership.members()).containsExactly("b");
		assertThat(this.b.membership.members()).containsExactly("a");
		assertThat(this.a.capability.take()).containsExactly("JOINED b", "state to b");
		assertThat(this.b.capability.take()).containsExactly("JOINED a", "state to a");
	}

	@Test
	void heartbeatsKeepNodesAliveLongPastTheExpiry() {
		startBoth();
		this.cluster.time().advanceTimeBy(Duration.ofMinutes(10));
		assertThat(this.a.membership.members()).containsExactly("b");
		assertThat(this.b.membership.members()).containsExactly("a");
		assertThat(this.a.capability.take()).as("only the resyncs").containsOnly("state to all").hasSize(24);
	}

	@Test
	void nodeThatMissesItsHeartbeatsExpires() {
		startBoth();
		this.b.member.sever();
		this.cluster.time().advanceTimeBy(HEARTBEAT.multipliedBy(3));
		assertThat(this.a.membership.members()).as("heard from within three intervals").containsExactly("b");
		assertThat(this.a.capability.take()).containsExactly("state to all");
		this.cluster.time().advanceTimeBy(HEARTBEAT);
		assertThat(this.a.membership.members()).isEmpty();
		assertThat(this.a.capability.take()).containsExactly("EXPIRED b");
	}

	@Test
	void nodeThatStopsLeavesAtOnceAndForgetsTheOthers() {
		startBoth();
		this.b.membership.stop();
		assertThat(this.a.membership.members()).isEmpty();
		assertThat(this.a.capability.take()).containsExactly("LEFT b");
		assertThat(this.b.membership.members()).isEmpty();
		assertThat(this.b.capability.take()).containsExactly("LEFT a");
		this.cluster.time().advanceTimeBy(HEARTBEAT.multipliedBy(10));
		assertThat(this.a.capability.take()).as("nothing expires: it left").doesNotContain("EXPIRED b");
	}

	@Test
	void nodeThatStartsAgainJoinsAgainAndIsSentTheState() {
		startBoth();
		this.b.membership.stop();
		this.b.membership.start();
		this.cluster.time().advanceTimeBy(Duration.ZERO);
		assertThat(this.a.capability.take()).containsExactly("LEFT b", "JOINED b", "state to b");
		assertThat(this.b.capability.take()).containsExactly("LEFT a", "JOINED a", "state to a");
		this.cluster.time().advanceTimeBy(HEARTBEAT.multipliedBy(10));
		assertThat(this.a.membership.members()).containsExactly("b");
		assertThat(this.b.membership.members()).containsExactly("a");
	}

	@Test
	void nodeThatSaysHelloAgainIsSentTheStateAgain() {
		startBoth();
		// a crash and a quick restart under the same id: no leave was heard
		this.b.membership.onBusMessage(new BusMessage(ClusterMembership.BUS_TOPIC, "c", null,
				MembershipMessage.HELLO.encode()));
		this.b.membership.onBusMessage(new BusMessage(ClusterMembership.BUS_TOPIC, "c", null,
				MembershipMessage.HELLO.encode()));
		assertThat(this.b.capability.take()).containsExactly("JOINED c", "state to c", "JOINED c", "state to c");
	}

	@Test
	void trafficOnACapabilitysTopicKeepsANodeAliveAndAnUnknownNodeJoins() {
		startBoth();
		this.a.membership.heard("c");
		assertThat(this.a.capability.take()).containsExactly("JOINED c", "state to c");
		this.cluster.time().advanceTimeBy(HEARTBEAT.multipliedBy(3));
		this.a.membership.heard("c");
		this.cluster.time().advanceTimeBy(HEARTBEAT.multipliedBy(3));
		assertThat(this.a.membership.members()).containsExactlyInAnyOrder("b", "c");
		this.cluster.time().advanceTimeBy(HEARTBEAT);
		assertThat(this.a.membership.members()).containsExactly("b");
		assertThat(this.a.capability.take()).contains("EXPIRED c").doesNotContain("JOINED c");
	}

	@Test
	void everyResyncAsksForTheStateOfAll() {
		startBoth();
		this.cluster.time().advanceTimeBy(RESYNC.minusMillis(1));
		assertThat(this.a.capability.take()).isEmpty();
		this.cluster.time().advanceTimeBy(Duration.ofMillis(1));
		assertThat(this.a.capability.take()).containsExactly("state to all");
	}

	@Test
	void whatIsNotAMembershipMessageIsDropped() {
		startBoth();
		this.a.membership.onBusMessage(new BusMessage(ClusterMembership.BUS_TOPIC, "c", null, new byte[] { 7 }));
		assertThat(this.a.membership.members()).containsExactly("b");
		assertThat(this.a.capability.take()).isEmpty();
	}

	private void startBoth() {
		this.a.membership.start();
		this.b.membership.start();
		this.a.capability.take();
		this.b.capability.take();
	}

	private final class Node {

		final TestCluster.Member member;

		final ClusterMembership membership;

		final Recorder capability = new Recorder();

		Node(String id) {
			this.member = ClusterMembershipTests.this.cluster.member(id);
			this.membership = this.member.membership();
			this.membership.subscribe(this.capability);
		}

	}

	/** What a capability was told and asked, in order. */
	private static final class Recorder implements ClusterCapability {

		private final List<String> seen = new ArrayList<>();

		@Override
		public synchronized void sendState(String node) {
			this.seen.add("state to " + ((node != null) ? node : "all"));
		}

		@Override
		public synchronized void memberChanged(MemberEvent event) {
			this.seen.add(event.kind() + " " + event.node());
		}

		synchronized List<String> take() {
			List<String> taken = List.copyOf(this.seen);
			this.seen.clear();
			return taken;
		}

	}

}
