package io.sluice.gateway.listen;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.sluice.gateway.cluster.TestCluster;
import io.sluice.gateway.protocol.RecordAction;

import static io.sluice.gateway.listen.ListenNode.actions;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Record listening across three gateway nodes on one in-memory bus and one virtual clock: listeners, subscribers and
 * the node that decides for a name on different nodes, and nodes that die.
 */
class ClusterListeningTests {

	private static final String PATTERN = "car/.*";

	private static final Duration HEARTBEAT = TestCluster.HEARTBEAT;

	/** Past the expiry of a silent node (three heartbeats), whatever the phase of the timers. */
	private static final Duration EXPIRY = HEARTBEAT.multipliedBy(4);

	private static final ListenProperties PROPERTIES = new ListenProperties(Duration.ofMillis(500), false,
			Duration.ofSeconds(5), Duration.ofSeconds(10));

	private static final int FOUND = RecordAction.SUBSCRIPTION_FOR_PATTERN_FOUND;

	private static final int REMOVED = RecordAction.SUBSCRIPTION_FOR_PATTERN_REMOVED;

	private static final int HAS_PROVIDER = RecordAction.SUBSCRIPTION_HAS_PROVIDER;

	private static final int HAS_NO_PROVIDER = RecordAction.SUBSCRIPTION_HAS_NO_PROVIDER;

	private final TestCluster cluster = new TestCluster();

	private final ListenNode a = new ListenNode(this.cluster, "a", PROPERTIES);

	private final ListenNode b = new ListenNode(this.cluster, "b", PROPERTIES);

	private final ListenNode c = new ListenNode(this.cluster, "c", PROPERTIES);

	@BeforeEach
	void start() {
		ListenNode.start(this.cluster, this.a, this.b, this.c);
	}

	@AfterEach
	void stop() {
		this.cluster.close();
	}

	@Test
	void everyNodeSeesTheSameOwnerOfAName() {
		for (int i = 0; i < 50; i++) {
			String name = "car/" + i;
			assertThat(Stream.of(this.a, this.b, this.c).map((node) -> node.owner(name)).distinct()).hasSize(1);
		}
		assertThat(Stream.of(this.a, this.b, this.c).map((node) -> ownedBy(node, "car/")))
			.as("each node decides for some names").doesNotContainNull();
	}

	@Test
	void listenerOnOneNodeProvidesANameSubscribedOnAnotherThatAThirdDecidesFor() {
		String name = ownedBy(this.c, "car/");
		Peer provider = new Peer("provider");
		Peer alice = new Peer("alice");
		this.a.listen(provider, PATTERN);
		this.b.subscribe(alice, name);
		settle();
		assertThat(actions(provider)).containsExactly(FOUND);
		this.a.accept(provider, PATTERN, name);
		settle();
		assertThat(actions(alice)).containsExactly(HAS_PROVIDER);
		assertThat(this.b.registry.hasProvider(name)).isTrue();
		assertThat(this.c.registry.hasProvider(name)).isTrue();
		Peer bob = new Peer("bob");
		this.a.subscribe(bob, name);
		settle();
		assertThat(actions(bob)).as("a later subscriber on another node").containsExactly(HAS_PROVIDER);
		assertThat(actions(provider)).isEmpty();
	}

	@Test
	void oneListenerIsAskedAtATimeAcrossNodesAndOneProvides() {
		String name = ownedBy(this.b, "car/");
		List<Peer> listeners = List.of(new Peer("l-a"), new Peer("l-b"), new Peer("l-c"));
		List<ListenNode> nodes = List.of(this.a, this.b, this.c);
		for (int i = 0; i < 3; i++) {
			nodes.get(i).listen(listeners.get(i), PATTERN);
			nodes.get(i).subscribe(new Peer("s-" + i), name);
		}
		settle();
		int asked = asked(listeners, -1);
		assertThat(asked).as("one listener is asked").isNotNegative();
		assertThat(listeners.stream().filter((peer) -> peer != listeners.get(asked)).map(ListenNode::actions))
			.allSatisfy((received) -> assertThat(received).isEmpty());
		nodes.get(asked).accept(listeners.get(asked), PATTERN, name);
		this.cluster.time().advanceTimeBy(Duration.ofMinutes(1));
		assertThat(listeners.stream().map(ListenNode::actions))
			.as("no one else is asked once one provides").allSatisfy((received) -> assertThat(received).isEmpty());
	}

	@Test
	void aRejectOnOneNodeAsksTheListenerOnAnotherAndTheCooldownHoldsThere() {
		String name = ownedBy(this.c, "car/");
		List<Peer> listeners = List.of(new Peer("l-a"), new Peer("l-b"));
		List<ListenNode> nodes = List.of(this.a, this.b);
		this.a.listen(listeners.get(0), PATTERN);
		this.b.listen(listeners.get(1), PATTERN);
		this.c.subscribe(new Peer("alice"), name);
		settle();
		int first = asked(listeners, -1);
		nodes.get(first).reject(listeners.get(first), PATTERN, name);
		settle();
		int second = asked(listeners, -1);
		assertThat(second).isNotEqualTo(first);
		nodes.get(second).reject(listeners.get(second), PATTERN, name);
		this.cluster.time().advanceTimeBy(Duration.ofSeconds(6));
		assertThat(listeners.stream().map(ListenNode::actions)).as("both cooling down at the first rematch")
			.allSatisfy((received) -> assertThat(received).isEmpty());
		// The next rematch, within the time to answer.
		this.cluster.time().advanceTimeBy(Duration.ofMillis(4200));
		assertThat(asked(listeners, -1)).as("asked again after the cooldown").isNotNegative();
	}

	@Test
	void theLastSubscriberLeavingItsNodeStopsTheProviderOnAnother() {
		String name = ownedBy(this.c, "car/");
		Peer alice = new Peer("alice");
		Peer provider = providing(this.a, this.b, name, alice);
		Peer bob = new Peer("bob");
		this.b.subscribe(bob, name);
		this.b.unsubscribe(bob, name);
		settle();
		assertThat(actions(provider)).as("a subscriber is left").isEmpty();
		this.b.unsubscribe(alice, name);
		settle();
		assertThat(actions(provider)).containsExactly(REMOVED);
		assertThat(Stream.of(this.a, this.b, this.c).map((node) -> node.registry.trackedNames()))
			.allSatisfy((names) -> assertThat(names).isEmpty());
	}

	@Test
	void aProviderUnlisteningOnItsNodeLeavesSubscribersElsewhereWithoutOneAndTheNextIsAsked() {
		String name = ownedBy(this.a, "car/");
		Peer alice = new Peer("alice");
		Peer provider = providing(this.b, this.c, name, alice);
		Peer next = new Peer("next");
		this.a.listen(next, PATTERN);
		settle();
		assertThat(actions(next)).isEmpty();
		this.b.unlisten(provider, PATTERN);
		settle();
		assertThat(actions(alice)).containsExactly(HAS_NO_PROVIDER);
		assertThat(actions(next)).containsExactly(FOUND);
		this.a.accept(next, PATTERN, name);
		settle();
		assertThat(actions(alice)).containsExactly(HAS_PROVIDER);
	}

	@Test
	void aSubscriberElsewhereHearsTheProviderGoThenTheNextComeWhenTheNextOnTheDecidingNodeAcceptsFirst() {
		nextAcceptsBeforeTheSubscribersNodeHearsFromTheDecidingNode(this.c, this.c);
	}

	@Test
	void aSubscriberElsewhereHearsTheProviderGoThenTheNextComeWhenTheProvidersNodeDecidesAndIsSlowToReachIt() {
		nextAcceptsBeforeTheSubscribersNodeHearsFromTheDecidingNode(this.a, this.c);
	}

	/**
	 * A provider on a, of a name subscribed on b, unlistens; the next listener, on {@code nextAt}, is asked and accepts
	 * while what {@code decider} sends b is still on its way (held back): b's subscriber then hears both notices, in
	 * order, as deepstream sends them.
	 */
	private void nextAcceptsBeforeTheSubscribersNodeHearsFromTheDecidingNode(ListenNode decider, ListenNode nextAt) {
		String name = ownedBy(decider, "car/");
		Peer alice = new Peer("alice");
		Peer provider = providing(this.a, this.b, name, alice);
		Peer next = new Peer("next");
		nextAt.listen(next, PATTERN);
		settle();
		this.b.member.hold(decider.id);
		this.a.unlisten(provider, PATTERN);
		settle();
		assertThat(actions(next)).containsExactly(FOUND);
		nextAt.accept(next, PATTERN, name);
		settle();
		assertThat(actions(alice)).as("nothing from the deciding node yet").isEmpty();
		assertThat(decider.registry.hasProvider(name)).isTrue();
		this.b.member.release(decider.id);
		settle();
		assertThat(actions(alice)).containsExactly(HAS_NO_PROVIDER, HAS_PROVIDER);
		assertThat(this.b.registry.hasProvider(name)).isTrue();
	}

	@Test
	void aListenerClosingWhileAskedOnItsNodeMovesTheOfferOnAndLeavesNothingBehind() {
		String name = ownedBy(this.a, "car/");
		Peer asked = new Peer("asked");
		Peer next = new Peer("next");
		Peer alice = new Peer("alice");
		this.b.listen(asked, PATTERN);
		this.c.subscribe(alice, name);
		settle();
		assertThat(actions(asked)).containsExactly(FOUND);
		this.c.listen(next, PATTERN);
		this.b.close(asked);
		settle();
		assertThat(actions(next)).containsExactly(FOUND);
		this.c.close(next);
		this.c.close(alice);
		settle();
		assertThat(Stream.of(this.a, this.b, this.c).map((node) -> node.registry.trackedNames()))
			.allSatisfy((names) -> assertThat(names).isEmpty());
		assertThat(Stream.of(this.a, this.b, this.c).map((node) -> node.registry.remote.isEmpty()))
			.containsOnly(true);
	}

	@Test
	void theProviderOfANodeThatDiesIsDroppedWithinTheExpiry() {
		String name = ownedBy(this.c, "car/");
		Peer alice = new Peer("alice");
		providing(this.a, this.b, name, alice);
		Peer next = new Peer("next");
		this.c.listen(next, PATTERN);
		this.a.member.sever();
		this.cluster.time().advanceTimeBy(EXPIRY);
		assertThat(actions(alice)).containsExactly(HAS_NO_PROVIDER);
		assertThat(actions(next)).containsExactly(FOUND);
		assertThat(this.b.registry.hasProvider(name)).isFalse();
	}

	@Test
	void theSubscribersOfANodeThatDiesEndTheProvisionWithinTheExpiry() {
		String name = ownedBy(this.c, "car/");
		Peer provider = providing(this.a, this.b, name, new Peer("alice"));
		this.b.member.sever();
		this.cluster.time().advanceTimeBy(EXPIRY);
		assertThat(actions(provider)).containsExactly(REMOVED);
		assertThat(this.c.registry.trackedNames()).isEmpty();
	}

	@Test
	void aProviderKeepsItsNameWhenTheNodeThatDecidedForItDies() {
		String name = ownedBy(this.c, "car/");
		Peer alice = new Peer("alice");
		Peer provider = providing(this.a, this.b, name, alice);
		Peer other = new Peer("other");
		this.b.listen(other, PATTERN);
		this.c.member.sever();
		this.cluster.time().advanceTimeBy(EXPIRY.plus(HEARTBEAT.multipliedBy(3)));
		assertThat(actions(provider)).as("not told to stop, nor asked again").isEmpty();
		assertThat(actions(other)).as("not asked").isEmpty();
		assertThat(actions(alice)).as("never without a provider").isEmpty();
		assertThat(this.b.registry.hasProvider(name)).isTrue();
		this.b.close(alice);
		settle();
		assertThat(actions(provider)).as("the new owner stops it").containsExactly(REMOVED);
	}

	@Test
	void aProviderKeepsItsNameWhenANodeThatJoinsComesToDecideForIt() {
		String name = ownedBy(this.c, "car/");
		this.c.member.stop();
		settle();
		Peer alice = new Peer("alice");
		Peer provider = providing(this.a, this.b, name, alice);
		Peer other = new Peer("other");
		this.b.listen(other, PATTERN);
		this.c.member.start();
		this.cluster.time().advanceTimeBy(HEARTBEAT.multipliedBy(3));
		assertThat(this.a.owner(name)).isEqualTo("c");
		assertThat(this.c.registry.trackedNames()).as("taken over").containsExactly(name);
		assertThat(actions(provider)).as("not told to stop, nor asked again").isEmpty();
		assertThat(actions(other)).as("not asked").isEmpty();
		assertThat(actions(alice)).as("never without a provider").isEmpty();
		this.b.close(alice);
		settle();
		assertThat(actions(provider)).as("the new owner stops it").containsExactly(REMOVED);
	}

	@Test
	void aHealedPartitionEndsWithOneProvider() {
		String name = ownedBy(this.c, "car/");
		Peer providerA = new Peer("provider-a");
		Peer providerC = new Peer("provider-c");
		Peer alice = new Peer("alice");
		Peer carol = new Peer("carol");
		this.c.member.sever();
		this.cluster.time().advanceTimeBy(EXPIRY);
		// Two sides, each deciding alone: a and b, and c.
		this.a.listen(providerA, PATTERN);
		this.b.subscribe(alice, name);
		this.c.listen(providerC, PATTERN);
		this.c.subscribe(carol, name);
		settle();
		assertThat(actions(providerA)).containsExactly(FOUND);
		assertThat(actions(providerC)).containsExactly(FOUND);
		this.a.accept(providerA, PATTERN, name);
		this.c.accept(providerC, PATTERN, name);
		settle();
		this.c.member.restore();
		this.cluster.time().advanceTimeBy(HEARTBEAT.multipliedBy(2));
		List<Integer> toA = actions(providerA);
		List<Integer> toC = actions(providerC);
		assertThat(Stream.of(toA, toC).filter((received) -> received.contains(REMOVED)))
			.as("one provider is told to stop, the other keeps the name: %s, %s", toA, toC).hasSize(1);
		assertThat(Stream.concat(toA.stream(), toC.stream())).doesNotContain(FOUND);
		assertThat(Stream.of(this.b, this.c).map((node) -> node.registry.hasProvider(name)))
			.as("where it has subscribers").containsOnly(true);
	}

	/** Has {@code provider} on {@code at} provide {@code name}, subscribed to by {@code subscriber} on {@code on}. */
	private Peer providing(ListenNode at, ListenNode on, String name, Peer subscriber) {
		Peer provider = new Peer("provider");
		at.listen(provider, PATTERN);
		on.subscribe(subscriber, name);
		settle();
		assertThat(actions(provider)).containsExactly(FOUND);
		at.accept(provider, PATTERN, name);
		settle();
		assertThat(actions(subscriber)).containsExactly(HAS_PROVIDER);
		return provider;
	}

	/** Which of {@code listeners} was offered a name, one alone; {@code none} if none was. */
	private static int asked(List<Peer> listeners, int none) {
		int asked = none;
		for (int i = 0; i < listeners.size(); i++) {
			List<Integer> received = actions(listeners.get(i));
			if (!received.isEmpty()) {
				assertThat(received).containsExactly(FOUND);
				assertThat(asked).as("only one listener is asked").isEqualTo(none);
				asked = i;
			}
		}
		return asked;
	}

	private String ownedBy(ListenNode node, String prefix) {
		for (int i = 0; i < 1000; i++) {
			String name = prefix + i;
			if (node.owner(name).equals(node.id)) {
				return name;
			}
		}
		return null;
	}

	/** Delivers what is on its way. */
	private void settle() {
		this.cluster.time().advanceTimeBy(Duration.ZERO);
	}

}
