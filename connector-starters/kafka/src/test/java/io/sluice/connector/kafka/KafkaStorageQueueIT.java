package io.sluice.connector.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import io.sluice.connector.StorageQueue;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.tck.StorageQueueContract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The storage queue contract against a real Kafka broker (KRaft, in this JVM). */
class KafkaStorageQueueIT extends StorageQueueContract {

	private static final String TOPIC = "it.queue." + UUID.randomUUID().toString().substring(0, 8);

	private static EmbeddedKafkaKraftBroker broker;

	private static KafkaStorageQueue queue;

	@BeforeAll
	static void startBroker() {
		broker = new EmbeddedKafkaKraftBroker(1, 1);
		// A consumer that joins must not wait for others that will never come.
		broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
		broker.afterPropertiesSet();
		queue = new KafkaStorageQueue(config(), config(), config(), properties(TOPIC));
	}

	@AfterAll
	static void stopBroker() {
		if (queue != null) {
			queue.close();
		}
		if (broker != null) {
			broker.destroy();
		}
	}

	private static Map<String, Object> config() {
		return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
				ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
	}

	static KafkaQueueProperties properties(String topic) {
		return new KafkaQueueProperties(topic, topic + ".dlt", 4, (short) 1, true, "it-workers-" + topic, 64,
				Duration.ofMillis(50), Duration.ofMillis(20));
	}

	@Override
	protected StorageQueue queue() {
		return queue;
	}

	@Override
	protected Duration timeout() {
		return Duration.ofSeconds(30);
	}

	@Test
	void aPoisonMessageGoesToTheDeadLetterTopicWithItsReasonAndThePartitionMovesOn() throws Exception {
		String name = "poison-" + UUID.randomUUID();
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
				ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
				ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
				ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
			producer.send(new ProducerRecord<>(TOPIC, name.getBytes(StandardCharsets.UTF_8),
					"junk".getBytes(StandardCharsets.UTF_8))).get();
		}
		VersionedRecord after = VersionedRecord.of(name, 1, "{}");
		StepVerifier.create(queue.offer(after)).expectComplete().verify(timeout());
		StepVerifier.create(queue.consume()
			.filter((batch) -> batch.writes().stream().anyMatch((write) -> write.name().equals(name)))
			.concatMap((batch) -> batch.commit().thenReturn(batch.writes()))
			.next())
			.assertNext((writes) -> assertThat(writes).filteredOn((write) -> write.name().equals(name))
				.containsExactly(after))
			.expectComplete()
			.verify(timeout());
		try (KafkaConsumer<byte[], byte[]> letters = new KafkaConsumer<>(Map.of(
				ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(), ConsumerConfig.GROUP_ID_CONFIG,
				"it-dlt-" + name, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
				ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
				ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
			letters.subscribe(List.of(TOPIC + ".dlt"));
			// polled on this thread: a Kafka consumer belongs to one
			ConsumerRecord<byte[], byte[]> letter = await("the dead letter").atMost(timeout())
				.pollInSameThread()
				.pollInterval(Duration.ofMillis(10))
				.until(() -> lastWithKey(letters, name), Objects::nonNull);
			assertThat(new String(letter.headers().lastHeader(KafkaQueueConsumer.REASON_HEADER).value(),
					StandardCharsets.UTF_8)).contains("not a queued write").contains("unknown format 106");
		}
	}

	/** The last record with the key {@code key} among those one poll brings, or {@code null}. */
	private static ConsumerRecord<byte[], byte[]> lastWithKey(KafkaConsumer<byte[], byte[]> consumer, String key) {
		ConsumerRecord<byte[], byte[]> found = null;
		for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
			if (key.equals(new String(record.key(), StandardCharsets.UTF_8))) {
				found = record;
			}
		}
		return found;
	}

}
