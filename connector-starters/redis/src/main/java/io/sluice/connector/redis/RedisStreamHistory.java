package io.sluice.connector.redis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.script.RedisScript;

import io.sluice.connector.HistoryEntry;
import io.sluice.connector.HotStreamHistory;
import io.sluice.connector.Retention;
import io.sluice.connector.StreamPosition;

/**
 * A {@link StreamHistory} in Redis Streams. A stream {@code s} is the Redis stream
 * {@code <prefix>history:{s}} beside the hash {@code <prefix>history:{s}:meta} (its epoch and last offset); the
 * braces keep both in one cluster slot.
 *
 * <p>Each event is the stream entry with the id {@code <offset>-0} and the fields {@code t} (when it was
 * appended, epoch milliseconds by the Redis server's clock) and {@code p} (the payload, byte for byte). Using
 * the offset as the entry id, rather than the time, makes {@link #from} and {@link #range} direct {@code XRANGE}
 * lookups instead of scans; {@link #since} binary-searches the offsets instead, which works because times never
 * decrease along a stream (a time is never recorded below the newest entry's).
 *
 * <p>An append is one Lua script: it takes the next offset, creates the epoch if the stream has none
 * ({@code HSETNX}, so it is created once), adds the entry, and trims, so offsets have no gaps and are never
 * reused, however many nodes append at once. Trimming is exact: {@code MAXLEN} for the count, and
 * {@code MINID} at the first entry young enough for the age, both from the oldest end, so the entries kept are
 * always a run of consecutive offsets. If Redis loses the stream and its meta (a restart without persistence),
 * the next append starts at offset 1 under a new epoch, as the port requires. If it loses only one of them
 * (eviction), offsets still continue from whichever holds the higher one, and a lost epoch is replaced.
 * {@link #position} of a stream that never had an event creates its epoch, so that the epoch a reader gets
 * first is the one the first event is appended under.
 *
 * <p>As a hot tier ({@link HotStreamHistory}): a stream is started when its meta hash has an epoch;
 * {@link #appendIfStarted} and {@link #positionIfStarted} run the same scripts told to do nothing without one, and
 * {@link #start} sets the epoch and the last offset in one script, only if the epoch is missing.
 */
public final class RedisStreamHistory implements HotStreamHistory {

	private static final String FUNCTIONS = """
			local function offsetOf(entry) return tonumber(string.match(entry[1], '^(%d+)')) end
			local function timeOf(entry) return tonumber(entry[2][2]) end
			local function id(offset) return string.format('%d-0', offset) end
			local function newest() return redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1] end
			local function oldest() return redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)[1] end
			-- The first offset from low to high appended at or after cutoff (high when none before it is).
			local function firstAtOrAfter(low, high, cutoff)
				while low < high do
					local middle = math.floor((low + high) / 2)
					local entry = redis.call('XRANGE', KEYS[1], id(middle), '+', 'COUNT', 1)[1]
					if timeOf(entry) >= cutoff then high = middle else low = middle + 1 end
				end
				return low
			end
			local function lastOffset()
				local offset = tonumber(redis.call('HGET', KEYS[2], 'seq') or '0')
				local top = newest()
				if top and offsetOf(top) > offset then offset = offsetOf(top) end
				return offset, top
			end
			""";

	// ARGV: payload, epoch if the stream has none, most entries kept, oldest age kept in millis or 0, and '1' to append
	// nothing (an empty reply) to a stream without an epoch.
	private static final RedisScript<List> APPEND = RedisScript.of(FUNCTIONS + """
			if ARGV[5] == '1' and redis.call('HEXISTS', KEYS[2], 'epoch') == 0 then return {} end
			local clock = redis.call('TIME')
			local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
			local offset, top = lastOffset()
			if top and timeOf(top) > now then now = timeOf(top) end
			offset = offset + 1
			redis.call('HSETNX', KEYS[2], 'epoch', ARGV[2])
			redis.call('HSET', KEYS[2], 'seq', string.format('%d', offset))
			redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[3], id(offset), 't', string.format('%d', now), 'p', ARGV[1])
			if ARGV[4] ~= '0' then
				local cutoff = now - tonumber(ARGV[4])
				local first = oldest()
				if timeOf(first) < cutoff then
					redis.call('XTRIM', KEYS[1], 'MINID', id(firstAtOrAfter(offsetOf(first) + 1, offset, cutoff)))
				end
			end
			return {redis.call('HGET', KEYS[2], 'epoch'), offset, now}
			""", List.class);

	// ARGV: mode (last, from, range, since), a, b, limit, epoch if the stream lost its own.
	private static final RedisScript<List> READ = RedisScript.of(FUNCTIONS + """
			local entries
			if ARGV[1] == 'last' then
				local newestFirst = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', ARGV[4])
				entries = {}
				for i = #newestFirst, 1, -1 do entries[#entries + 1] = newestFirst[i] end
			elseif ARGV[1] == 'from' then
				entries = redis.call('XRANGE', KEYS[1], ARGV[2] .. '-0', '+', 'COUNT', ARGV[4])
			elseif ARGV[1] == 'range' then
				entries = redis.call('XRANGE', KEYS[1], ARGV[2] .. '-0', ARGV[3] .. '-0')
			else
				local first, top = oldest(), newest()
				local cutoff = tonumber(ARGV[2])
				if not top or timeOf(top) < cutoff then return {} end
				local start = firstAtOrAfter(offsetOf(first), offsetOf(top), cutoff)
				entries = redis.call('XRANGE', KEYS[1], id(start), '+', 'COUNT', ARGV[4])
			end
			if #entries == 0 then return {} end
			redis.call('HSETNX', KEYS[2], 'epoch', ARGV[5])
			local reply = {redis.call('HGET', KEYS[2], 'epoch')}
			for _, entry in ipairs(entries) do
				reply[#reply + 1] = offsetOf(entry)
				reply[#reply + 1] = timeOf(entry)
				reply[#reply + 1] = entry[2][4]
			end
			return reply
			""", List.class);

	// ARGV: epoch if the stream has none, or '' to create none (an empty reply then).
	private static final RedisScript<List> POSITION = RedisScript.of(FUNCTIONS + """
			if ARGV[1] == '' then
				if redis.call('HEXISTS', KEYS[2], 'epoch') == 0 then return {} end
			else
				redis.call('HSETNX', KEYS[2], 'epoch', ARGV[1])
			end
			local offset = lastOffset()
			return {redis.call('HGET', KEYS[2], 'epoch'), offset}
			""", List.class);

	// ARGV: the epoch and last offset to start a stream without an epoch at.
	private static final RedisScript<List> START = RedisScript.of(FUNCTIONS + """
			if redis.call('HSETNX', KEYS[2], 'epoch', ARGV[1]) == 1 then
				local offset = lastOffset()
				if tonumber(ARGV[2]) > offset then redis.call('HSET', KEYS[2], 'seq', ARGV[2]) end
			end
			local offset = lastOffset()
			return {redis.call('HGET', KEYS[2], 'epoch'), offset}
			""", List.class);

	private final RedisConnectorTemplate redis;

	private final Supplier<String> epochs;

	public RedisStreamHistory(RedisConnectorTemplate redis) {
		this(redis, () -> UUID.randomUUID().toString());
	}

	RedisStreamHistory(RedisConnectorTemplate redis, Supplier<String> epochs) {
		this.redis = Objects.requireNonNull(redis, "redis");
		this.epochs = Objects.requireNonNull(epochs, "epochs");
	}

	@Override
	public Mono<HistoryEntry> append(String stream, byte[] payload, Retention retention) {
		return append(stream, payload, retention, false);
	}

	@Override
	public Mono<HistoryEntry> appendIfStarted(String stream, byte[] payload, Retention retention) {
		return append(stream, payload, retention, true);
	}

	private Mono<HistoryEntry> append(String stream, byte[] payload, Retention retention, boolean ifStarted) {
		Objects.requireNonNull(stream, "stream");
		Objects.requireNonNull(payload, "payload");
		Objects.requireNonNull(retention, "retention");
		return Mono.defer(() -> {
			long maxAge = (retention.maxAge() != null) ? Math.max(1, retention.maxAge().toMillis()) : 0;
			List<Object> arguments = List.of(payload, this.epochs.get(), retention.maxEntries(), maxAge,
					ifStarted ? "1" : "0");
			return this.redis.run(APPEND, keys(stream), arguments)
				.filter((reply) -> !reply.isEmpty())
				.map((reply) -> new HistoryEntry(stream, RedisConnectorTemplate.asLong(reply.get(1)),
						RedisConnectorTemplate.asText(reply.get(0)),
						Instant.ofEpochMilli(RedisConnectorTemplate.asLong(reply.get(2))), payload));
		}).onErrorMap((ex) -> RedisConnectorTemplate.translate("Appending to stream " + stream, ex));
	}

	@Override
	public Flux<HistoryEntry> last(String stream, int count) {
		return read(stream, "last", 0, 0, count);
	}

	@Override
	public Flux<HistoryEntry> from(String stream, long offset, int limit) {
		return read(stream, "from", Math.max(1, offset), 0, limit);
	}

	@Override
	public Flux<HistoryEntry> range(String stream, long fromOffset, long toOffset) {
		long from = Math.max(1, fromOffset);
		if (toOffset < from) {
			return Flux.empty();
		}
		return read(stream, "range", from, toOffset, Integer.MAX_VALUE);
	}

	@Override
	public Flux<HistoryEntry> since(String stream, Instant time, int limit) {
		Objects.requireNonNull(time, "time");
		// An entry's time is whole milliseconds: at or after a time within a millisecond means the next one.
		long millis = time.toEpochMilli() + ((time.getNano() % 1_000_000 != 0) ? 1 : 0);
		return read(stream, "since", millis, 0, limit);
	}

	@Override
	public Mono<StreamPosition> position(String stream) {
		return position(stream, POSITION, List.of(this.epochs.get()));
	}

	@Override
	public Mono<StreamPosition> positionIfStarted(String stream) {
		return position(stream, POSITION, List.of(""));
	}

	@Override
	public Mono<StreamPosition> start(String stream, StreamPosition position) {
		Objects.requireNonNull(position, "position");
		return position(stream, START, List.of(position.epoch(), position.offset()));
	}

	private Mono<StreamPosition> position(String stream, RedisScript<List> script, List<Object> arguments) {
		Objects.requireNonNull(stream, "stream");
		return Mono.defer(() -> this.redis.run(script, keys(stream), arguments))
			.filter((reply) -> !reply.isEmpty())
			.map((reply) -> new StreamPosition(RedisConnectorTemplate.asText(reply.get(0)),
					RedisConnectorTemplate.asLong(reply.get(1))))
			.onErrorMap((ex) -> RedisConnectorTemplate.translate("Reading the position of stream " + stream, ex));
	}

	private Flux<HistoryEntry> read(String stream, String mode, long a, long b, int limit) {
		Objects.requireNonNull(stream, "stream");
		if (limit < 1) {
			return Flux.empty();
		}
		return Mono.defer(() -> this.redis.run(READ, keys(stream), List.of(mode, a, b, limit, this.epochs.get())))
			.flatMapIterable((reply) -> entries(stream, reply))
			.onErrorMap((ex) -> RedisConnectorTemplate.translate("Reading stream " + stream, ex));
	}

	/** The entries of a read's reply: the epoch, then offset, time and payload of each entry. */
	private static List<HistoryEntry> entries(String stream, List<Object> reply) {
		if (reply.isEmpty()) {
			return List.of();
		}
		String epoch = RedisConnectorTemplate.asText(reply.get(0));
		List<HistoryEntry> entries = new ArrayList<>((reply.size() - 1) / 3);
		for (int i = 1; i + 2 < reply.size(); i += 3) {
			entries.add(new HistoryEntry(stream, RedisConnectorTemplate.asLong(reply.get(i)), epoch,
					Instant.ofEpochMilli(RedisConnectorTemplate.asLong(reply.get(i + 1))),
					RedisConnectorTemplate.asBytes(reply.get(i + 2))));
		}
		return entries;
	}

	private List<String> keys(String stream) {
		String key = this.redis.key("history:{" + stream + "}");
		return List.of(key, key + ":meta");
	}

}
