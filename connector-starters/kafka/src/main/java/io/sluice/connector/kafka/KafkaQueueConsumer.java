package io.sluice.connector.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Schedulers;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.StorageQueue.Batch;
import io.sluice.connector.VersionedRecord;

/**
 * One consumer of the storage queue, on a thread of its own because a Kafka consumer may only be used from one
 * thread: it polls, hands out one batch per partition polled, and carries out the commits that batches ask for.
 * It stops fetching while {@code maxUncommittedBatches} are out or nobody has asked for more, so a slow store
 * cannot make it hold an unbounded amount. A message that is not a queued write goes to the dead-letter topic,
 * with the reason in the {@value #REASON_HEADER} header, and the partition moves on. Each batch carries the
 * partition's lag as Kafka reported it with the fetch ({@link Consumer#currentLag}).
 */
final class KafkaQueueConsumer {

	static final String REASON_HEADER = "sluice-dead-letter-reason";

	private static final Logger logger = LoggerFactory.getLogger(KafkaQueueConsumer.class);

	private final Consumer<byte[], byte[]> consumer;

	private final Producer<byte[], byte[]> deadLetters;

	private final KafkaQueueProperties properties;

	private final FluxSink<Batch> sink;

	private final ConcurrentLinkedQueue<CommitRequest> commits = new ConcurrentLinkedQueue<>();

	private final AtomicInteger uncommitted = new AtomicInteger();

	private volatile boolean running = true;

	KafkaQueueConsumer(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> deadLetters,
			KafkaQueueProperties properties, FluxSink<Batch> sink) {
		this.consumer = consumer;
		this.deadLetters = deadLetters;
		this.properties = properties;
		this.sink = sink;
	}

	void start() {
		Thread thread = new Thread(this::run, "sluice-queue-consumer");
		thread.setDaemon(true);
		thread.start();
	}

	void stop() {
		this.running = false;
		this.consumer.wakeup();
	}

	private void run() {
		try {
			this.consumer.subscribe(List.of(this.properties.topic()));
			while (this.running) {
				commitRequested();
				if (this.sink.requestedFromDownstream() > 0
						&& this.uncommitted.get() < this.properties.maxUncommittedBatches()) {
					this.consumer.resume(this.consumer.assignment());
				}
				else {
					// Paused, polling still keeps this member of the group alive.
					this.consumer.pause(this.consumer.assignment());
				}
				ConsumerRecords<byte[], byte[]> polled;
				try {
					polled = this.consumer.poll(this.properties.pollTimeout());
				}
				catch (WakeupException ex) {
					continue;
				}
				for (TopicPartition partition : polled.partitions()) {
					handOut(partition, polled.records(partition));
				}
			}
		}
		catch (KafkaException | ConnectorException ex) {
			if (this.running) {
				this.sink.error((ex instanceof ConnectorException) ? ex : new ConnectorException(
						KafkaStorageQueue.CONNECTOR, "The storage queue consumer failed: " + ex.getMessage(), ex));
			}
		}
		finally {
			CommitRequest left;
			while ((left = this.commits.poll()) != null) {
				left.sink.error(new ConnectorException(KafkaStorageQueue.CONNECTOR,
						"The consumer stopped before the commit of partition " + left.partition.partition()));
			}
			this.consumer.close(Duration.ofSeconds(5));
		}
	}

	private void handOut(TopicPartition partition, List<ConsumerRecord<byte[], byte[]>> records) {
		List<VersionedRecord> writes = new ArrayList<>(records.size());
		for (ConsumerRecord<byte[], byte[]> record : records) {
			try {
				writes.add(QueuedRecordCodec.decode(record.key(), record.value()));
			}
			catch (IllegalArgumentException ex) {
				deadLetter(record, ex.getMessage());
			}
		}
		long next = records.get(records.size() - 1).offset() + 1;
		if (writes.isEmpty()) {
			// Only dead letters: nothing for the worker to store, so the partition moves on here.
			commit(Map.of(partition, new OffsetAndMetadata(next)));
			return;
		}
		this.uncommitted.incrementAndGet();
		// Every record of the partition that this poll returned is in the batch, so the position is just after
		// it, and the lag Kafka computed at the fetch (end, or last stable offset, minus position) is the batch's.
		long lag = this.consumer.currentLag(partition).orElse(-1);
		this.sink.next(new KafkaBatch(partition, List.copyOf(writes), next, lag));
	}

	private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason) {
		logger.warn("Moving the message at {}-{}@{} to '{}': {}", record.topic(), record.partition(),
				record.offset(), this.properties.deadLetterTopic(), reason);
		ProducerRecord<byte[], byte[]> letter = new ProducerRecord<>(this.properties.deadLetterTopic(), null,
				record.key(), record.value(), record.headers());
		letter.headers().add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
		letter.headers().add("sluice-dead-letter-origin", (record.topic() + "-" + record.partition() + "@"
				+ record.offset()).getBytes(StandardCharsets.UTF_8));
		try {
			// This thread is the consumer's own: waiting here holds back only this partition's progress.
			this.deadLetters.send(letter).get();
		}
		catch (ExecutionException ex) {
			throw new ConnectorException(KafkaStorageQueue.CONNECTOR, "Could not move a poison message to '"
					+ this.properties.deadLetterTopic() + "': " + ex.getCause().getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ConnectorException(KafkaStorageQueue.CONNECTOR, "Interrupted moving a poison message", ex);
		}
	}

	private void commitRequested() {
		CommitRequest request;
		while ((request = this.commits.poll()) != null) {
			try {
				commit(Map.of(request.partition, new OffsetAndMetadata(request.offset)));
				this.uncommitted.decrementAndGet();
				request.sink.success();
			}
			catch (KafkaException ex) {
				this.uncommitted.decrementAndGet();
				request.sink.error(new ConnectorException(KafkaStorageQueue.CONNECTOR, "Could not commit partition "
						+ request.partition.partition() + " at offset " + request.offset + ": " + ex.getMessage(), ex));
			}
		}
	}

	private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
		while (true) {
			try {
				this.consumer.commitSync(offsets);
				return;
			}
			catch (WakeupException ex) {
				// A wake-up meant for poll() landed here: the commit has not been made yet, so make it.
				if (!this.running) {
					throw ex;
				}
			}
		}
	}

	private record CommitRequest(TopicPartition partition, long offset, MonoSink<Void> sink) {
	}

	private final class KafkaBatch implements Batch {

		private final TopicPartition partition;

		private final List<VersionedRecord> writes;

		private final long next;

		private final long lag;

		KafkaBatch(TopicPartition partition, List<VersionedRecord> writes, long next, long lag) {
			this.partition = partition;
			this.writes = writes;
			this.next = next;
			this.lag = lag;
		}

		@Override
		public int partition() {
			return this.partition.partition();
		}

		@Override
		public List<VersionedRecord> writes() {
			return this.writes;
		}

		@Override
		public long lag() {
			return this.lag;
		}

		@Override
		public Mono<Void> commit() {
			return Mono.<Void>create((sink) -> {
				KafkaQueueConsumer.this.commits.add(new CommitRequest(this.partition, this.next, sink));
				KafkaQueueConsumer.this.consumer.wakeup();
			})
				// Commits complete on the consumer's thread, which must get back to polling.
				.publishOn(Schedulers.parallel());
		}

	}

}
