package io.sluice.connector.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisElementReader;
import org.springframework.data.redis.serializer.RedisElementWriter;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.data.redis.serializer.RedisSerializer;

import io.sluice.connector.ConnectorException;

/**
 * What the Redis adapters share: the connection factory, a template with string keys and binary values (so
 * that payloads go to Redis byte for byte), the key prefix, script execution, and the translation of Spring
 * Data Redis and Lettuce failures into {@link ConnectorException}. Creating it opens no connection.
 */
public final class RedisConnectorTemplate {

	static final String CONNECTOR = "redis";

	/** Script arguments are either bytes (payloads) or text (numbers, names), written as UTF-8. */
	private static final RedisElementWriter<Object> ARGUMENT_WRITER = (argument) -> ByteBuffer
		.wrap((argument instanceof byte[] bytes) ? bytes : argument.toString().getBytes(StandardCharsets.UTF_8));

	private static final RedisElementReader<byte[]> BYTES_READER = RedisElementReader
		.from(RedisSerializer.byteArray());

	private final ReactiveRedisConnectionFactory connectionFactory;

	private final ReactiveRedisTemplate<String, byte[]> template;

	private final String keyPrefix;

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
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	Mono<List<Object>> run(RedisScript<List> script, List<String> keys, List<?> arguments) {
		RedisElementReader reader = BYTES_READER;
		Flux<Object> replies = this.template.execute(script, keys, arguments, ARGUMENT_WRITER, reader);
		// Depending on the driver an array reply arrives as one list or as its elements: accept both.
		return replies.collectList()
			.map((all) -> (all.size() == 1 && all.get(0) instanceof List<?> only) ? (List<Object>) only : all);
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
