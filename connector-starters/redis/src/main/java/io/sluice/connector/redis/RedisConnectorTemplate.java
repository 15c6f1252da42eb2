package io.sluice.connector.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.ReactiveScriptingCommands;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.data.redis.serializer.RedisSerializer;

import io.sluice.connector.ConnectorException;

/**
 * What the Redis adapters share: the connection factory, a template with string keys and binary values (so
 * that payloads go to Redis byte for byte), the key prefix, script execution on one connection kept for every
 * call, and the translation of Spring Data Redis and Lettuce failures into {@link ConnectorException}. Creating it
 * opens no connection.
 */
public final class RedisConnectorTemplate {

	static final String CONNECTOR = "redis";

	private final ReactiveRedisConnectionFactory connectionFactory;

	private final ReactiveRedisTemplate<String, byte[]> template;

	private final String keyPrefix;

	private final AtomicReference<ReactiveRedisConnection> connection = new AtomicReference<>();

	public RedisConnectorTemplate(ReactiveRedisConnectionFactory connectionFactory, String keyPrefix) {
		this.connectionFactory = Objects.requireNonNull(connectionFactory, "connectionFactory");
		this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
		RedisSerializationContext<String, byte[]> context = RedisSerializationContext
			.<String, byte[]>newSerializationContext(RedisSerializer.string())
			.value(RedisSerializer.byteArray())
			.hashValue(RedisSerializer.byteArray())
			.build();
		this.template = new ReactiveRedisTemplate<>(connectionFactory, context);
	}

	ReactiveRedisConnectionFactory connectionFactory() {
		return this.connectionFactory;
	}

	ReactiveRedisTemplate<String, byte[]> template() {
		return this.template;
	}

	/** The key (or channel) {@code name} under this template's prefix. */
	String key(String name) {
		return this.keyPrefix + name;
	}

	/**
	 * Runs a script that answers an array (EVALSHA, falling back to EVAL the first time Redis has not seen
	 * it). Bulk strings come back as {@code byte[]}, integers as {@link Long}, nested arrays as lists.
	 *
	 * <p>Every compare-and-set goes through here, so it calls the kept connection's scripting commands directly
	 * rather than going through {@link ReactiveRedisTemplate}, which asks the factory for a new connection wrapper,
	 * serializes the arguments through a writer and deserializes the reply through a reader on every call.
	 */
	@SuppressWarnings("rawtypes")
	Mono<List<Object>> run(RedisScript<List> script, List<String> keys, List<?> arguments) {
		return Mono.defer(() -> {
			ByteBuffer[] keysAndArguments = new ByteBuffer[keys.size() + arguments.size()];
			int at = 0;
			for (String key : keys) {
				keysAndArguments[at++] = ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8));
			}
			for (Object argument : arguments) {
				keysAndArguments[at++] = argument(argument);
			}
			ReactiveScriptingCommands scripting = connection().scriptingCommands();
			ByteBuffer[] again = duplicates(keysAndArguments);
			Flux<Object> replies = scripting
				.<Object>evalSha(script.getSha1(), ReturnType.MULTI, keys.size(), keysAndArguments)
				.onErrorResume(RedisConnectorTemplate::isNoScript, (ex) -> scripting.eval(
						ByteBuffer.wrap(script.getScriptAsString().getBytes(StandardCharsets.UTF_8)), ReturnType.MULTI,
						keys.size(), again));
			// Depending on the driver an array reply arrives as one list or as its elements: accept both.
			return replies.collectList().map((all) -> asReply((all.size() == 1 && all.get(0) instanceof List<?> only)
					? only : all));
		}).doOnError(RedisConnectorTemplate::isConnectionLost, (ex) -> this.connection.set(null));
	}

	/** Publishes {@code message} on {@code channel}, on the same kept connection as the scripts. */
	Mono<Void> publish(String channel, byte[] message) {
		return Mono
			.defer(() -> connection().pubSubCommands()
				.publish(ByteBuffer.wrap(channel.getBytes(StandardCharsets.UTF_8)), ByteBuffer.wrap(message)))
			.doOnError(RedisConnectorTemplate::isConnectionLost, (ex) -> this.connection.set(null))
			.then();
	}

	/**
	 * The connection scripts and publishes run on, kept across calls. With Spring Boot's default (one shared native
	 * connection) this is a thin wrapper that holds no connection of its own: closing it would not close the shared
	 * one, and the driver reconnects that one by itself. The first call connects (and may block briefly doing so, as
	 * the template's first call did); a wrapper whose connection failed is dropped and the next call asks the factory
	 * again.
	 */
	private ReactiveRedisConnection connection() {
		ReactiveRedisConnection held = this.connection.get();
		if (held != null) {
			return held;
		}
		synchronized (this.connection) {
			held = this.connection.get();
			if (held == null) {
				held = this.connectionFactory.getReactiveConnection();
				this.connection.set(held);
			}
			return held;
		}
	}

	private static ByteBuffer argument(Object argument) {
		return ByteBuffer
			.wrap((argument instanceof byte[] bytes) ? bytes : argument.toString().getBytes(StandardCharsets.UTF_8));
	}

	/** The buffers again, unread, for EVAL after a NOSCRIPT: the driver may have read the first ones. */
	private static ByteBuffer[] duplicates(ByteBuffer[] buffers) {
		ByteBuffer[] copies = new ByteBuffer[buffers.length];
		for (int i = 0; i < buffers.length; i++) {
			copies[i] = buffers[i].duplicate();
		}
		return copies;
	}

	/** The reply with bulk strings as {@code byte[]}, integers as they came, nested arrays as lists. */
	private static List<Object> asReply(List<?> reply) {
		List<Object> converted = new ArrayList<>(reply.size());
		for (Object element : reply) {
			if (element instanceof ByteBuffer buffer) {
				byte[] bytes = new byte[buffer.remaining()];
				buffer.duplicate().get(bytes);
				converted.add(bytes);
			}
			else if (element instanceof List<?> nested) {
				converted.add(asReply(nested));
			}
			else {
				converted.add(element);
			}
		}
		return converted;
	}

	/** Redis does not have the script (yet, or any more after a restart or SCRIPT FLUSH). */
	private static boolean isNoScript(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause.getMessage() != null && cause.getMessage().contains("NOSCRIPT")) {
				return true;
			}
		}
		return false;
	}

	private static boolean isConnectionLost(Throwable failure) {
		return failure instanceof RedisConnectionFailureException;
	}

	/** A failure of this connector, as the ports promise: a {@link ConnectorException}, the cause kept. */
	static Throwable translate(String what, Throwable failure) {
		if (failure instanceof ConnectorException) {
			return failure;
		}
		return new ConnectorException(CONNECTOR, what + " failed: " + failure.getMessage(), failure);
	}

	static long asLong(Object reply) {
		if (reply instanceof Long number) {
			return number;
		}
		return Long.parseLong(asText(reply));
	}

	static String asText(Object reply) {
		if (reply instanceof byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		return String.valueOf(reply);
	}

	static byte[] asBytes(Object reply) {
		if (reply instanceof byte[] bytes) {
			return bytes;
		}
		return String.valueOf(reply).getBytes(StandardCharsets.UTF_8);
	}

}
