package io.sluice.connector.tck;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import io.sluice.connector.BusMessage;
import io.sluice.connector.MessageBus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The contract of {@link MessageBus}. An adapter's test extends this class and supplies nodes through
 * {@link #node(String)}; every node created within one test must share one medium (one server, or one
 * in-memory medium), so that they can reach each other. Tests use node ids and topics of their own.
 *
 * <p>Subscriptions are hot and may take a moment to be established, so before a test's messages are sent each
 * sender warms up: it publishes (and sends) marked warm-up messages until every receiver has seen one from it.
 * Order per sender then guarantees that the receiver sees everything the sender sends afterwards.
 */
public abstract class MessageBusContract {

	private static final byte[] WARM_UP = "\u0000tck-warm-up".getBytes(StandardCharsets.UTF_8);

	private final List<Inbox> inboxes = new CopyOnWriteArrayList<>();

	private String topic;

	/**
	 * A node of the bus under test with the given id; all nodes created within one test share one medium.
	 * @param nodeId the node's id, unique to the test
	 * @return the node
	 */
	protected abstract MessageBus node(String nodeId);

	/** How long any one step may take before the test fails. */
	protected Duration timeout() {
		return Duration.ofSeconds(10);
	}

	/** How long to watch for a message that must not arrive, once everything that must arrive has. */
	protected Duration quietWindow() {
		return Duration.ofMillis(300);
	}

	@BeforeEach
	void setUpTopic() {
		this.topic = TckNames.id("topic");
	}

	@AfterEach
	void closeInboxes() {
		this.inboxes.forEach(Inbox::close);
	}

	@Test
	void nodeKeepsTheIdItWasCreatedWith() {
		String id = TckNames.id("node");
		assertThat(node(id).nodeId()).isEqualTo(id);
	}

	@Test
	void publishReachesEveryOtherSubscribedNodeButNeverThePublisher() {
		MessageBus a = newNode();
		Inbox fromA = inbox(a, this.topic);
		Inbox b = inbox(newNode(), this.topic);
		Inbox c = inbox(newNode(), this.topic);
		warmUp(a, this.topic, b, c);
		publish(a, this.topic, "one", "two", "three");
		for (Inbox receiver : List.of(b, c)) {
			assertThat(receiver.take(3)).extracting(MessageBusContract::text).containsExactly("one", "two", "three");
		}
		fromA.assertQuiet(quietWindow());
		b.assertQuiet(Duration.ZERO);
		c.assertQuiet(Duration.ZERO);
	}

	@Test
	void envelopeCarriesTopicSenderTargetAndExactPayload() {
		MessageBus a = newNode();
		Inbox b = inbox(newNode(), this.topic);
		warmUp(a, this.topic, b);
		byte[] binary = new byte[256];
		for (int i = 0; i < binary.length; i++) {
			binary[i] = (byte) i;
		}
		byte[] unicode = "{\"text\":\"h\u00e9llo \u4e16\u754c \ud83d\ude80\"}".getBytes(StandardCharsets.UTF_8);
		await(a.publish(this.topic, binary));
		await(a.send(b.node.nodeId(), this.topic, unicode));
		await(a.publish(this.topic, new byte[0]));
		// Order is promised among publishes only, not between a publish and a direct message.
		assertThat(b.take(3)).containsExactlyInAnyOrder(new BusMessage(this.topic, a.nodeId(), null, binary),
				new BusMessage(this.topic, a.nodeId(), b.node.nodeId(), unicode),
				new BusMessage(this.topic, a.nodeId(), null, new byte[0]));
	}

	@Test
	void directMessageReachesOnlyItsTarget() {
		MessageBus a = newNode();
		Inbox fromA = inbox(a, this.topic);
		Inbox b = inbox(newNode(), this.topic);
		Inbox c = inbox(newNode(), this.topic);
		warmUp(a, this.topic, b, c);
		await(a.send(b.node.nodeId(), this.topic, text("for b only")));
		// A published fence, then a quiet window: a direct message leaking to c would most likely travel with it.
		await(a.publish(this.topic, text("fence")));
		assertThat(b.take(2)).extracting(MessageBusContract::text).containsExactlyInAnyOrder("for b only", "fence");
		assertThat(c.take(1)).extracting(MessageBusContract::text).containsExactly("fence");
		c.assertQuiet(quietWindow());
		fromA.assertQuiet(Duration.ZERO);
	}

	@Test
	void nodeNeverReceivesWhatItSentToItself() {
		MessageBus a = newNode();
		Inbox self = inbox(a, this.topic);
		Inbox b = inbox(newNode(), this.topic);
		warmUp(a, this.topic, b);
		await(a.send(a.nodeId(), this.topic, text("to myself")));
		await(a.publish(this.topic, text("to all")));
		assertThat(b.take(1)).extracting(MessageBusContract::text).containsExactly("to all");
		self.assertQuiet(quietWindow());
		b.assertQuiet(Duration.ZERO);
	}

	@Test
	void messagesFromEachSenderArriveInTheOrderSent() {
		int count = 200;
		Inbox a = inbox(newNode(), this.topic);
		MessageBus b = newNode();
		MessageBus c = newNode();
		warmUp(b, this.topic, a);
		warmUp(c, this.topic, a);
		// Both senders at once, each from its own thread.
		Flux<Void> fromB = Flux.range(0, count)
			.concatMap((i) -> b.publish(this.topic, text("b" + i)))
			.subscribeOn(Schedulers.parallel());
		Flux<Void> fromC = Flux.range(0, count)
			.concatMap((i) -> c.publish(this.topic, text("c" + i)))
			.subscribeOn(Schedulers.parallel());
		StepVerifier.create(Flux.merge(fromB, fromC).then()).expectComplete().verify(timeout());
		List<BusMessage> received = a.take(2 * count);
		List<String> expectedFromB = new ArrayList<>();
		List<String> expectedFromC = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			expectedFromB.add("b" + i);
			expectedFromC.add("c" + i);
		}
		assertThat(received.stream().filter((m) -> m.from().equals(b.nodeId())).map(MessageBusContract::text))
			.containsExactlyElementsOf(expectedFromB);
		assertThat(received.stream().filter((m) -> m.from().equals(c.nodeId())).map(MessageBusContract::text))
			.containsExactlyElementsOf(expectedFromC);
	}

	@Test
	void topicsAreIsolated() {
		String other = TckNames.id("topic");
		MessageBus a = newNode();
		Inbox onTopic = inbox(newNode(), this.topic);
		Inbox onOther = inbox(newNode(), other);
		warmUp(a, this.topic, onTopic);
		warmUp(a, other, onOther);
		await(a.publish(this.topic, text("first topic")));
		await(a.send(onOther.node.nodeId(), this.topic, text("direct, first topic")));
		await(a.publish(other, text("other topic")));
		await(a.send(onTopic.node.nodeId(), other, text("direct, other topic")));
		assertThat(onTopic.take(1)).extracting(MessageBusContract::text).containsExactly("first topic");
		assertThat(onOther.take(1)).extracting(MessageBusContract::text).containsExactly("other topic");
		onTopic.assertQuiet(quietWindow());
		onOther.assertQuiet(Duration.ZERO);
	}

	@Test
	void nodeThatSubscribesLaterDoesNotSeeEarlierMessages() {
		MessageBus a = newNode();
		Inbox early = inbox(newNode(), this.topic);
		warmUp(a, this.topic, early);
		await(a.publish(this.topic, text("before")));
		assertThat(early.take(1)).extracting(MessageBusContract::text).containsExactly("before");
		Inbox late = inbox(newNode(), this.topic);
		warmUp(a, this.topic, late);
		await(a.publish(this.topic, text("after")));
		// Order per sender: a replayed "before" would have arrived ahead of the warm-up and of "after".
		assertThat(late.take(1)).extracting(MessageBusContract::text).containsExactly("after");
		assertThat(early.take(1)).extracting(MessageBusContract::text).containsExactly("after");
	}

	@Test
	void cancelledSubscriptionStopsDelivery() {
		MessageBus a = newNode();
		Inbox leaving = inbox(newNode(), this.topic);
		Inbox staying = inbox(newNode(), this.topic);
		warmUp(a, this.topic, leaving, staying);
		leaving.close();
		await(a.publish(this.topic, text("after leaving")));
		assertThat(staying.take(1)).extracting(MessageBusContract::text).containsExactly("after leaving");
		leaving.assertQuiet(quietWindow());
	}

	private MessageBus newNode() {
		return node(TckNames.id("node"));
	}

	private Inbox inbox(MessageBus node, String topic) {
		Inbox inbox = new Inbox(node, topic);
		this.inboxes.add(inbox);
		return inbox;
	}

	private void publish(MessageBus sender, String topic, String... texts) {
		StepVerifier.create(Flux.fromArray(texts).concatMap((text) -> sender.publish(topic, text(text))).then())
			.expectComplete()
			.verify(timeout());
	}

	private void await(Mono<Void> operation) {
		StepVerifier.create(operation).expectComplete().verify(timeout());
	}

	/**
	 * Publishes, and sends to each receiver, warm-up messages every 50 ms until every receiver has seen both a
	 * published and a direct one from {@code sender}.
	 */
	private void warmUp(MessageBus sender, String topic, Inbox... receivers) {
		Flux<Boolean> rounds = Flux.interval(Duration.ZERO, Duration.ofMillis(50))
			// A round over a real server may take longer than the tick: skip ticks rather than overflow.
			.onBackpressureDrop()
			.concatMap((round) -> sender.publish(topic, WARM_UP)
				.thenMany(Flux.fromArray(receivers).concatMap((r) -> sender.send(r.node.nodeId(), topic, WARM_UP)))
				.then(Mono.fromSupplier(() -> Arrays.stream(receivers).allMatch((r) -> r.warmedUpBy(sender)))))
			.takeUntil((ready) -> ready)
			.filter((ready) -> ready);
		StepVerifier.create(rounds).expectNext(true).expectComplete().verify(timeout());
	}

	private static byte[] text(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String text(BusMessage message) {
		return new String(message.payload(), StandardCharsets.UTF_8);
	}

	/** What one node receives on one topic, warm-ups aside. */
	private final class Inbox {

		private final MessageBus node;

		private final BlockingQueue<BusMessage> messages = new LinkedBlockingQueue<>();

		private final Set<String> warmUps = ConcurrentHashMap.newKeySet();

		private final List<Throwable> errors = new CopyOnWriteArrayList<>();

		private final Disposable subscription;

		Inbox(MessageBus node, String topic) {
			this.node = node;
			this.subscription = node.subscribe(topic).subscribe(this::receive, this.errors::add);
		}

		private void receive(BusMessage message) {
			// A warm-up from the node itself is kept, so that the "never to itself" checks see it.
			if (Arrays.equals(message.payload(), WARM_UP) && !message.from().equals(this.node.nodeId())) {
				this.warmUps.add(message.from() + (message.isDirect() ? "/direct" : "/published"));
			}
			else {
				this.messages.add(message);
			}
		}

		boolean warmedUpBy(MessageBus sender) {
			return this.warmUps.contains(sender.nodeId() + "/direct")
					&& this.warmUps.contains(sender.nodeId() + "/published");
		}

		List<BusMessage> take(int count) {
			List<BusMessage> taken = new ArrayList<>();
			long deadline = System.nanoTime() + timeout().toNanos();
			try {
				while (taken.size() < count) {
					BusMessage message = this.messages.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
					if (message == null) {
						fail("%s received %d of %d messages: %s (errors: %s)", this.node.nodeId(), taken.size(), count,
								taken, this.errors);
					}
					taken.add(message);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			assertThat(this.errors).isEmpty();
			return taken;
		}

		void assertQuiet(Duration window) {
			try {
				BusMessage unexpected = this.messages.poll(window.toNanos(), TimeUnit.NANOSECONDS);
				assertThat(unexpected).as("a message that %s should not have received", this.node.nodeId()).isNull();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			assertThat(this.errors).isEmpty();
		}

		void close() {
			this.subscription.dispose();
		}

	}

}
