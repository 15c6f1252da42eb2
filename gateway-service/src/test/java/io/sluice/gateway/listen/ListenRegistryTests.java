package io.sluice.gateway.listen;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.pubsub.Subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

/** The registry against real subscriptions and connections, with timeouts on virtual time. */
class ListenRegistryTests {

	private static final String PATTERN = "car/.*";

	private final ListenFixture fixture = new ListenFixture(ListenTopic.RECORD);

	private final VirtualTimeScheduler time = this.fixture.time;

	private final Subscriptions subscriptions = this.fixture.subscriptions;

	private final ListenRegistry registry = this.fixture.registry;

	private final Peer first = new Peer("first");

	private final Peer second = new Peer("second");

	private final Peer third = new Peer("third");

	private final Peer alice = new Peer("alice");

	private final Peer bob = new Peer("bob");

	@AfterEach
	void disposeTime() {
		this.fixture.close();
	}

	@Test
	void listenIsAcknowledgedByPatternAndABadPatternIsRefused() {
		send(this.first, RecordAction.LISTEN, PATTERN, null);
		assertThat(this.first.take()).singleElement().satisfies((ack) -> {
			assertThat(ack.action()).isEqualTo(RecordAction.LISTEN);
			assertThat(ack.name()).isEqualTo(PATTERN);
			assertThat(ack.isAck()).isTrue();
		});
		send(this.first, RecordAction.LISTEN, "car/[", null);
		send(this.first, RecordAction.LISTEN, "x".repeat(ListenPatterns.MAX_PATTERN_LENGTH + 1), null);
		assertThat(this.first.take()).hasSize(2).allSatisfy((error) -> {
			assertThat(error.action()).isEqualTo(RecordAction.INVALID_LISTEN_REGEX);
			assertThat(error.isError()).isTrue();
		});
		send(this.first, RecordAction.LISTEN, PATTERN, null);
		assertThat(this.first.take()).extracting(Message::action).containsExactly(RecordAction.MULTIPLE_SUBSCRIPTIONS);
	}

	@Test
	void firstSubscriberIsOfferedToOneListenerAtATimeInListenOrder() {
		listen(this.first, this.second);
		subscribe(this.alice, "car/1");
		assertFound(this.first, "car/1");
		assertThat(this.second.take()).isEmpty();
		subscribe(this.bob, "car/1");
		subscribe(this.bob, "boat/1");
		assertThat(this.first.take()).as("only the first subscriber of a matching name is offered").isEmpty();
		assertThat(this.second.take()).isEmpty();
	}

	@Test
	void rejectOffersTheNameToTheNextListenerAndAcceptMakesTheProvider() {
		listen(this.first, this.second);
		subscribe(this.alice, "car/1");
		assertFound(this.first, "car/1");
		send(this.first, RecordAction.LISTEN_REJECT, PATTERN, "car/1");
		assertFound(this.second, "car/1");
		assertThat(this.alice.take()).isEmpty();
		send(this.second, RecordAction.LISTEN_ACCEPT, PATTERN, "car/1");
		assertThat(this.registry.hasProvider("car/1")).isTrue();
		assertHasProvider(this.alice, "car/1", true);
		subscribe(this.bob, "car/1");
		assertHasProvider(this.bob, "car/1", true);
		assertThat(this.first.take()).isEmpty();
	}

	@Test
	void noAnswerWithinTheResponseTimeoutOffersTheNameToTheNextListener() {
		listen(this.first, this.second);
		subscribe(this.alice, "car/1");
		assertFound(this.first, "car/1");
		this.time.advanceTimeBy(Duration.ofMillis(499));
		assertThat(this.second.take()).isEmpty();
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertFound(this.second, "car/1");
		send(this.second, RecordAction.LISTEN_ACCEPT, PATTERN, "car/1");
		assertHasProvider(this.alice, "car/1", true);
		send(this.first, RecordAction.LISTEN_ACCEPT, PATTERN, "car/1");
		assertRemoved(this.first, "car/1");
	}

	@Test
	void lateAccepterProvidesWhenTheListenerAskedAfterItRejects() {
		listen(this.first, this.second);
		subscribe(this.alice, "car/1");
		this.time.advanceTimeBy(Duration.ofMillis(500));
		assertFound(this.first, "car/1");
		assertFound(this.second, "car/1");
		send(this.first, RecordAction.LISTEN_ACCEPT, PATTERN, "car/1");
		assertThat(this.alice.take()).as("the late accepter waits for the one being asked").isEmpty();
		send(this.second, RecordAction.LISTEN_REJECT, PATTERN, "car/1");
		assertHasProvider(this.alice, "car/1", true);
		assertThat(this.first.take()).isEmpty();
	}

	@Test
	void lastSubscriberLeavingTellsTheProviderAndTheNameIsOfferedAfresh() {
		listen(this.first);
		subscribe(this.alice, "car/1");
		subscribe(this.bob, "car/1");
		assertFound(this.first, "car/1");
		send(this.first, RecordAction.LISTEN_ACCEPT, PATTERN, "car/1");
		this.subscriptions.unsubscribe("car/1", this.alice.connection);
		assertThat(this.first.take()).isEmpty();
		this.subscriptions.removeAll(this.bob.connection);
		assertRemoved(this.first, "car/1");
		assertThat(this.registry.hasProvider("car/1")).isFalse();
		subscribe(this.alice, "car/1");
		assertFound(this.first, "car/1");
	}

	@Test
	void providerThatDisconnectsIsReplacedByAnotherListener() {
		listen(this.first, this.second);
		subscribe(this.alice, "car/1");
		send(this.first, RecordAction.LISTEN_ACCEPT, PATTERN, "car/1");
		assertThat(this.second.take()).isEmpty();
		this.alice.take();
		this.registry.onClose(this.first.connection);
		assertHasProvider(this.alice, "car/1", false);
		assertFound(this.second, "car/1");
		send(this.second, RecordAction.LISTEN_ACCEPT, PATTERN, "car/1");
		assertHasProvider(this.alice, "car/1", true);
	}

	@Test
	void providerThatUnlistensIsReplacedByAnotherListener() {
		listen(this.first, this.second);
		subscribe(this.alice, "car/1");
		send(this.first, RecordAction.LISTEN_ACCEPT, PATTERN, "car/1");
		this.first.take();
		this.alice.take();
		send(this.first, RecordAction.UNLISTEN, PATTERN, null);
		assertThat(this.first.take()).singleElement()
			.satisfies((ack) -> assertThat(ack.action()).isEqualTo(RecordAction.UNLISTEN))
			.satisfies((ack) -> assertThat(ack.isAck()).isTrue());
		assertHasProvider(this.alice, "car/1", false);
		assertFound(this.second, "car/1");
	}

	@Test
	void listenerArrivingForExistingSubscriptionsIsOfferedThem() {
		subscribe(this.alice, "car/1");
		subscribe(this.alice, "car/2");
		subscribe(this.alice, "boat/1");
		send(this.first, RecordAction.LISTEN, PATTERN, null);
		List<Message> received = this.first.take();
		assertThat(received).first().extracting(Message::isAck).isEqualTo(true);
		assertThat(received.subList(1, received.size())).extracting(Message::subscription).containsExactlyInAnyOrder("car/1", "car/2");
	}

	@Test
	void listenerTakingOverWhileOthersAreAskedIsAskedToo() {
		listen(this.first);
		subscribe(this.alice, "car/1");
		assertFound(this.first, "car/1");
		listen(this.second);
		assertThat(this.second.take()).isEmpty();
		send(this.first, RecordAction.LISTEN_REJECT, PATTERN, "car/1");
		assertFound(this.second, "car/1");
	}

	@Test
	void whenEveryoneDeclinedTheyAreAskedAgainAfterTheRematchInterval() {
		listen(this.first);
		subscribe(this.alice, "car/1");
		assertFound(this.first, "car/1");
		send(this.first, RecordAction.LISTEN_REJECT, PATTERN, "car/1");
		this.time.advanceTimeBy(Duration.ofSeconds(29));
		assertThat(this.first.take()).isEmpty();
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		assertFound(this.first, "car/1");
	}

	@Test
	void listenerThatRejectedIsNotAskedAgainWithinTheMatchCooldown() {
		listen(this.first, this.second, this.third);
		subscribe(this.alice, "car/1");
		send(this.first, RecordAction.LISTEN_REJECT, PATTERN, "car/1");
		send(this.second, RecordAction.LISTEN_ACCEPT, PATTERN, "car/1");
		this.first.take();
		this.time.advanceTimeBy(Duration.ofSeconds(9));
		this.registry.onClose(this.second.connection);
		assertThat(this.first.take()).as("rejected 9 s ago").isEmpty();
		assertFound(this.third, "car/1");
		send(this.third, RecordAction.LISTEN_ACCEPT, PATTERN, "car/1");
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		this.registry.onClose(this.third.connection);
		assertFound(this.first, "car/1");
	}

	@Test
	void acceptNobodyAskedForIsAnsweredWithRemoved() {
		listen(this.first);
		send(this.first, RecordAction.LISTEN_ACCEPT, PATTERN, "car/9");
		assertRemoved(this.first, "car/9");
	}

	@Test
	void listenerSubscribedToTheNameItselfIsNotAskedToProvideIt() {
		listen(this.first, this.second);
		subscribe(this.first, "car/1");
		assertThat(this.first.take()).isEmpty();
		assertFound(this.second, "car/1");
	}

	@Test
	void patternThatBacktracksCatastrophicallyMatchesNothingAndStaysCheap() {
		send(this.first, RecordAction.LISTEN, "^(a+)+$", null);
		this.first.take();
		long start = System.nanoTime();
		subscribe(this.alice, "a".repeat(64) + "!");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
		assertThat(this.first.take()).isEmpty();
		subscribe(this.alice, "aaa");
		assertThat(this.first.take()).extracting(Message::subscription).containsExactly("aaa");
	}

	@Test
	void eventSubscribersAreNotToldAboutProviders() {
		try (ListenFixture events = new ListenFixture(ListenTopic.EVENT)) {
			events.listen(this.first, PATTERN);
			events.subscribe(this.alice, "car/1");
			events.assertFound(this.first, PATTERN, "car/1");
			events.accept(this.first, PATTERN, "car/1");
			assertThat(events.registry.hasProvider("car/1")).isTrue();
			assertThat(this.alice.take()).isEmpty();
			events.unsubscribe(this.alice, "car/1");
			events.assertRemoved(this.first, PATTERN, "car/1");
		}
	}

	private void listen(Peer... peers) {
		for (Peer peer : peers) {
			this.fixture.listen(peer, PATTERN);
		}
	}

	private void subscribe(Peer peer, String name) {
		this.fixture.subscribe(peer, name);
	}

	private void send(Peer peer, int action, String pattern, String subscription) {
		this.fixture.send(peer, action, pattern, subscription);
	}

	private void assertFound(Peer peer, String name) {
		this.fixture.assertFound(peer, PATTERN, name);
	}

	private void assertRemoved(Peer peer, String name) {
		this.fixture.assertRemoved(peer, PATTERN, name);
	}

	private static void assertHasProvider(Peer peer, String name, boolean hasProvider) {
		ListenFixture.assertHasProvider(peer, name, hasProvider);
	}

}
