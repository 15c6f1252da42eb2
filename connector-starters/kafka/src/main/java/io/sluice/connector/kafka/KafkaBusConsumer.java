package io.sluice.connector.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.FluxSink;

import io.sluice.connector.BusMessage;
import io.sluice.connector.ConnectorException;

/**
 * The one Kafka consumer of a bus node, on a thread of its own because a Kafka consumer may only be used from one
 * thread and its calls block. It has no consumer group: it assigns itself every partition of each topic the node
 * subscribes to and starts at the end, so every node sees every message published from then on, nobody waits
 * for a group rebalance when a node joins, and no group is left behind on the brokers when a node goes. It
 * hands each record to the topic's sink unless the node must not see it: its own, one sent to another node, or
 * one that is not a bus envelope (logged and dropped, the subscription goes on).
 */
final class KafkaBusConsumer {

	private static final Logger logger = LoggerFactory.getLogger(KafkaBusConsumer.class);

	private final String nodeId;

	private final Consumer<byte[], byte[]> consumer;

	private final Duration pollTimeout;

	private final Duration metadataTimeout;

	private final LinkedBlockingQueue<Runnable> commands = new LinkedBlockingQueue<>();

	/** Kafka topic to the sink of the bus topic it carries; touched by the consumer's thread only. */
	private final Map<String, Route> routes = new HashMap<>();

	private final Thread thread;

	private volatile boolean running = true;

	KafkaBusConsumer(String nodeId, Consumer<byte[], byte[]> consumer, Duration pollTimeout,
			Duration metadataTimeout) {
		this.nodeId = nodeId;
		this.consumer = consumer;
		this.pollTimeout = pollTimeout;
		this.metadataTimeout = metadataTimeout;
		this.thread = new Thread(this::run, "sluice-bus-" + nodeId);
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	/** Starts handing what arrives on {@code kafkaTopic} to {@code sink}, from the topic's end as it is now. */
	void add(String kafkaTopic, String topic, FluxSink<BusMessage> sink) {
		command(() -> assign(kafkaTopic, new Route(topic, sink, List.of())));
	}

	/** Stops handing {@code kafkaTopic} to {@code sink}, if it still is the topic's sink. */
	void remove(String kafkaTopic, FluxSink<BusMessage> sink) {
		command(() -> {
			Route route = this.routes.get(kafkaTopic);
			if (route != null && route.sink == sink) {
				this.routes.remove(kafkaTopic);
				reassign();
			}
		});
	}

	/** Stops the thread, which closes the consumer and completes every subscription. */
	void stop() {
		this.running = false;
		// Wakes the thread wherever it waits: in a poll, or for a command.
		command(() -> {
		});
	}

	/** Waits for the thread to end, for at most {@code timeout}. */
	void awaitStop(Duration timeout) throws InterruptedException {
		this.thread.join(timeout.toMillis());
	}

	private void command(Runnable command) {
		this.commands.add(command);
		// Ends a poll in progress, so that the command runs now rather than after the poll timeout.
		this.consumer.wakeup();
	}

	private void run() {
		try {
			while (this.running) {
				runCommands();
				if (!this.running) {
					break;
				}
				if (this.routes.isEmpty()) {
					// Nothing assigned, so nothing to poll: wait for a subscription.
					Runnable next = this.commands.poll(1, TimeUnit.SECONDS);
					if (next != null) {
						next.run();
					}
					continue;
				}
				try {
					for (ConsumerRecord<byte[], byte[]> record : this.consumer.poll(this.pollTimeout)) {
						dispatch(record);
					}
				}
				catch (WakeupException ex) {
					// A command arrived, or the node is stopping: the loop sees to either.
				}
				catch (KafkaException ex) {
					if (!this.running) {
						break;
					}
					fail(new ConnectorException(KafkaStorageQueue.CONNECTOR,
							"Node " + this.nodeId + " could not read the bus: " + ex.getMessage(), ex));
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.routes.values().forEach((route) -> route.sink.complete());
			this.routes.clear();
			this.consumer.close(Duration.ofSeconds(5));
		}
	}

	private void runCommands() {
		Runnable command;
		while ((command = this.commands.poll()) != null) {
			command.run();
		}
	}

	private void assign(String kafkaTopic, Route route) {
		if (!this.running || route.sink.isCancelled()) {
			// Stopping, or the subscriber left before its subscription was set up: nothing to assign.
			return;
		}
		try {
			List<TopicPartition> partitions = partitionsOf(kafkaTopic);
			this.routes.put(kafkaTopic, new Route(route.topic, route.sink, partitions));
			reassign();
			this.consumer.seekToEnd(partitions);
			// Resolves "the end" now rather than at the next poll: what is published from here on is seen.
			for (TopicPartition partition : partitions) {
				this.consumer.position(partition);
			}
		}
		catch (WakeupException ex) {
			// Woken by the next command while asking the brokers: ask again, after that command.
			this.routes.remove(kafkaTopic);
			reassign();
			this.commands.add(() -> assign(kafkaTopic, route));
		}
		catch (KafkaException | ConnectorException ex) {
			this.routes.remove(kafkaTopic);
			route.sink.error((ex instanceof ConnectorException) ? ex
					: new ConnectorException(KafkaStorageQueue.CONNECTOR, "Node " + this.nodeId
							+ " could not subscribe to Kafka topic '" + kafkaTopic + "': " + ex.getMessage(), ex));
			reassign();
		}
	}

	/** The partitions of {@code kafkaTopic}, waiting for a topic just created to show up in the metadata. */
	private List<TopicPartition> partitionsOf(String kafkaTopic) {
		long deadline = System.nanoTime() + this.metadataTimeout.toNanos();
		while (true) {
			List<PartitionInfo> infos = this.consumer.partitionsFor(kafkaTopic, this.metadataTimeout);
			if (infos != null && !infos.isEmpty()) {
				List<TopicPartition> partitions = new ArrayList<>(infos.size());
				infos.forEach((info) -> partitions.add(new TopicPartition(info.topic(), info.partition())));
				return partitions;
			}
			if (System.nanoTime() > deadline) {
				throw new ConnectorException(KafkaStorageQueue.CONNECTOR, "Kafka topic '" + kafkaTopic
						+ "' does not exist (sluice.kafka.bus.create-topics is off, or the brokers did not create it)");
			}
			try {
				Thread.sleep(50); // this consumer's own thread, never an event loop
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new WakeupException();
			}
		}
	}

	/** Assigns the partitions of every routed topic; a partition that stays assigned keeps its position. */
	private void reassign() {
		List<TopicPartition> wanted = new ArrayList<>();
		this.routes.values().forEach((route) -> wanted.addAll(route.partitions));
		this.consumer.assign(wanted);
	}

	private void dispatch(ConsumerRecord<byte[], byte[]> record) {
		Route route = this.routes.get(record.topic());
		if (route == null) {
			return;
		}
		BusMessage message;
		try {
			message = KafkaBusEnvelope.decode(route.topic, record.headers(), record.value());
		}
		catch (IllegalArgumentException ex) {
			// Someone else writes to our topic; theirs is not a message for us, and no reason to end the subscription.
			logger.warn("Dropped a record on {}-{} at offset {} that is not a bus message: {}", record.topic(),
					record.partition(), record.offset(), ex.getMessage());
			return;
		}
		if (message.from().equals(this.nodeId) || (message.isDirect() && !message.to().equals(this.nodeId))) {
			return;
		}
		route.sink.next(message);
	}

	private void fail(ConnectorException error) {
		logger.warn("{}", error.getMessage());
		this.routes.values().forEach((route) -> route.sink.error(error));
		this.routes.clear();
		this.consumer.assign(List.of());
	}

	private record Route(String topic, FluxSink<BusMessage> sink, List<TopicPartition> partitions) {
	}

}
