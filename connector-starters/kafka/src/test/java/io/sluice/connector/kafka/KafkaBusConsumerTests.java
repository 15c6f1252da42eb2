package io.sluice.connector.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.sluice.connector.BusMessage;
import io.sluice.connector.ConnectorException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node's bus consumer against Kafka's own {@link MockConsumer}: what it hands on, what it drops, and that a
 * record that is not a bus message is logged and dropped without ending the subscription.
 */
@ExtendWith(OutputCaptureExtension.class)
class KafkaBusConsumerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/** How often a wait looks again: the consumer polls every 20 ms. */
	private static final Duration POLL = Duration.ofMillis(10);

	private static final String KAFKA_TOPIC = "test.bus.records";

	private static final TopicPartition PARTITION = new TopicPartition(KAFKA_TOPIC, 0);

	private final MockConsumer<byte[], byte[]> mock = new MockConsumer<>("latest");

	private final AtomicLong offset = new AtomicLong(5);

	private final BlockingQueue<BusMessage> received = new LinkedBlockingQueue<>();

	private final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();

	private KafkaBusConsumer consumer;

	private Disposable subscription;

	@BeforeEach
	void subscribe() {
		Node broker = new Node(0, "localhost", 9092);
		this.mock.updatePartitions(KAFKA_TOPIC,
				List.of(new PartitionInfo(KAFKA_TOPIC, 0, broker, new Node[] { broker }, new Node[] { broker })));
		// Five records were there before the node subscribed: it starts after them.
		this.mock.updateEndOffsets(Map.of(PARTITION, 5L));
		this.consumer = new KafkaBusConsumer("me", this.mock, Duration.ofMillis(20), TIMEOUT);
		this.consumer.start();
		this.subscription = Flux.<BusMessage>create((sink) -> {
			sink.onDispose(() -> this.consumer.remove(KAFKA_TOPIC, sink));
			this.consumer.add(KAFKA_TOPIC, "records", sink);
		}, FluxSink.OverflowStrategy.BUFFER).subscribe(this.received::add, this.errors::add);
		await("partition assigned").atMost(TIMEOUT).pollInterval(POLL).until(this::assigned);
	}

	@AfterEach
	void stop() throws InterruptedException {
		this.subscription.dispose();
		this.consumer.stop();
		this.consumer.awaitStop(TIMEOUT);
	}

	@Test
	void startsAtTheEndOfEachPartition() {
		assertThat(positionOnConsumerThread()).isEqualTo(5L);
	}

	@Test
	void recordsThatAreNotBusMessagesAreLoggedAndDroppedAndTheSubscriptionGoesOn(CapturedOutput output)
			throws InterruptedException {
		add(new RecordHeaders(), text("plain text, no envelope"));
		Headers unknownFormat = KafkaBusEnvelope.encode(KAFKA_TOPIC, text("other"), null, text("x")).headers();
		unknownFormat.remove(KafkaBusEnvelope.FORMAT_HEADER).add(KafkaBusEnvelope.FORMAT_HEADER, new byte[] { 9 });
		add(unknownFormat, text("x"));
		add(KafkaBusEnvelope.encode(KAFKA_TOPIC, text("other"), null, text("no value")).headers(), null);
		addMessage(KafkaBusEnvelope.encode(KAFKA_TOPIC, text("other"), null, text("after")));
		BusMessage next = this.received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(next).isEqualTo(new BusMessage("records", "other", null, text("after")));
		assertThat(this.errors).isEmpty();
		assertThat(output).contains("Dropped a record on " + KAFKA_TOPIC + "-0 at offset 5 that is not a bus message")
			.contains("No sluice-bus header")
			.contains("at offset 6").contains("Unknown bus envelope format 9")
			.contains("at offset 7").contains("No value")
			.doesNotContain("plain text, no envelope");
	}

	@Test
	void ownMessagesAndMessagesForOtherNodesAreNotHandedOn() throws InterruptedException {
		addMessage(KafkaBusEnvelope.encode(KAFKA_TOPIC, text("me"), null, text("mine")));
		addMessage(KafkaBusEnvelope.encode(KAFKA_TOPIC, text("other"), "someone-else", text("not for me")));
		addMessage(KafkaBusEnvelope.encode(KAFKA_TOPIC, text("other"), "me", text("for me")));
		addMessage(KafkaBusEnvelope.encode(KAFKA_TOPIC, text("other"), null, text("for all")));
		assertThat(this.received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
			.isEqualTo(new BusMessage("records", "other", "me", text("for me")));
		assertThat(this.received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
			.isEqualTo(new BusMessage("records", "other", null, text("for all")));
		assertThat(this.received).isEmpty();
	}

	@Test
	void aFailingPollEndsTheSubscriptionWithAConnectorErrorNamingTheNode() throws InterruptedException {
		this.mock.setPollException(new KafkaException("broker said no"));
		Throwable error = this.errors.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(error).isInstanceOf(ConnectorException.class)
			.hasMessageContaining("Node me could not read the bus: broker said no");
		await("partition unassigned").atMost(TIMEOUT).pollInterval(POLL).until(() -> !assigned());
	}

	@Test
	void cancellingTheSubscriptionUnassignsTheTopic() {
		this.subscription.dispose();
		await("partition unassigned").atMost(TIMEOUT).pollInterval(POLL).until(() -> !assigned());
	}

	private boolean assigned() {
		return this.mock.assignment().contains(PARTITION);
	}

	/** The position, read on the consumer's own thread as a Kafka consumer requires. */
	private long positionOnConsumerThread() {
		AtomicLong position = new AtomicLong(-1);
		CountDownLatch read = new CountDownLatch(1);
		this.mock.schedulePollTask(() -> {
			position.set(this.mock.position(PARTITION));
			read.countDown();
		});
		try {
			assertThat(read.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return position.get();
	}

	private void addMessage(ProducerRecord<byte[], byte[]> record) {
		add(record.headers(), record.value());
	}

	private void add(Headers headers, byte[] value) {
		ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(KAFKA_TOPIC, 0, this.offset.getAndIncrement(),
				0L, TimestampType.CREATE_TIME, 0, (value != null) ? value.length : -1, null, value, headers,
				Optional.empty());
		// Added from the consumer's own thread, between polls, as MockConsumer expects.
		this.mock.schedulePollTask(() -> this.mock.addRecord(record));
	}

	private static byte[] text(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
