package io.sluice.gateway.session;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Supplier;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sluice.gateway.metrics.GatewayCounters;
import io.sluice.gateway.protocol.FrameCodec;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.transport.CloseStatus;
import io.sluice.gateway.transport.Outbound;
import io.sluice.gateway.transport.OutboundPolicy;

/**
 * One client connection: who it is, and its bounded way out ({@link Outbound}). Anything may send to it from any
 * thread, and what one thread sends arrives in order; a client that stops reading, or lets more pile up than the
 * {@link OutboundPolicy} allows, is disconnected.
 *
 * <p>Kept small, since a node holds tens of thousands: the upgrade request's headers are referenced (not copied)
 * until the client has logged in, then emptied; the timers are one sweep over all connections
 * ({@link ConnectionTimers}); and nothing is queued or allocated for a connection that is not being sent to.
 */
public final class Connection {

	/** Close code for a client that let its outbound queue overflow (policy violation). */
	static final int SLOW_CONSUMER = OutboundPolicy.SLOW_CONSUMER;

	private static final Logger logger = LoggerFactory.getLogger(Connection.class);

	private static final AtomicReferenceFieldUpdater<Connection, CloseStatus> CLOSE_STATUS = AtomicReferenceFieldUpdater
		.newUpdater(Connection.class, CloseStatus.class, "closeStatus");

	private static final AtomicIntegerFieldUpdater<Connection> SUBSCRIPTIONS = AtomicIntegerFieldUpdater
		.newUpdater(Connection.class, "subscriptions");

	private final String id;

	private final FrameCodec codec;

	private final Outbound outbound;

	private final Channel channel;

	private volatile int subscriptions;

	/** Changed only by the login in progress, of which there is one at a time. */
	private volatile int refusedLogins;

	private volatile State state = State.AWAITING_CHALLENGE;

	private volatile String userId;

	private volatile byte[] serverData;

	private volatile byte[] clientData;

	/** What the permission check keeps for this connection once logged in (its server data, parsed), or null. */
	private volatile Object permissionState;

	/** The order of this connection's messages around permission decisions made later, or null before the first. */
	private volatile AdmissionOrder admissionOrder;

	private volatile String url;

	/** The upgrade request's headers, until the client has logged in (only authentication reads them). */
	private volatile HttpHeaders handshakeHeaders;

	private volatile long openedAt;

	private volatile long lastHeard;

	private volatile CloseStatus closeStatus;

	Connection(OutboundPolicy outboundPolicy, FrameCodec codec, Channel channel) {
		this(UUID.randomUUID().toString(), outboundPolicy, codec, channel);
	}

	Connection(String id, OutboundPolicy outboundPolicy, FrameCodec codec, Channel channel) {
		this.id = id;
		this.codec = codec;
		this.channel = channel;
		this.outbound = new Outbound(channel, outboundPolicy);
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
		if (isOpen()) {
			GatewayCounters.messageOut(message.topic(), message.action());
			enqueue(this.codec.encode(message));
		}
	}

	/**
	 * Queues a frame encoded by {@link io.sluice.gateway.protocol.MessageCodec}; the same array may be queued to many
	 * connections and must not change. A connection with another encoding re-encodes it.
	 */
	public void send(byte[] frame) {
		if (isOpen()) {
			GatewayCounters.frameOut(frame);
			enqueue(this.codec.fromBinary(frame));
		}
	}

	private void enqueue(byte[] payload) {
		if (reserve(OutboundPolicy.charge(payload.length))) {
			this.outbound.send(payload, this.codec.isText());
		}
	}

	/**
	 * Counts one more outbound frame against the {@link OutboundPolicy}, by its {@link OutboundPolicy#charge}; a
	 * connection that may not have it is disconnected as a slow consumer and {@code false} returned.
	 */
	boolean reserve(int charge) {
		CloseStatus refusal = this.outbound.reserve(charge);
		if (refusal == null) {
			return true;
		}
		logger.warn("Connection {} of {} is not reading; disconnecting it ({} bytes waiting): {}", this.id, this.userId,
				this.outbound.queued(), refusal.reason());
		GatewayCounters.slowConsumer();
		closeNow(refusal);
		return false;
	}

	/** The way out, for a fan-out that writes a shared frame on the event loop after {@link #reserve()}. */
	Outbound outbound() {
		return this.outbound;
	}

	EventLoop eventLoop() {
		return this.outbound.eventLoop();
	}

	ByteBufAllocator channelAllocator() {
		return this.channel.alloc();
	}

	/** Drops what is queued and closes with {@code code} and {@code reason}. */
	void closeNow(int code, String reason) {
		closeNow(new CloseStatus(code, reason));
	}

	private void closeNow(CloseStatus status) {
		if (CLOSE_STATUS.compareAndSet(this, null, status)) {
			this.outbound.abort(status);
		}
	}

	/** Sends what is queued, then closes with {@code code} and {@code reason}. */
	public void close(int code, String reason) {
		CloseStatus status = new CloseStatus(code, reason);
		if (CLOSE_STATUS.compareAndSet(this, null, status)) {
			this.outbound.close(status);
		}
	}


	/** The peer went away, or the session ended: nothing more will be sent. */
	void peerClosed() {
		CLOSE_STATUS.compareAndSet(this, null, CloseStatus.BY_PEER);
		this.handshakeHeaders = null;
		this.outbound.end();
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

	/** What the permission check attached to this connection, or {@code null}. */
	public Object permissionState() {
		return this.permissionState;
	}

	/** Attaches what the permission check needs again for each of this connection's messages. */
	public void permissionState(Object state) {
		this.permissionState = state;
	}

	/** The order of this connection's messages around permission decisions made later, or {@code null}. */
	AdmissionOrder admissionOrder() {
		return this.admissionOrder;
	}

	/** The order of this connection's messages around permission decisions made later, made if there is none. */
	AdmissionOrder admissionOrder(Supplier<AdmissionOrder> create) {
		AdmissionOrder order = this.admissionOrder;
		if (order == null) {
			order = create.get();
			this.admissionOrder = order;
		}
		return order;
	}

	/**
	 * The data the authenticator gave this user's client at login (JSON), which RPC providers may be told of; or
	 * {@code null}.
	 */
	public byte[] clientData() {
		return this.clientData;
	}

	FrameCodec codec() {
		return this.codec;
	}

	/** Remembers the upgrade request's headers, for authentication. */
	void handshake(HttpHeaders headers) {
		this.handshakeHeaders = headers;
	}

	/** Where the connection came from, for authentication. */
	String remoteAddress() {
		SocketAddress remote = this.channel.remoteAddress();
		return (remote instanceof InetSocketAddress inet) ? inet.getHostString() : String.valueOf(remote);
	}

	/**
	 * The remote address the connection counts under for the limits ({@link ConnectionSlots#key}), as its upgrade
	 * request gave it.
	 */
	String limitedAddress() {
		String address = this.channel.attr(ConnectionSlots.ADDRESS).get();
		return (address != null) ? address : ConnectionSlots.key(this.channel.remoteAddress());
	}

	/** The upgrade request's headers by lower-case name (the first of a repeated one); empty once logged in. */
	Map<String, String> headers() {
		HttpHeaders headers = this.handshakeHeaders;
		if (headers == null) {
			return Map.of();
		}
		Map<String, String> byName = new HashMap<>();
		headers.forEach((header) -> byName.putIfAbsent(header.getKey().toLowerCase(), header.getValue()));
		return byName;
	}

	/** Notes that the connection opened at {@code millis}, on the clock of {@link #heard(long)}. */
	void opened(long millis) {
		this.openedAt = millis;
		this.lastHeard = millis;
	}

	long openedAt() {
		return this.openedAt;
	}

	/** Notes that the client was heard from at {@code millis} (a clock of the caller's choosing). */
	void heard(long millis) {
		this.lastHeard = millis;
	}

	long lastHeard() {
		return this.lastHeard;
	}

	/** The URL the client said it connected to, once it has challenged and until it has logged in. */
	String url() {
		return this.url;
	}

	void authenticated(String userId, byte[] serverData) {
		authenticated(userId, null, serverData);
	}

	void authenticated(String userId, byte[] clientData, byte[] serverData) {
		this.userId = userId;
		this.clientData = clientData;
		this.serverData = serverData;
		this.url = null;
		this.state = State.OPEN;
		HttpHeaders headers = this.handshakeHeaders;
		this.handshakeHeaders = null;
		if (headers != null) {
			// The upgrade request stays referenced by Reactor Netty for the connection's life, and its headers were
			// the largest part of an idle connection; nothing reads them after the login (the access log, if on, has
			// logged the upgrade). Emptied on the event loop, which owns the request.
			this.outbound.eventLoop().execute(headers::clear);
		}
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
		// Counted before the state changes, so that whoever sees AWAITING_AUTH again also sees the count.
		int refused = this.refusedLogins + 1;
		this.refusedLogins = refused;
		this.state = State.AWAITING_AUTH;
		return refused;
	}

	/**
	 * Whether the client is still timed for logging in, as deepstream times it: from opening until the answer to its
	 * first login, accepted or refused. Not while that login is being decided: a client that asked in time is not
	 * cut because its authenticator is slow to answer.
	 */
	boolean awaitingLogin() {
		State current = this.state;
		return current == State.AWAITING_CHALLENGE || (current == State.AWAITING_AUTH && this.refusedLogins == 0);
	}

	/** How many subscriptions the connection holds, over all topics. */
	public int subscriptionCount() {
		return this.subscriptions;
	}

	/** Kept by {@link io.sluice.gateway.pubsub.Subscriptions}: {@code delta} subscriptions were added (or removed, if negative). */
	public void subscriptionsChanged(int delta) {
		SUBSCRIPTIONS.addAndGet(this, delta);
	}

	@Override
	public String toString() {
		return "Connection[" + this.id + ((this.userId != null) ? " " + this.userId : "") + "]";
	}

	enum State {

		AWAITING_CHALLENGE, AWAITING_AUTH, AUTHENTICATING, OPEN

	}

}
