package io.sluice.connector.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import io.sluice.connector.BusMessage;
import io.sluice.connector.MessageBus;
import io.sluice.connector.tck.MessageBusContract;
import io.sluice.connector.tck.TckNames;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link RedisMessageBus} on a real Redis server: the contract, and what Redis adds. */
class RedisMessageBusIT extends MessageBusContract {

	private static final String PREFIX = "it-bus:";

	private static EmbeddedRedisServer redis;

	private static RedisConnectorTemplate template;

	private final List<RedisMessageBus> nodes = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void startRedis() throws IOException {
		redis = EmbeddedRedisServer.start();
		template = redis.template(PREFIX);
	}

	@AfterAll
	static void stopRedis() throws IOException {
		redis.close();
	}

	@AfterEach
	void closeNodes() {
		this.nodes.forEach(RedisMessageBus::close);
	}

	@Override
	protected MessageBus node(String nodeId) {
		RedisMessageBus node = new RedisMessageBus(nodeId, template);
		this.nodes.add(node);
		return node;
	}

	@Override
	protected Duration timeout() {
		return EmbeddedRedisServer.TIMEOUT;
	}

	@Test
	void foreignMessagesOnTheChannelAreSkippedWithoutEndingTheSubscription() throws InterruptedException {
		String topic = TckNames.id("topic");
		RedisMessageBus sender = (RedisMessageBus) node(TckNames.id("sender"));
		RedisMessageBus receiver = (RedisMessageBus) node(TckNames.id("receiver"));
		BlockingQueue<BusMessage> received = new LinkedBlockingQueue<>();
		Disposable subscription = receiver.subscribe(topic).subscribe(received::add);
		try {
			awaitDelivery(() -> sender.publish(topic, text("ready")), received);
			String channel = PREFIX + "bus:" + topic;
			for (byte[] foreign : List.of(new byte[0], text("plain text"), new byte[] { 1, 0, 0, 9, 'x' })) {
				template.template().convertAndSend(channel, foreign).block(timeout());
			}
			sender.publish(topic, text("after")).block(timeout());
			BusMessage next = received.poll(timeout().toMillis(), TimeUnit.MILLISECONDS);
			assertThat(next).isNotNull();
			assertThat(new String(next.payload(), StandardCharsets.UTF_8)).isEqualTo("after");
		}
		finally {
			subscription.dispose();
		}
	}

	@Test
	void topicAndNodeIdThatSpellAnotherTopicsChannelDoNotCrossOver() throws InterruptedException {
		// Node "n" on topic "t" listens directly on bus:t:n, which is also the published channel of topic "t:n".
		String base = TckNames.id("topic");
		String nodeName = TckNames.id("n");
		RedisMessageBus sender = (RedisMessageBus) node(TckNames.id("sender"));
		RedisMessageBus direct = (RedisMessageBus) node(nodeName);
		RedisMessageBus other = (RedisMessageBus) node(TckNames.id("other"));
		BlockingQueue<BusMessage> toDirect = new LinkedBlockingQueue<>();
		BlockingQueue<BusMessage> toOther = new LinkedBlockingQueue<>();
		Disposable one = direct.subscribe(base).subscribe(toDirect::add);
		Disposable two = other.subscribe(base + ":" + nodeName).subscribe(toOther::add);
		try {
			awaitDelivery(() -> sender.send(nodeName, base, text("ready")), toDirect);
			awaitDelivery(() -> sender.publish(base + ":" + nodeName, text("ready")), toOther);
			sender.send(nodeName, base, text("direct")).block(timeout());
			sender.publish(base + ":" + nodeName, text("published")).block(timeout());
			assertThat(text(toDirect.poll(timeout().toMillis(), TimeUnit.MILLISECONDS))).isEqualTo("direct");
			assertThat(text(toOther.poll(timeout().toMillis(), TimeUnit.MILLISECONDS))).isEqualTo("published");
			assertThat(toDirect.poll(quietWindow().toMillis(), TimeUnit.MILLISECONDS)).isNull();
			assertThat(toOther.poll(0, TimeUnit.MILLISECONDS)).isNull();
		}
		finally {
			one.dispose();
			two.dispose();
		}
	}

	/**
	 * Sends with {@code probe} until {@code received} gets something, then empties it: subscriptions take a moment
	 * to reach Redis, and pub/sub keeps nothing for a subscriber that is not there yet.
	 */
	private void awaitDelivery(Supplier<Mono<Void>> probe, BlockingQueue<BusMessage> received) {
		// Rounds are dropped, not queued, when one is slow: a loaded machine may take longer than the period.
		Flux<Boolean> rounds = Flux.interval(Duration.ZERO, Duration.ofMillis(50))
			.onBackpressureDrop()
			.concatMap((round) -> probe.get().then(Mono.fromSupplier(() -> !received.isEmpty())))
			.takeUntil((ready) -> ready)
			.filter((ready) -> ready);
		StepVerifier.create(rounds).expectNext(true).expectComplete().verify(timeout());
		// Order per sender: once one probe arrived, the stragglers are in flight right behind it.
		Mono.delay(quietWindow()).block(timeout());
		received.clear();
	}

	private static byte[] text(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String text(BusMessage message) {
		return (message != null) ? new String(message.payload(), StandardCharsets.UTF_8) : null;
	}

}
