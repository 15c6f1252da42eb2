package io.sluice.gateway.session;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * The WebSocket connections this node takes, in all and by remote address ({@link ConnectionLimits}). A connection
 * takes its slot at the upgrade request and gives it back when its channel closes, however it closes; a channel
 * holds at most one slot, so an upgrade that failed and a retry on the same keep-alive channel do not count twice.
 * Safe for concurrent use: the total is one atomic counter, an address's count is changed atomically in its map
 * entry, and the entry goes when its count is back to zero, so the map holds the addresses connected now only.
 */
final class ConnectionSlots {

	/** Why a connection has no slot. */
	enum Refusal {

		/** The node has {@code max-connections}. */
		NODE,

		/** The remote address has {@code max-connections-per-address}. */
		ADDRESS

	}

	/** The remote address a channel's slot was taken for ({@link #key}), which the session's logins count by too. */
	static final AttributeKey<String> ADDRESS = AttributeKey.valueOf("sluice.remote-address");

	private final int max;

	private final int maxPerAddress;

	private final AtomicInteger taken = new AtomicInteger();

	private final ConcurrentHashMap<String, Integer> byAddress = new ConcurrentHashMap<>();

	ConnectionSlots(ConnectionLimits limits) {
		this.max = limits.maxConnections();
		this.maxPerAddress = limits.maxConnectionsPerAddress();
	}

	/**
	 * Takes a slot for the connection of {@code channel} from {@code address}, given back when the channel closes;
	 * {@code null} when it took one (or the channel already holds one), else why not.
	 */
	Refusal admit(Channel channel, String address) {
		if (channel.hasAttr(ADDRESS)) {
			return null;
		}
		Refusal refusal = take(address);
		if (refusal == null) {
			channel.attr(ADDRESS).set(address);
			channel.closeFuture().addListener((closed) -> release(address));
		}
		return refusal;
	}

	/** Takes a slot for a connection from {@code address}: {@code null} when it took one, else why not. */
	Refusal take(String address) {
		int now;
		do {
			now = this.taken.get();
			if (now >= this.max) {
				return Refusal.NODE;
			}
		}
		while (!this.taken.compareAndSet(now, now + 1));
		if (this.maxPerAddress == 0) {
			return null;
		}
		boolean[] full = new boolean[1];
		this.byAddress.compute(address, (key, count) -> {
			int connected = (count != null) ? count : 0;
			full[0] = connected >= this.maxPerAddress;
			return full[0] ? count : connected + 1;
		});
		if (full[0]) {
			this.taken.decrementAndGet();
			return Refusal.ADDRESS;
		}
		return null;
	}

	/** Gives back a slot {@link #take} gave. */
	void release(String address) {
		if (this.maxPerAddress > 0) {
			this.byAddress.computeIfPresent(address, (key, count) -> (count > 1) ? count - 1 : null);
		}
		this.taken.decrementAndGet();
	}

	/** Slots taken now. */
	int taken() {
		return this.taken.get();
	}

	/** Addresses holding a slot now, when they are counted. */
	int addresses() {
		return this.byAddress.size();
	}

	/** What connections from {@code address} count by: an IPv4 address, or an IPv6 address's /64 network. */
	static String key(SocketAddress address) {
		if (!(address instanceof InetSocketAddress inet) || inet.getAddress() == null) {
			return String.valueOf(address);
		}
		InetAddress ip = inet.getAddress();
		if (ip instanceof Inet6Address) {
			HexFormat hex = HexFormat.of();
			byte[] bytes = ip.getAddress();
			return hex.formatHex(bytes, 0, 2) + ":" + hex.formatHex(bytes, 2, 4) + ":" + hex.formatHex(bytes, 4, 6) + ":"
					+ hex.formatHex(bytes, 6, 8) + "::/64";
		}
		return ip.getHostAddress();
	}

}
