package io.sluice.connector.kafka;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The storage queue's client settings: the application's, with what the queue's guarantees need. */
class KafkaStorageQueueClientConfigTests {

	@Test
	void producerLingersOneMillisecondUnlessTheApplicationSaysOtherwise() {
		assertThat(KafkaStorageQueue.producing(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092")))
			.containsEntry(ProducerConfig.LINGER_MS_CONFIG, 1)
			.containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
		assertThat(KafkaStorageQueue.producing(Map.of(ProducerConfig.LINGER_MS_CONFIG, "5")))
			.containsEntry(ProducerConfig.LINGER_MS_CONFIG, "5");
	}

	@Test
	void idempotenceAcksAllAndByteSerializersCannotBeConfiguredAway() {
		Map<String, Object> producing = KafkaStorageQueue.producing(Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
				false, ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
				StringSerializer.class));
		assertThat(producing).containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
			.containsEntry(ProducerConfig.ACKS_CONFIG, "all")
			.containsEntry(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)
			.containsEntry(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
	}

	@Test
	void consumersWaitUpToTenMillisecondsForMoreWritesPerFetchUnlessTheApplicationSaysOtherwise() {
		KafkaQueueProperties properties = new KafkaQueueProperties("q", "q.dlt", 1, (short) 1, true, "workers", 64,
				Duration.ofMillis(100), Duration.ofMillis(20));
		assertThat(KafkaStorageQueue.consuming(Map.of(), properties))
			.containsEntry(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 64 * 1024)
			.containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10)
			.containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "workers")
			.containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		assertThat(KafkaStorageQueue.consuming(Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500,
				ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, true), properties))
			.containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500)
			.containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
	}

}
