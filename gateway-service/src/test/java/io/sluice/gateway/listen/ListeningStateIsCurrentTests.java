package io.sluice.gateway.listen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.sluice.gateway.pubsub.Subscriptions;
import io.sluice.gateway.session.Connection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Providers and subscribers that come and go within seconds, reusing names and patterns, as a test suite or a busy
 * application does: what an earlier connection, round of asking or subscription left must never make the next ones
 * wait for the rematch interval. Each test closes connections and then opens new ones for the same users, with no
 * time passing unless it says so (virtual time: rematch 30 s, cooldown 10 s, response timeout 500 ms).
 */
class ListeningStateIsCurrentTests {

	private static final String ANY_CHAR = "event/[a-z0-9]";

	private static final String ANYTHING = "event/.*";

	private static final String DIGIT = "event/[0-9]";

	@ParameterizedTest
	@EnumSource(ListenTopic.class)
	void overlappingPatternsAreOfferedInTurnAndAgainToTheNextConnectionsOfTheSameUsers(ListenTopic topic) {
		try (ListenFixture listening = new ListenFixture(topic)) {
			for (int round = 1; round <= 3; round++) {
				Peer a = new Peer("publisher-a");
				Peer b = new Peer("publisher-b");
				Peer c = new Peer("publisher-c");
				Peer subscriber = new Peer("subscriber-1");
				listening.listen(a, ANY_CHAR);
				listening.listen(b, ANYTHING);
				listening.listen(c, DIGIT);
				listening.subscribe(subscriber, "event/1");
				listening.assertFound(a, ANY_CHAR, "event/1");
				listening.reject(a, ANY_CHAR, "event/1");
				listening.assertFound(b, ANYTHING, "event/1");
				listening.reject(b, ANYTHING, "event/1");
				listening.assertFound(c, DIGIT, "event/1");
				listening.accept(c, DIGIT, "event/1");
				assertThat(listening.registry.hasProvider("event/1")).as("round %d", round).isTrue();
				// The provider leaves first, then the others: the way a test's clients are closed, in any order.
				listening.close(c);
				listening.close(a);
				listening.close(b);
				listening.close(subscriber);
				assertThat(listening.registry.trackedNames()).isEmpty();
				listening.advance(Duration.ofMillis(200));
			}
		}
	}

	@ParameterizedTest
	@EnumSource(ListenTopic.class)
	void aProviderThatUnlistensHandsTheNameToTheNextListenerAtOnce(ListenTopic topic) {
		try (ListenFixture listening = new ListenFixture(topic)) {
			Peer a = new Peer("publisher-a");
			Peer d = new Peer("publisher-d");
			Peer subscriber = new Peer("subscriber-1");
			listening.listen(a, ANY_CHAR);
			listening.listen(d, ANYTHING);
			listening.subscribe(subscriber, "event/1");
			listening.assertFound(a, ANY_CHAR, "event/1");
			listening.accept(a, ANY_CHAR, "event/1");
			assertThat(d.take()).isEmpty();
			listening.unlisten(a, ANY_CHAR);
			listening.assertFound(d, ANYTHING, "event/1");
			listening.accept(d, ANYTHING, "event/1");
			assertThat(listening.registry.hasProvider("event/1")).isTrue();
			// Listening again, it is asked for the next name after d: patterns are asked in the order they were first
			// listened on, and its pattern was listened on afresh.
			listening.listen(a, ANY_CHAR);
			listening.subscribe(subscriber, "event/2");
			listening.assertFound(d, ANYTHING, "event/2");
			listening.reject(d, ANYTHING, "event/2");
			listening.assertFound(a, ANY_CHAR, "event/2");
		}
	}

	@ParameterizedTest
	@EnumSource(ListenTopic.class)
	void theOnlyListenerClosingUnansweredLeavesNothingForTheNextConnections(ListenTopic topic) {
		try (ListenFixture listening = new ListenFixture(topic)) {
			Peer a = new Peer("publisher-a");
			Peer subscriber = new Peer("subscriber-1");
			listening.listen(a, ANYTHING);
			listening.subscribe(subscriber, "event/1");
			listening.assertFound(a, ANYTHING, "event/1");
			listening.close(a);
			listening.close(subscriber);
			assertThat(listening.registry.trackedNames()).isEmpty();
			Peer nextA = new Peer("publisher-a");
			Peer nextSubscriber = new Peer("subscriber-1");
			listening.listen(nextA, ANYTHING);
			listening.subscribe(nextSubscriber, "event/1");
			listening.assertFound(nextA, ANYTHING, "event/1");
		}
	}

	@ParameterizedTest
	@EnumSource(ListenTopic.class)
	void aRejectionOrAProvisionOfAClosedConnectionIsNotHeldAgainstTheUsersNextConnection(ListenTopic topic) {
		try (ListenFixture listening = new ListenFixture(topic)) {
			Peer a = new Peer("publisher-a");
			Peer b = new Peer("publisher-b");
			Peer subscriber = new Peer("subscriber-1");
			aRejectsThenBProvidesAndCloses(listening, a, b, subscriber);
			// The one who rejected is in its cooldown and the name waits for the rematch; then the rest closes, the
			// subscriber last.
			listening.close(a);
			listening.close(subscriber);
			assertThat(listening.registry.trackedNames()).isEmpty();
			listening.advance(Duration.ofSeconds(2));
			Peer nextA = new Peer("publisher-a");
			Peer nextB = new Peer("publisher-b");
			Peer nextSubscriber = new Peer("subscriber-1");
			listening.listen(nextA, ANY_CHAR);
			listening.listen(nextB, ANYTHING);
			listening.subscribe(nextSubscriber, "event/1");
			listening.assertFound(nextA, ANY_CHAR, "event/1");
			listening.accept(nextA, ANY_CHAR, "event/1");
			assertThat(listening.registry.hasProvider("event/1")).isTrue();
			assertThat(nextB.take()).isEmpty();
		}
	}

	@ParameterizedTest
	@EnumSource(ListenTopic.class)
	void theMatchCooldownHoldsForTheConnectionAndPatternThatRejectedOnly(ListenTopic topic) {
		try (ListenFixture listening = new ListenFixture(topic)) {
			Peer a = new Peer("publisher-a");
			Peer b = new Peer("publisher-b");
			Peer subscriber = new Peer("subscriber-1");
			aRejectsThenBProvidesAndCloses(listening, a, b, subscriber);
			// The same connection on another pattern is another registration, asked at once.
			listening.listenAndAssertFound(a, DIGIT, "event/1");
			listening.reject(a, DIGIT, "event/1");
			// So is another connection of the same user on the same pattern.
			Peer secondA = new Peer("publisher-a");
			listening.listenAndAssertFound(secondA, ANY_CHAR, "event/1");
			listening.reject(secondA, ANY_CHAR, "event/1");
			// Once the cooldown is over, the rematch asks them all again.
			listening.advance(Duration.ofSeconds(30));
			listening.assertFound(a, ANY_CHAR, "event/1");
		}
	}

	@ParameterizedTest
	@EnumSource(ListenTopic.class)
	void aRejectArrivingAfterItsListenEndedLeavesNoCooldown(ListenTopic topic) {
		try (ListenFixture listening = new ListenFixture(topic)) {
			Peer a = new Peer("publisher-a");
			Peer subscriber = new Peer("subscriber-1");
			// someone else listening keeps the name's search going after a's listen ended
			listening.listen(new Peer("publisher-b"), "other/.*");
			listening.listen(a, ANYTHING);
			listening.subscribe(subscriber, "event/1");
			listening.assertFound(a, ANYTHING, "event/1");
			listening.unlisten(a, ANYTHING);
			listening.reject(a, ANYTHING, "event/1");
			listening.listenAndAssertFound(a, ANYTHING, "event/1");
		}
	}

	@ParameterizedTest
	@EnumSource(ListenTopic.class)
	void theSearchForANameEndsWithItsLastSubscriber(ListenTopic topic) {
		try (ListenFixture listening = new ListenFixture(topic)) {
			Peer a = new Peer("publisher-a");
			Peer first = new Peer("subscriber-1");
			Peer second = new Peer("subscriber-2");
			listening.listen(a, ANYTHING);
			listening.subscribe(first, "event/1");
			listening.assertFound(a, ANYTHING, "event/1");
			listening.reject(a, ANYTHING, "event/1");
			assertThat(listening.registry.trackedNames()).containsExactly("event/1");
			listening.unsubscribe(first, "event/1");
			assertThat(listening.registry.trackedNames()).isEmpty();
			// A new subscription is a new search: the rejection belonged to the one that ended.
			listening.subscribe(second, "event/1");
			listening.assertFound(a, ANYTHING, "event/1");
			listening.accept(a, ANYTHING, "event/1");
			listening.close(second);
			listening.assertRemoved(a, ANYTHING, "event/1");
			assertThat(listening.registry.trackedNames()).isEmpty();
			listening.advance(Duration.ofSeconds(60));
			assertThat(a.take()).as("no timer of an ended search fires").isEmpty();
		}
	}

	@ParameterizedTest
	@EnumSource(ListenTopic.class)
	void theSearchForANameEndsWhenItsProviderCloses(ListenTopic topic) {
		try (ListenFixture listening = new ListenFixture(topic)) {
			Peer a = new Peer("publisher-a");
			Peer b = new Peer("publisher-b");
			Peer subscriber = new Peer("subscriber-1");
			listening.listen(a, ANY_CHAR);
			listening.listen(b, ANYTHING);
			listening.subscribe(subscriber, "event/1");
			listening.assertFound(a, ANY_CHAR, "event/1");
			listening.advance(Duration.ofMillis(500));
			listening.assertFound(b, ANYTHING, "event/1");
			listening.accept(b, ANYTHING, "event/1");
			listening.close(b);
			// A fresh round at once, in which the listener that timed out in the last one is asked again.
			listening.assertFound(a, ANY_CHAR, "event/1");
			listening.advance(Duration.ofMillis(499));
			listening.accept(a, ANY_CHAR, "event/1");
			assertThat(listening.registry.hasProvider("event/1")).isTrue();
			listening.advance(Duration.ofSeconds(60));
			assertThat(a.take()).isEmpty();
		}
	}

	@ParameterizedTest
	@EnumSource(ListenTopic.class)
	void aNewSubscriberStartsASearchAtOnceRatherThanWaitForTheRematch(ListenTopic topic) {
		try (ListenFixture listening = new ListenFixture(topic)) {
			Peer a = new Peer("publisher-a");
			Peer b = new Peer("publisher-b");
			listening.listen(a, ANYTHING);
			listening.listen(b, ANYTHING);
			listening.subscribe(new Peer("subscriber-1"), "event/1");
			listening.assertFound(a, ANYTHING, "event/1");
			listening.advance(Duration.ofMillis(500));
			listening.assertFound(b, ANYTHING, "event/1");
			listening.reject(b, ANYTHING, "event/1");
			// a did not answer and b rejected: the rematch is 30 s away, but a new subscriber asks now, those not in
			// their cooldown
			listening.advance(Duration.ofSeconds(1));
			listening.subscribe(new Peer("subscriber-2"), "event/1");
			listening.assertFound(a, ANYTHING, "event/1");
			listening.reject(a, ANYTHING, "event/1");
			assertThat(b.take()).as("b rejected 1 s ago").isEmpty();
			listening.advance(Duration.ofSeconds(10));
			listening.subscribe(new Peer("subscriber-3"), "event/1");
			listening.assertFound(a, ANYTHING, "event/1");
			listening.accept(a, ANYTHING, "event/1");
			assertThat(b.take()).isEmpty();
		}
	}

	/**
	 * A subscriber leaving and another arriving on other threads reach the registry in either order: here the new
	 * subscription is heard before the departure that left the name without subscribers for a moment.
	 */
	@ParameterizedTest
	@EnumSource(ListenTopic.class)
	void aSubscriberArrivingBeforeTheLastOnesDepartureIsHeardIsOfferedAtOnce(ListenTopic topic) {
		try (ListenFixture listening = new ListenFixture(topic)) {
			List<Runnable> departures = new ArrayList<>();
			listening.subscriptions.setListener(new Subscriptions.Listener() {

				@Override
				public void subscribed(String name, Connection connection) {
					listening.registry.subscribed(name, connection);
				}

				@Override
				public void lastUnsubscribed(String name) {
					departures.add(() -> listening.registry.lastUnsubscribed(name));
				}

			});
			Peer a = new Peer("publisher-a");
			Peer first = new Peer("subscriber-1");
			Peer second = new Peer("subscriber-1");
			listening.listen(a, ANYTHING);
			listening.subscribe(first, "event/1");
			listening.assertFound(a, ANYTHING, "event/1");
			listening.advance(Duration.ofMillis(500));
			listening.close(first);
			listening.subscribe(second, "event/1");
			listening.assertFound(a, ANYTHING, "event/1");
			departures.forEach(Runnable::run);
			listening.accept(a, ANYTHING, "event/1");
			assertThat(listening.registry.hasProvider("event/1")).isTrue();
			assertThat(a.take()).isEmpty();
		}
	}

	@ParameterizedTest
	@EnumSource(ListenTopic.class)
	void whenEveryoneDeclinedTheyAreAskedAgainAfterDeepstreamsThirtySeconds(ListenTopic topic) {
		try (ListenFixture listening = new ListenFixture(topic, ListenProperties.defaults())) {
			Peer a = new Peer("publisher-a");
			listening.listen(a, ANYTHING);
			listening.subscribe(new Peer("subscriber-1"), "event/1");
			listening.assertFound(a, ANYTHING, "event/1");
			listening.reject(a, ANYTHING, "event/1");
			listening.advance(Duration.ofMillis(29_999));
			assertThat(a.take()).isEmpty();
			listening.advance(Duration.ofMillis(1));
			listening.assertFound(a, ANYTHING, "event/1");
		}
	}

	/** a rejects {@code event/1}, b accepts it, and b closes: a, within its cooldown, is not asked. */
	private static void aRejectsThenBProvidesAndCloses(ListenFixture listening, Peer a, Peer b, Peer subscriber) {
		listening.listen(a, ANY_CHAR);
		listening.listen(b, ANYTHING);
		listening.subscribe(subscriber, "event/1");
		listening.assertFound(a, ANY_CHAR, "event/1");
		listening.reject(a, ANY_CHAR, "event/1");
		listening.assertFound(b, ANYTHING, "event/1");
		listening.accept(b, ANYTHING, "event/1");
		listening.close(b);
		assertThat(a.take()).as("the connection and pattern that rejected, within the cooldown").isEmpty();
	}

}
