package io.sluice.connector.redis;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.data.redis.connection.ReactiveSubscription;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;
import org.springframework.data.redis.serializer.RedisSerializer;

import io.sluice.connector.AbstractMessageBus;
import io.sluice.connector.BusMessage;
import io.sluice.connector.MessageBus;

/**
 * A {@link MessageBus} node over Redis pub/sub. A topic is published on the channel
 * {@code <prefix>bus:<topic>}; a message for one node goes to {@code <prefix>bus:<topic>:<node>}, so that only
 * that node receives it. Each message is a {@link BusEnvelope} {@code {from, to?, payload}}.
 *
 * <p>A node holds one pub/sub connection, opened at its first subscription, and one Redis subscription per
 * topic (its published and its direct channel), shared by all local subscribers of that topic and dropped when
 * the last one leaves. Its own messages, and messages whose envelope does not match the channel they came on
 * (a topic name and a node id can combine into another topic's channel), are dropped. Redis delivers the
 * messages of one connection in order, and the node publishes on one connection, so messages of one sender
 * arrive in the order sent. Nothing is stored: what passes while a node is not subscribed is gone, as the port
 * allows. A subscriber that falls more than {@value #SUBSCRIBER_BUFFER} messages behind loses the oldest
 * rather than holding up the other subscribers of the topic.
 */
public final class RedisMessageBus extends AbstractMessageBus implements AutoCloseable {

	static final int SUBSCRIBER_BUFFER = 10_000;

	private static final Logger logger = LoggerFactory.getLogger(RedisMessageBus.class);

	private static final SerializationPair<String> CHANNEL = SerializationPair.fromSerializer(RedisSerializer.string());

	private static final SerializationPair<byte[]> ENVELOPE = SerializationPair
		.fromSerializer(RedisSerializer.byteArray());

	private final RedisConnectorTemplate redis;

	private final ConcurrentHashMap<String, Flux<BusMessage>> topics = new ConcurrentHashMap<>();

	private ReactiveRedisMessageListenerContainer container;

	private boolean closed;

	public RedisMessageBus(String nodeId, RedisConnectorTemplate redis) {
		super(nodeId);
		this.redis = Objects.requireNonNull(redis, "redis");
	}

	@Override
	protected Mono<Void> deliver(String topic, String targetNode, byte[] payload) {
		String channel = (targetNode != null) ? directChannel(topic, targetNode) : publishedChannel(topic);
		String what = (targetNode != null) ? "Sending on topic " + topic + " to node " + targetNode
				: "Publishing on topic " + topic;
		return Mono.defer(() -> this.redis.publish(channel, BusEnvelope.encode(nodeId(), targetNode, payload)))
			.onErrorMap((ex) -> RedisConnectorTemplate.translate(what, ex));
	}

	@Override
	public Flux<BusMessage> subscribe(String topic) {
		Objects.requireNonNull(topic, "topic");
		return this.topics.computeIfAbsent(topic, this::sharedSubscription)
			.onBackpressureBuffer(SUBSCRIBER_BUFFER,
					(dropped) -> logger.debug("Subscriber of topic {} fell behind, dropped {}", topic, dropped),
					BufferOverflowStrategy.DROP_OLDEST);
	}

	/** Closes the pub/sub connection, ending every subscription of this node. */
	@Override
	public void close() {
		ReactiveRedisMessageListenerContainer open;
		synchronized (this) {
			this.closed = true;
			open = this.container;
			this.container = null;
		}
		if (open != null) {
			open.destroy();
		}
	}

	private Flux<BusMessage> sharedSubscription(String topic) {
		String published = publishedChannel(topic);
		String direct = directChannel(topic, nodeId());
		// The container may connect when created, which can block: never on the caller's (event loop) thread.
		return Mono.fromCallable(this::container)
			.subscribeOn(Schedulers.boundedElastic())
			.flatMapMany((container) -> container.receive(List.of(ChannelTopic.of(published), ChannelTopic.of(direct)),
					CHANNEL, ENVELOPE))
			.<BusMessage>handle((message, sink) -> {
				BusMessage accepted = accept(topic, direct, message);
				if (accepted != null) {
					sink.next(accepted);
				}
			})
			.onErrorMap((ex) -> RedisConnectorTemplate.translate("Subscribing to topic " + topic, ex))
			.share();
	}

	/** The message, or {@code null} if this node must not see it. */
	private BusMessage accept(String topic, String direct, ReactiveSubscription.Message<String, byte[]> message) {
		BusMessage decoded;
		try {
			decoded = BusEnvelope.decode(topic, message.getMessage());
		}
		catch (IllegalArgumentException ex) {
			// Someone else publishes on our channel; theirs is not a message for us, and no reason to fail ours.
			logger.debug("Ignored a message on {} that is not a bus envelope: {}", message.getChannel(),
					ex.getMessage());
			return null;
		}
		if (decoded.from().equals(nodeId())) {
			return null;
		}
		boolean onDirect = direct.equals(message.getChannel());
		boolean forMe = onDirect ? nodeId().equals(decoded.to()) : !decoded.isDirect();
		return forMe ? decoded : null;
	}

	private synchronized ReactiveRedisMessageListenerContainer container() {
		if (this.closed) {
			throw new IllegalStateException("The Redis message bus of node " + nodeId() + " is closed");
		}
		if (this.container == null) {
			this.container = new ReactiveRedisMessageListenerContainer(this.redis.connectionFactory());
		}
		return this.container;
	}

	private String publishedChannel(String topic) {
		return this.redis.key("bus:" + topic);
	}

	private String directChannel(String topic, String node) {
		return this.redis.key("bus:" + topic + ":" + node);
	}

}
