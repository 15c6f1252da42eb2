package io.sluice.connector.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.StorageQueue;
import io.sluice.connector.VersionedRecord;

/**
 * The storage queue on a Kafka topic. Writes are keyed by record name, so one record's writes share a partition
 * and keep their order; the producer is idempotent with {@code acks=all}, so an offer completes only once every
 * in-sync replica has the write, and it lingers {@value #DEFAULT_LINGER_MS} ms for more writes to send with one
 * unless {@code linger.ms} is configured. Each {@link #consume()} subscription is a member of one consumer group
 * that commits offsets only when a batch is {@linkplain Batch#commit() committed}: whatever a dead consumer had not
 * committed is delivered again to the next. A fetch waits up to {@value #DEFAULT_FETCH_MAX_WAIT_MS} ms for
 * {@value #DEFAULT_FETCH_MIN_BYTES} bytes unless {@code fetch.max.wait.ms} and {@code fetch.min.bytes} are configured.
 */
public final class KafkaStorageQueue implements StorageQueue, AutoCloseable {

	static final String CONNECTOR = "kafka";

	private static final Logger logger = LoggerFactory.getLogger(KafkaStorageQueue.class);

	private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

	/** The producer's {@code linger.ms} unless {@code spring.kafka.producer.properties.linger.ms} sets another. */
	static final int DEFAULT_LINGER_MS = 1;

	/** A fetch's {@code fetch.min.bytes} and {@code fetch.max.wait.ms} unless the application sets them. */
	static final int DEFAULT_FETCH_MIN_BYTES = 64 * 1024;

	static final int DEFAULT_FETCH_MAX_WAIT_MS = 10;

	private final KafkaQueueProperties properties;

	private final Map<String, Object> consumerConfig;

	private final Producer<byte[], byte[]> producer;

	private final Admin admin;

	private final int partitions;

	/**
	 * Connects, creating the topics first when allowed. Runs at start-up and may block while the cluster answers;
	 * fetching the topic's metadata here means later offers do not block for it.
	 */
	public KafkaStorageQueue(Map<String, Object> producerConfig, Map<String, Object> consumerConfig,
			Map<String, Object> adminConfig, KafkaQueueProperties properties) {
		this.properties = properties;
		this.admin = Admin.create(adminConfig);
		try {
			if (properties.createTopics()) {
				createTopics();
			}
			this.producer = new KafkaProducer<>(producing(producerConfig));
			this.partitions = this.producer.partitionsFor(properties.topic()).size();
		}
		catch (KafkaException ex) {
			this.admin.close();
			throw new ConnectorException(CONNECTOR, "Could not connect the storage queue to topic '"
					+ properties.topic() + "': " + ex.getMessage(), ex);
		}
		this.consumerConfig = Map.copyOf(consuming(consumerConfig, properties));
		logger.info("Storage queue: kafka, topic '{}' ({} partitions), consumer group '{}'", properties.topic(),
				this.partitions, properties.groupId());
	}

	/** The producer's configuration: the application's, with what the queue's guarantees need. */
	static Map<String, Object> producing(Map<String, Object> producerConfig) {
		Map<String, Object> producing = new HashMap<>(producerConfig);
		producing.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		producing.put(ProducerConfig.ACKS_CONFIG, "all");
		// The record service already groups a record's writes (one group in flight per record, the next one
		// gathered meanwhile), so a write waits for the group ahead of it and then for its own: a linger (Kafka 4's
		// default is 5 ms) is paid twice by most writes and batches little that is not batched already. 1 ms still
		// lets offers made together (a group's versions, other records' writes) share a request.
		producing.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, DEFAULT_LINGER_MS);
		producing.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
		producing.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
		return producing;
	}

	/** The consumers' configuration: the application's, with what committing after the store needs. */
	static Map<String, Object> consuming(Map<String, Object> consumerConfig, KafkaQueueProperties properties) {
		Map<String, Object> consuming = new HashMap<>(consumerConfig);
		consuming.put(ConsumerConfig.GROUP_ID_CONFIG, properties.groupId());
		consuming.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		consuming.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		consuming.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		// Writers are answered once the queue has their write, not the store, so a fetch may wait a little for more:
		// fewer, larger batches (each a store transaction and an offset commit) for the same writes, which matters
		// once the producer lingers only 1 ms. The store lags by at most this much more.
		consuming.putIfAbsent(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, DEFAULT_FETCH_MIN_BYTES);
		consuming.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, DEFAULT_FETCH_MAX_WAIT_MS);
		consuming.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		consuming.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		return consuming;
	}

	private void createTopics() {
		List<NewTopic> topics = List.of(
				new NewTopic(this.properties.topic(), this.properties.partitions(),
						this.properties.replicationFactor()),
				new NewTopic(this.properties.deadLetterTopic(), 1, this.properties.replicationFactor()));
		for (NewTopic topic : topics) {
			try {
				this.admin.createTopics(List.of(topic)).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
				logger.info("Created Kafka topic '{}'", topic.name());
			}
			catch (ExecutionException ex) {
				if (!(ex.getCause() instanceof TopicExistsException)) {
					throw new ConnectorException(CONNECTOR,
							"Could not create topic '" + topic.name() + "': " + ex.getCause().getMessage(), ex);
				}
			}
			catch (TimeoutException ex) {
				throw new ConnectorException(CONNECTOR, "Timed out creating topic '" + topic.name() + "'", ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new ConnectorException(CONNECTOR, "Interrupted creating topic '" + topic.name() + "'", ex);
			}
		}
	}

	@Override
	public Mono<Void> offer(VersionedRecord write) {
		return Mono.<Void>create((sink) -> {
			ProducerRecord<byte[], byte[]> message = new ProducerRecord<>(this.properties.topic(),
					QueuedRecordCodec.key(write.name()), QueuedRecordCodec.value(write));
			try {
				this.producer.send(message, (metadata, error) -> {
					if (error != null) {
						sink.error(new ConnectorException(CONNECTOR, "Kafka did not take the write to record '"
								+ write.name() + "' v" + write.version() + ": " + error.getMessage(), error));
						return;
					}
					sink.success();
				});
			}
			catch (KafkaException ex) {
				sink.error(new ConnectorException(CONNECTOR,
						"Could not send the write to record '" + write.name() + "': " + ex.getMessage(), ex));
			}
		})
			// The producer calls back on its own network thread, which must not run the writer's follow-up work.
			.publishOn(Schedulers.parallel());
	}

	@Override
	public Flux<Batch> consume() {
		return Flux.<Batch>create((sink) -> {
			KafkaQueueConsumer consumer = new KafkaQueueConsumer(new KafkaConsumer<>(this.consumerConfig),
					this.producer, this.properties, sink);
			sink.onDispose(consumer::stop);
			consumer.start();
		}, FluxSink.OverflowStrategy.BUFFER);
	}

	/**
	 * Waits until the consumer group has committed the partition up to its end as it is now: every write any
	 * node had offered to this record's partition when the call was made is then in the store.
	 */
	@Override
	public Mono<Void> drained(String name) {
		TopicPartition partition = new TopicPartition(this.properties.topic(), partitionOf(name));
		Duration interval = this.properties.drainedCheckInterval();
		// Admin calls block until the cluster answers: keep them off event loops.
		return Mono.fromCallable(() -> endOffset(partition))
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap((end) -> Mono.fromCallable(() -> committedOffset(partition))
				.subscribeOn(Schedulers.boundedElastic())
				.filter((committed) -> committed >= end)
				.repeatWhenEmpty(Integer.MAX_VALUE, (attempts) -> attempts.delayElements(interval)))
			.then();
	}

	private long endOffset(TopicPartition partition) throws Exception {
		try {
			return this.admin.listOffsets(Map.of(partition, OffsetSpec.latest()))
				.partitionResult(partition)
				.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
				.offset();
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new ConnectorException(CONNECTOR,
					"Could not read the end of partition " + partition + ": " + ex.getMessage(), ex);
		}
	}

	private long committedOffset(TopicPartition partition) throws Exception {
		try {
			Map<TopicPartition, OffsetAndMetadata> offsets = this.admin
				.listConsumerGroupOffsets(this.properties.groupId())
				.partitionsToOffsetAndMetadata()
				.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			OffsetAndMetadata committed = offsets.get(partition);
			return (committed != null) ? committed.offset() : 0;
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new ConnectorException(CONNECTOR, "Could not read the committed offsets of group '"
					+ this.properties.groupId() + "': " + ex.getMessage(), ex);
		}
	}

	/** The partition the default partitioner gives a record's writes. */
	int partitionOf(String name) {
		return Utils.toPositive(Utils.murmur2(QueuedRecordCodec.key(name))) % this.partitions;
	}

	@Override
	public void close() {
		this.producer.close(Duration.ofSeconds(10));
		this.admin.close(Duration.ofSeconds(10));
	}

}
