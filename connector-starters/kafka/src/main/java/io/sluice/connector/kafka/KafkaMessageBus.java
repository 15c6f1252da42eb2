package io.sluice.connector.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import io.sluice.connector.AbstractMessageBus;
import io.sluice.connector.BusMessage;
import io.sluice.connector.ConnectorException;
import io.sluice.connector.MessageBus;

/**
 * A {@link MessageBus} node over Kafka, for deployments that already run Kafka. Bus topic {@code t} travels on the
 * Kafka topic {@code <topic-prefix>t}; a message sent to one node travels on the same topic with the target in its
 * {@link KafkaBusEnvelope envelope}, and only the target hands it on. (A Kafka topic per node would reach only
 * that node on the wire too, but nodes come and go with fresh ids, and each would leave a topic behind.)
 *
 * <p>Each node reads with one consumer that belongs to no group and assigns itself every partition of the topics
 * it subscribes to, starting at their end: every node sees every message published while it is subscribed, and
 * nothing from before (see {@link KafkaBusConsumer}). A record's key is its sender, so one sender's messages on a
 * topic share a partition, and the idempotent producer keeps them in the order sent. Kafka keeps the messages,
 * but the bus does not replay them: a node that was not subscribed does not see them, as the port says.
 *
 * <p>This uses the plain Kafka client rather than Spring Kafka's listener containers: those are built around
 * listeners fixed at start-up and consumer groups, while a node here adds and drops topics as it runs, on one
 * consumer without a group. Kafka's calls that can block are kept off the caller's thread: sends run on one
 * thread of this node (the first send to a topic waits for its metadata; one thread also keeps the sends in the
 * order they were made), topic creation completes through the admin client's futures, and the consumer has its
 * own thread.
 */
public final class KafkaMessageBus extends AbstractMessageBus implements AutoCloseable {

	static final int SUBSCRIBER_BUFFER = 10_000;

	private static final Logger logger = LoggerFactory.getLogger(KafkaMessageBus.class);

	/** The node id in UTF-8, as every message carries it. */
	private final byte[] nodeIdBytes;

	private final KafkaBusProperties properties;

	private final Map<String, Object> consumerConfig;

	private final Producer<byte[], byte[]> producer;

	private final Admin admin;

	private final Scheduler sender;

	private final ConcurrentHashMap<String, Flux<BusMessage>> topics = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, Mono<Void>> created = new ConcurrentHashMap<>();

	private KafkaBusConsumer consumer;

	private boolean closed;

	/**
	 * Connects, creating the start-up topics first when allowed: this runs at start-up and blocks until the brokers
	 * answered, or fails after {@code startup-timeout}, so that a node without reachable brokers does not start.
	 */
	public KafkaMessageBus(String nodeId, Map<String, Object> producerConfig, Map<String, Object> consumerConfig,
			Map<String, Object> adminConfig, KafkaBusProperties properties) {
		super(nodeId);
		this.nodeIdBytes = nodeId.getBytes(StandardCharsets.UTF_8);
		this.properties = properties;
		this.admin = Admin.create(adminConfig);
		try {
			if (properties.createTopics() && !properties.topics().isEmpty()) {
				createStartupTopics();
			}
			Map<String, Object> producing = new HashMap<>(producerConfig);
			// Bus messages are not part of a transaction, whatever the application's own producers do.
			producing.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
			producing.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
			producing.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
			producing.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
			this.producer = new KafkaProducer<>(producing);
		}
		catch (KafkaException | ConnectorException ex) {
			this.admin.close(Duration.ZERO);
			throw (ex instanceof ConnectorException connector) ? connector
					: new ConnectorException(KafkaStorageQueue.CONNECTOR,
							"Could not connect the message bus of node " + nodeId + ": " + ex.getMessage(), ex);
		}
		Map<String, Object> consuming = new HashMap<>(consumerConfig);
		// No group: the consumer assigns itself its partitions and commits nothing.
		consuming.remove(ConsumerConfig.GROUP_ID_CONFIG);
		consuming.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
		consuming.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		consuming.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
		consuming.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		consuming.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		this.consumerConfig = Map.copyOf(consuming);
		this.sender = Schedulers.newSingle("sluice-bus-send-" + nodeId, true);
		logger.info("MessageBus: kafka, node {} (topics {}*)", nodeId, properties.topicPrefix());
	}

	@Override
	public Flux<BusMessage> subscribe(String topic) {
		Objects.requireNonNull(topic, "topic");
		String kafkaTopic;
		try {
			kafkaTopic = kafkaTopic(topic);
		}
		catch (IllegalArgumentException ex) {
			return Flux.error(ex);
		}
		return this.topics.computeIfAbsent(topic, (name) -> sharedSubscription(kafkaTopic, name))
			.onBackpressureBuffer(SUBSCRIBER_BUFFER,
					(dropped) -> logger.debug("Subscriber of topic {} fell behind, dropped {}", topic, dropped),
					BufferOverflowStrategy.DROP_OLDEST);
	}

	/** Stops the consumer, ending every subscription of this node, and closes the producer. */
	@Override
	public void close() {
		KafkaBusConsumer running;
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			running = this.consumer;
		}
		if (running != null) {
			running.stop();
			try {
				running.awaitStop(Duration.ofSeconds(10));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.producer.close(Duration.ofSeconds(10));
		this.admin.close(Duration.ofSeconds(10));
		this.sender.dispose();
	}

	@Override
	protected Mono<Void> deliver(String topic, String to, byte[] payload) {
		if (to != null && to.isEmpty()) {
			return Mono.error(new IllegalArgumentException("A target node id must not be empty"));
		}
		String kafkaTopic;
		try {
			kafkaTopic = kafkaTopic(topic);
		}
		catch (IllegalArgumentException ex) {
			return Mono.error(ex);
		}
		return created(kafkaTopic).then(Mono.<Void>create((sink) -> {
			try {
				this.producer.send(KafkaBusEnvelope.encode(kafkaTopic, this.nodeIdBytes, to, payload),
						(metadata, error) -> {
							if (error != null) {
								sink.error(notDelivered(topic, to, error));
							}
							else {
								sink.success();
							}
						});
			}
			catch (KafkaException ex) {
				sink.error(notDelivered(topic, to, ex));
			}
		})
			// send() can block (for a topic's metadata, or while the producer's buffer is full): never on the
			// caller's thread, which may be an event loop.
			.subscribeOn(this.sender))
			// The producer calls back on its own network thread, which must not run the caller's follow-up work.
			.publishOn(Schedulers.parallel());
	}

	private ConnectorException notDelivered(String topic, String to, Throwable error) {
		String what = (to != null) ? "send on topic " + topic + " to node " + to : "publish on topic " + topic;
		return new ConnectorException(KafkaStorageQueue.CONNECTOR,
				"Node " + nodeId() + " could not " + what + ": " + error.getMessage(), error);
	}

	private Flux<BusMessage> sharedSubscription(String kafkaTopic, String topic) {
		return created(kafkaTopic).thenMany(Flux.<BusMessage>create((sink) -> {
			KafkaBusConsumer reader;
			try {
				reader = consumer();
			}
			catch (IllegalStateException ex) {
				sink.error(ex);
				return;
			}
			sink.onDispose(() -> reader.remove(kafkaTopic, sink));
			reader.add(kafkaTopic, topic, sink);
		}, FluxSink.OverflowStrategy.BUFFER)
			// The first subscription creates the consumer, which looks up the brokers' addresses: that may block.
			.subscribeOn(Schedulers.boundedElastic()))
			// Subscribers' work runs off the consumer's thread, so a slow one does not hold up the node's polling.
			.publishOn(Schedulers.parallel())
			.share();
	}

	/** Completes once {@code kafkaTopic} exists, creating it when allowed; a failed creation is tried again. */
	private Mono<Void> created(String kafkaTopic) {
		if (!this.properties.createTopics()) {
			return Mono.empty();
		}
		return this.created.computeIfAbsent(kafkaTopic, (name) -> Mono
			.fromCompletionStage(() -> this.admin.createTopics(List.of(newTopic(name))).all().toCompletionStage())
			.onErrorResume(KafkaMessageBus::topicExists, (ex) -> Mono.empty())
			.onErrorMap((ex) -> !(ex instanceof ConnectorException), (ex) -> new ConnectorException(
					KafkaStorageQueue.CONNECTOR, "Could not create Kafka topic '" + name + "': " + ex.getMessage(), ex))
			.doOnError((ex) -> this.created.remove(name))
			.cache());
	}

	private static boolean topicExists(Throwable error) {
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (cause instanceof TopicExistsException) {
				return true;
			}
		}
		return false;
	}

	private void createStartupTopics() {
		for (String topic : this.properties.topics()) {
			String name = kafkaTopic(topic);
			long timeout = this.properties.startupTimeout().toMillis();
			try {
				this.admin.createTopics(List.of(newTopic(name))).all().get(timeout, TimeUnit.MILLISECONDS);
				logger.info("Created Kafka topic '{}'", name);
			}
			catch (ExecutionException ex) {
				if (!(ex.getCause() instanceof TopicExistsException)) {
					throw new ConnectorException(KafkaStorageQueue.CONNECTOR,
							"Could not create topic '" + name + "': " + ex.getCause().getMessage(), ex.getCause());
				}
			}
			catch (TimeoutException ex) {
				throw new ConnectorException(KafkaStorageQueue.CONNECTOR, "Timed out after "
						+ this.properties.startupTimeout() + " creating topic '" + name + "'", ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new ConnectorException(KafkaStorageQueue.CONNECTOR, "Interrupted creating topic '" + name + "'",
						ex);
			}
			this.created.put(name, Mono.empty());
		}
	}

	private NewTopic newTopic(String name) {
		return new NewTopic(name, this.properties.partitions(), this.properties.replicationFactor());
	}

	private String kafkaTopic(String topic) {
		return KafkaBusTopics.kafkaTopic(this.properties.topicPrefix(), topic, "Bus topic '" + topic + "'");
	}

	private synchronized KafkaBusConsumer consumer() {
		if (this.closed) {
			throw new IllegalStateException("The Kafka message bus of node " + nodeId() + " is closed");
		}
		if (this.consumer == null) {
			// Created at the first subscription: a node that only publishes never opens a consumer.
			this.consumer = new KafkaBusConsumer(nodeId(), new KafkaConsumer<>(this.consumerConfig),
					this.properties.pollTimeout(), this.properties.startupTimeout());
			this.consumer.start();
		}
		return this.consumer;
	}

}
