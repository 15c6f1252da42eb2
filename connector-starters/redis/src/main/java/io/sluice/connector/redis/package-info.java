/**
 * Redis adapters and their auto-configuration: a {@link io.sluice.connector.RecordCache} whose compare-and-set
 * is a Lua script, a {@link io.sluice.connector.MessageBus} over pub/sub, and a
 * {@link io.sluice.connector.StreamHistory} over Redis Streams. They reach Redis through Spring Data Redis
 * Reactive (Lettuce) and the connection Spring Boot configures from {@code spring.data.redis.*}.
 */
package io.sluice.connector.redis;
