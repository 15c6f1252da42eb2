package io.sluice.gateway.listen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.sluice.gateway.cluster.TestCluster;

import static io.sluice.gateway.listen.ListenNode.actions;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What listening keeps per name on three nodes: the node that decides for a name keeps where the search for its
 * provider stands and which nodes have subscribers, and once it is provided no list of the search (a node may provide
 * many names); every node forgets the name when its last subscriber leaves, or when its provider closes and no one
 * else could provide it.
 */
class ListenStateSizeTests {

	private static final String PATTERN = "car/.*";

	private static final int NAMES = 50;

	private static final ListenProperties PROPERTIES = new ListenProperties(Duration.ofMillis(500), false,
			Duration.ofSeconds(5), Duration.ofSeconds(10));

	private final TestCluster cluster = new TestCluster();

	private final ListenNode a = new ListenNode(this.cluster, "a", PROPERTIES);

	private final ListenNode b = new ListenNode(this.cluster, "b", PROPERTIES);

	private final ListenNode c = new ListenNode(this.cluster, "c", PROPERTIES);

	private final Peer provider = new Peer("provider");

	private final Peer alice = new Peer("alice");

	private final List<String> names = new ArrayList<>();

	@BeforeEach
	void start() {
		ListenNode.start(this.cluster, this.a, this.b, this.c);
		for (int i = 0; this.names.size() < NAMES; i++) {
			String name = "car/" + i;
			if (this.c.owner(name).equals("c")) {
				this.names.add(name);
			}
		}
		// A provider on a, for subscribers on b, of names c decides for.
		this.a.listen(this.provider, PATTERN);
		this.names.forEach((name) -> this.b.subscribe(this.alice, name));
		settle();
		this.names.forEach((name) -> this.a.accept(this.provider, PATTERN, name));
		settle();
		assertThat(this.names).allSatisfy((name) -> assertThat(this.b.registry.hasProvider(name)).isTrue());
	}

	@AfterEach
	void stop() {
		this.cluster.close();
	}

	@Test
	void aProvidedNameKeepsNoListOfTheSearchOnTheNodeThatDecidesForIt() {
		ProviderSearch search = this.c.registry.search;
		assertThat(search.provisions).hasSize(NAMES);
		assertThat(search.provisions.values()).allSatisfy((provision) -> {
			assertThat(provision.provider).isNotNull();
			assertThat(provision.offered).isNull();
			assertThat(provision.reserve).isNull();
			assertThat(provision.holdsLists()).as("lists of a round of asking").isFalse();
			assertThat(provision.responseTimeout).isNull();
			assertThat(provision.rematch).isNull();
		});
		assertThat(search.subscriberNodes.values()).allSatisfy((nodes) -> assertThat(nodes).containsExactly("b"));
		assertThat(this.a.registry.trackedNames()).as("nothing on the provider's node").isEmpty();
		assertThat(this.b.registry.trackedNames()).as("nothing on the subscribers' node").isEmpty();
	}

	@Test
	void aRoundOfAskingLeavesNoListBehindOnceANameIsProvided() {
		String name = this.names.get(0);
		String rejecting = "^" + name + "$";
		String accepting = "^" + name;
		Peer second = new Peer("second");
		this.b.listen(second, rejecting);
		settle();
		this.a.close(this.provider);
		settle();
		assertThat(actions(second)).containsExactly(this.c.clients.topic.found);
		this.b.reject(second, rejecting, name);
		settle();
		assertThat(this.c.registry.search.provisions.get(name).holdsLists()).as("a rejection cools down").isTrue();
		// The same connection under another pattern is another registration: asked at once, and it accepts.
		this.b.listen(second, accepting);
		settle();
		assertThat(actions(second)).containsExactly(this.c.clients.topic.found);
		this.b.accept(second, accepting, name);
		settle();
		assertThat(this.b.registry.hasProvider(name)).isTrue();
		assertThat(this.c.registry.search.provisions.get(name).holdsLists()).as("the cooldown holds").isTrue();
		this.b.unlisten(second, rejecting);
		settle();
		assertThat(this.c.registry.search.provisions.get(name).holdsLists())
			.as("the rejecting registration ended, and with it its cooldown").isFalse();
		assertThat(this.c.registry.trackedNames()).containsExactly(name);
	}

	@Test
	void theLastSubscriberLeavingEndsEveryNodesStateOfTheName() {
		this.b.close(this.alice);
		settle();
		assertThat(actions(this.provider)).filteredOn((action) -> action == this.c.clients.topic.removed)
			.hasSize(NAMES);
		assertNothingKept();
	}

	@Test
	void theProviderClosingWithNoOneElseListeningEndsEveryNodesSearchOfTheName() {
		this.a.close(this.provider);
		settle();
		assertThat(Stream.of(this.a, this.b, this.c).map((node) -> node.registry.trackedNames()))
			.allSatisfy((tracked) -> assertThat(tracked).isEmpty());
		assertThat(this.c.registry.search.subscriberNodes).as("the subscribers are still there").hasSize(NAMES);
		assertThat(this.names).allSatisfy((name) -> assertThat(this.b.registry.hasProvider(name)).isFalse());
		this.b.close(this.alice);
		settle();
		assertNothingKept();
	}

	private void assertNothingKept() {
		for (ListenNode node : List.of(this.a, this.b, this.c)) {
			assertThat(node.registry.trackedNames()).as("names searched for on %s", node).isEmpty();
			assertThat(node.registry.search.subscriberNodes).as("subscriber nodes on %s", node).isEmpty();
			assertThat(node.registry.elsewhere.isEmpty()).as("names reported or provided from %s", node).isTrue();
		}
	}

	private void settle() {
		this.cluster.time().advanceTimeBy(Duration.ZERO);
	}

}
