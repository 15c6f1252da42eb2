package io.sluice.connector.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.script.RedisScript;

import io.sluice.connector.RecordCache;
import io.sluice.connector.VersionedRecord;

/**
 * A {@link RecordCache} in Redis: one hash per record, {@code <prefix>record:<name>}, with the fields
 * {@code v} (version, decimal), {@code x} ({@code 1} for a tombstone), {@code d} (the data, byte for byte), and,
 * only when the record expires, {@code e} (expiry, epoch milliseconds) with {@code n} (the expiry's nanoseconds
 * beyond its millisecond, so that it reads back exactly).
 *
 * <p>Compare-and-set and evict are Lua scripts, so each is one atomic step on the server: of any number of
 * callers on any number of nodes expecting the same version, exactly one wins. Versions are compared as the
 * exact decimal text, never as floating point numbers. A record that expires gets {@code PEXPIREAT} at its
 * {@link VersionedRecord#expiresAt()}; the scripts and reads also treat it as gone once that instant has passed
 * on this node's clock, so a record is never returned after its expiry whichever clock is ahead. Tombstones are
 * cached like any version, and expire after the configured tombstone time to live so that deleted records do
 * not pile up: a tombstone that has gone reads as a miss, which is refilled from the store like any other.
 * Live records that never expire stay until Redis evicts them (its {@code maxmemory-policy} decides), which the
 * port allows.
 */
public final class RedisRecordCache implements RecordCache {

	private static final RedisScript<List> READ = RedisScript.of("""
			local held = redis.call('HMGET', KEYS[1], 'v', 'x', 'e', 'd', 'n')
			if not held[1] then return {} end
			if held[3] and tonumber(held[3]) <= tonumber(ARGV[1]) then return {} end
			return {held[1], held[2] or '0', held[3] or '', held[4] or '', held[5] or '0'}
			""", List.class);

	// ARGV: expected version, next version, tombstone flag, data, expiry millis or '', now millis, tombstone TTL,
	// expiry nanoseconds beyond the millisecond.
	private static final RedisScript<List> COMPARE_AND_SET = RedisScript.of("""
			local held = redis.call('HMGET', KEYS[1], 'v', 'x', 'e', 'd', 'n')
			if held[1] and held[3] and tonumber(held[3]) <= tonumber(ARGV[6]) then
				redis.call('DEL', KEYS[1])
				held = {false}
			end
			if (held[1] or '0') ~= ARGV[1] then
				if held[1] then return {0, held[1], held[2] or '0', held[3] or '', held[4] or '', held[5] or '0'} end
				return {0}
			end
			redis.call('DEL', KEYS[1])
			redis.call('HSET', KEYS[1], 'v', ARGV[2], 'x', ARGV[3], 'd', ARGV[4])
			if ARGV[5] ~= '' then
				redis.call('HSET', KEYS[1], 'e', ARGV[5], 'n', ARGV[8])
				redis.call('PEXPIREAT', KEYS[1], ARGV[5])
			elseif ARGV[3] == '1' and ARGV[7] ~= '0' then
				redis.call('PEXPIRE', KEYS[1], ARGV[7])
			end
			return {1}
			""", List.class);

	// ARGV: version, now millis.
	private static final RedisScript<List> EVICT = RedisScript.of("""
			local held = redis.call('HMGET', KEYS[1], 'v', 'e')
			if held[1] ~= ARGV[1] then return {0} end
			redis.call('DEL', KEYS[1])
			if held[2] and tonumber(held[2]) <= tonumber(ARGV[2]) then return {0} end
			return {1}
			""", List.class);

	private final RedisConnectorTemplate redis;

	private final Duration tombstoneTtl;

	private final Clock clock;

	/**
	 * @param redis the connection and key prefix
	 * @param tombstoneTtl how long a tombstone without its own expiry is kept, or zero for as long as Redis keeps it
	 * @param clock the clock that decides whether a record has expired
	 */
	public RedisRecordCache(RedisConnectorTemplate redis, Duration tombstoneTtl, Clock clock) {
		this.redis = Objects.requireNonNull(redis, "redis");
		this.tombstoneTtl = Objects.requireNonNull(tombstoneTtl, "tombstoneTtl");
		this.clock = Objects.requireNonNull(clock, "clock");
	}

	@Override
	public Mono<VersionedRecord> get(String name) {
		Objects.requireNonNull(name, "name");
		return Mono.defer(() -> this.redis.run(READ, keys(name), List.of(now())))
			.flatMap((reply) -> reply.isEmpty() ? Mono.empty() : Mono.just(decode(name, reply, 0)))
			.onErrorMap((ex) -> RedisConnectorTemplate.translate("Reading record " + name, ex));
	}

	@Override
	public Mono<CasResult> compareAndSet(long expectedVersion, VersionedRecord next) {
		Objects.requireNonNull(next, "next");
		return Mono.defer(() -> {
			long now = now();
			Instant expiresAt = next.expiresAt();
			List<Object> arguments = List.of(expectedVersion, next.version(), next.deleted() ? "1" : "0", next.data(),
					(expiresAt != null) ? expiresAt.toEpochMilli() : "", now, this.tombstoneTtl.toMillis(),
					(expiresAt != null) ? expiresAt.getNano() % 1_000_000 : 0);
			return this.redis.run(COMPARE_AND_SET, keys(next.name()), arguments).map((reply) -> {
				if (RedisConnectorTemplate.asLong(reply.get(0)) == 1) {
					// Won, but already expired on arrival: Redis dropped it at once, so nothing is held.
					return next.isExpiredAt(Instant.ofEpochMilli(now)) ? new CasResult(true, null)
							: CasResult.won(next);
				}
				return CasResult.lost((reply.size() > 1) ? decode(next.name(), reply, 1) : null);
			});
		}).onErrorMap((ex) -> RedisConnectorTemplate.translate("Compare-and-set of record " + next.name(), ex));
	}

	@Override
	public Mono<Boolean> evict(String name, long version) {
		Objects.requireNonNull(name, "name");
		return Mono.defer(() -> this.redis.run(EVICT, keys(name), List.of(version, now())))
			.map((reply) -> RedisConnectorTemplate.asLong(reply.get(0)) == 1)
			.onErrorMap((ex) -> RedisConnectorTemplate.translate("Evicting record " + name, ex));
	}

	private List<String> keys(String name) {
		return List.of(this.redis.key("record:" + name));
	}

	private long now() {
		return this.clock.millis();
	}

	/**
	 * The record in {@code reply} from {@code at}: version, tombstone flag, expiry millis or empty, data, expiry
	 * nanoseconds beyond the millisecond.
	 */
	private static VersionedRecord decode(String name, List<Object> reply, int at) {
		long version = RedisConnectorTemplate.asLong(reply.get(at));
		boolean deleted = "1".equals(RedisConnectorTemplate.asText(reply.get(at + 1)));
		String expiry = RedisConnectorTemplate.asText(reply.get(at + 2));
		Instant expiresAt = expiry.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(expiry))
			.plusNanos(RedisConnectorTemplate.asLong(reply.get(at + 4)));
		return new VersionedRecord(name, version, RedisConnectorTemplate.asBytes(reply.get(at + 3)), deleted,
				expiresAt);
	}

}
