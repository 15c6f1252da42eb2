package io.sluice.gateway.session;

import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

import io.sluice.gateway.protocol.FrameCodec;
import io.sluice.gateway.protocol.Message;

/**
 * One client connection: who it is, and its bounded queue of outbound frames. Anything may send to it from any
 * thread; a client that does not read fast enough to keep the queue under its limit is disconnected.
 */
public final class Connection {

	/** Close code for a client that let its outbound queue overflow (policy violation). */
	static final int SLOW_CONSUMER = 1008;

	private static final Logger logger = LoggerFactory.getLogger(Connection.class);

	private final String id;

	private final Sinks.Many<byte[]> outbound;

	private final int outboundQueueLimit;

	private final AtomicInteger queued = new AtomicInteger();

	private final Sinks.Empty<Void> abort = Sinks.empty();

	private final Sinks.Empty<Void> closing = Sinks.empty();

	private final FrameCodec codec;

	private final AtomicInteger subscriptions = new AtomicInteger();

	private final AtomicInteger refusedLogins = new AtomicInteger();

	private volatile State state = State.AWAITING_CHALLENGE;

	private volatile String userId;

	private volatile byte[] serverData;

	private volatile String url;

	private volatile String remoteAddress;

	private volatile Map<String, String> headers = Map.of();

	private volatile long lastHeard;

	private volatile CloseStatus closeStatus;

	Connection(int outboundQueueLimit, FrameCodec codec) {
		this(UUID.randomUUID().toString(), outboundQueueLimit, codec);
	}

	/** A connection speaking the binary protocol. */
	public Connection(String id, int outboundQueueLimit) {
		this(id, outboundQueueLimit, FrameCodec.BINARY);
	}

	Connection(String id, int outboundQueueLimit, FrameCodec codec) {
		this.id = id;
		this.codec = codec;
		this.outboundQueueLimit = outboundQueueLimit;
		// Bounded by the count below rather than by the queue, whose capacity would be rounded. The queue grows in
		// links of 32: an idle connection holds one small link instead of a 256-slot array allocated up front.
		Queue<byte[]> queue = Queues.<byte[]>unbounded(Math.min(outboundQueueLimit, 32)).get();
		this.outbound = Sinks.many().unicast().onBackpressureBuffer(queue);
	}

	/** Unique across nodes: it is the origin of this connection's record writes. */
	public String id() {
		return this.id;
	}

	/** The authenticated user, or {@code null} before authentication. */
	public String userId() {
		return this.userId;
	}

	public boolean isOpen() {
		return this.closeStatus == null;
	}

	/** Encodes and queues one message for this client only. */
	public void send(Message message) {
		enqueue(this.codec.encode(message));
	}

	/**
	 * Queues a frame encoded by {@link io.sluice.gateway.protocol.MessageCodec}; the same array may be queued to many
	 * connections and must not change. A connection with another encoding re-encodes it.
	 */
	public void send(byte[] frame) {
		enqueue(this.codec.fromBinary(frame));
	}

	private void enqueue(byte[] frame) {
		Sinks.EmitResult result;
		// Serialised because notifications and responses are sent from different threads.
		synchronized (this) {
			if (this.closeStatus != null) {
				return;
			}
			if (this.queued.incrementAndGet() > this.outboundQueueLimit) {
				this.queued.decrementAndGet();
				result = Sinks.EmitResult.FAIL_OVERFLOW;
			}
			else {
				result = this.outbound.tryEmitNext(frame);
			}
		}
		if (result == Sinks.EmitResult.FAIL_OVERFLOW) {
			logger.warn("Connection {} of {} is not reading; disconnecting it", this.id, this.userId);
			closeNow(SLOW_CONSUMER, "Outbound queue full: the client is not reading fast enough");
		}
	}

	/** Sends what is queued, then closes with {@code code} and {@code reason}. */
	public void close(int code, String reason) {
		synchronized (this) {
			if (this.closeStatus != null) {
				return;
			}
			this.closeStatus = new CloseStatus(code, reason);
			this.outbound.tryEmitComplete();
		}
		this.closing.tryEmitEmpty();
	}

	/** Drops what is queued and closes with {@code code} and {@code reason}. */
	void closeNow(int code, String reason) {
		synchronized (this) {
			if (this.closeStatus != null) {
				return;
			}
			this.closeStatus = new CloseStatus(code, reason);
			this.outbound.tryEmitComplete();
		}
		this.abort.tryEmitEmpty();
		this.closing.tryEmitEmpty();
	}

	/** The peer went away, or the session ended: nothing more will be sent. */
	void peerClosed() {
		synchronized (this) {
			if (this.closeStatus != null) {
				return;
			}
			this.closeStatus = CloseStatus.BY_PEER;
			this.outbound.tryEmitComplete();
		}
		this.abort.tryEmitEmpty();
		this.closing.tryEmitEmpty();
	}

	/**
	 * The encoded frames to write, ending when the connection closes (at once, dropping the queue, if it was
	 * aborted). One subscriber only: the socket.
	 */
	public Flux<byte[]> outboundFrames() {
		return this.outbound.asFlux()
			.doOnNext((frame) -> this.queued.decrementAndGet())
			.takeUntilOther(this.abort.asMono());
	}

	/** Completes when the connection starts to close, from either side. */
	Mono<Void> closing() {
		return this.closing.asMono();
	}

	/** Why this side closed the connection, or {@code null} if it did not (or has not). */
	CloseStatus closedBy() {
		CloseStatus status = this.closeStatus;
		return (status != CloseStatus.BY_PEER) ? status : null;
	}

	State state() {
		return this.state;
	}

	/** The data the authenticator keeps on the server for this user (JSON), or {@code null}. */
	public byte[] serverData() {
		return this.serverData;
	}

	FrameCodec codec() {
		return this.codec;
	}

	/** Remembers where the connection came from, for authentication. */
	void handshake(String remoteAddress, Map<String, String> headers) {
		this.remoteAddress = remoteAddress;
		this.headers = Map.copyOf(headers);
	}

	String remoteAddress() {
		return this.remoteAddress;
	}

	Map<String, String> headers() {
		return this.headers;
	}

	/** Notes that the client was heard from at {@code millis} (a clock of the caller's choosing). */
	void heard(long millis) {
		this.lastHeard = millis;
	}

	long lastHeard() {
		return this.lastHeard;
	}

	/** The URL the client said it connected to, once it has challenged. */
	String url() {
		return this.url;
	}

	void authenticated(String userId, byte[] serverData) {
		this.userId = userId;
		this.serverData = serverData;
		this.state = State.OPEN;
	}

	void challenged(String url) {
		this.url = url;
		this.state = State.AWAITING_AUTH;
	}

	void authenticating() {
		this.state = State.AUTHENTICATING;
	}

	/** Counts a refused login, back to waiting for another; returns how many there were. */
	int refused() {
		this.state = State.AWAITING_AUTH;
		return this.refusedLogins.incrementAndGet();
	}

	/** How many subscriptions the connection holds, over all topics. */
	public int subscriptionCount() {
		return this.subscriptions.get();
	}

	/** Kept by {@link Subscriptions}: {@code delta} subscriptions were added (or removed, if negative). */
	void subscriptionsChanged(int delta) {
		this.subscriptions.addAndGet(delta);
	}

	@Override
	public String toString() {
		return "Connection[" + this.id + ((this.userId != null) ? " " + this.userId : "") + "]";
	}

	enum State {

		AWAITING_CHALLENGE, AWAITING_AUTH, AUTHENTICATING, OPEN

	}

	record CloseStatus(int code, String reason) {

		static final CloseStatus BY_PEER = new CloseStatus(1000, "closed by the client");

	}

}
