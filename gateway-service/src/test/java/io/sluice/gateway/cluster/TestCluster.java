package io.sluice.gateway.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import reactor.test.scheduler.VirtualTimeScheduler;

import org.springframework.context.Lifecycle;

import io.sluice.connector.memory.InMemoryMessageBus;

/**
 * Gateway nodes on one in-memory bus, which delivers on the sender's thread, and one virtual clock: each a
 * {@link Member} with its membership and the relays built on it.
 */
public final class TestCluster implements AutoCloseable {

	/** The heartbeat interval, and resync interval, of {@link #TestCluster()}. */
	public static final Duration HEARTBEAT = Duration.ofSeconds(10);

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final InMemoryMessageBus.Medium medium = new InMemoryMessageBus.Medium();

	private final ClusterProperties properties;

	private final List<Member> members = new ArrayList<>();

	/** Heartbeats and resyncs every {@link #HEARTBEAT}; a node expires after three missed. */
	public TestCluster() {
		this(new ClusterProperties(HEARTBEAT, 3, HEARTBEAT));
	}

	public TestCluster(ClusterProperties properties) {
		this.properties = properties;
	}

	public VirtualTimeScheduler time() {
		return this.time;
	}

	public Member member(String id) {
		Member member = new Member(new SeverableBus(id, this.medium));
		this.members.add(member);
		return member;
	}

	/** Stops every member, and the clock. */
	@Override
	public void close() {
		this.members.forEach(Member::stop);
		this.time.dispose();
	}

	/** One node: its bus, its membership, and the relays built on it. */
	public final class Member {

		private final SeverableBus bus;

		private final ClusterMembership membership;

		private final List<Lifecycle> relays = new ArrayList<>();

		Member(SeverableBus bus) {
			this.bus = bus;
			this.membership = new ClusterMembership(bus, TestCluster.this.properties, TestCluster.this.time);
		}

		public ClusterMembership membership() {
			return this.membership;
		}

		/** Started and stopped with this member, as its lifecycle phase says: before the membership starts. */
		public <T extends Lifecycle> T relay(T relay) {
			this.relays.add(relay);
			return relay;
		}

		public void start() {
			this.relays.forEach(Lifecycle::start);
			this.membership.start();
		}

		public void stop() {
			this.membership.stop();
			this.relays.forEach(Lifecycle::stop);
		}

		/** From now on this node sends and hears nothing, and says no goodbye: as if it crashed. */
		public void sever() {
			this.bus.sever();
		}

		/** What {@code node} sends this node waits, in order, until {@link #release}: a slow path between them. */
		public void hold(String node) {
			this.bus.hold(node);
		}

		/** Delivers what {@code node} sent this node while held, in order, and stops holding it back. */
		public void release(String node) {
			this.bus.release(node);
		}

		/** This node sends and hears again: a partition healed. */
		public void restore() {
			this.bus.restore();
		}

	}

}
