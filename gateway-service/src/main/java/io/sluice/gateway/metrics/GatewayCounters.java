package io.sluice.gateway.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.sluice.gateway.auth.ChainAuthenticator;
import io.sluice.gateway.auth.FileAuthenticator;
import io.sluice.gateway.auth.JwtAuthenticator;
import io.sluice.gateway.auth.OpenAuthenticator;
import io.sluice.gateway.auth.WebhookAuthenticator;
import io.sluice.gateway.protocol.Topic;

/**
 * What the gateway counts, in counters of the process: the message and fan-out paths call these on every message,
 * so a count is one {@link LongAdder} increment found by array index (topic and action), never a registry lookup or
 * a tag built per message, and the code that counts needs no reference handed down to it. The counters exist whether
 * or not Micrometer is on the class path; {@link GatewayMetrics} shows them to a meter registry, each as a meter of
 * its own, registered when the counter is first used (so the names and actions a node never sees make no series).
 *
 * <p>Tags are bounded: a topic and action are the protocol's (an action the schema does not name counts as
 * {@code other}); record, event and RPC names are never tags.
 */
public final class GatewayCounters {

	static final String MESSAGES_IN = "sluice.gateway.messages.in";

	static final String MESSAGES_OUT = "sluice.gateway.messages.out";

	static final String FANOUTS = "sluice.gateway.fanouts";

	static final String FANOUT_DELIVERIES = "sluice.gateway.fanout.deliveries";

	static final String CONNECTIONS_OPENED = "sluice.gateway.connections.opened";

	static final String CONNECTIONS_CLOSED = "sluice.gateway.connections.closed";

	static final String LOGINS = "sluice.gateway.logins";

	static final String SLOW_CONSUMERS = "sluice.gateway.slow.consumer.disconnects";

	static final String REFUSALS = "sluice.gateway.refusals";

	static final String PERMISSION_DENIALS = "sluice.gateway.permission.denials";

	static final String RPC_CALLS = "sluice.gateway.rpc.calls";

	static final String LISTEN_MATCHES = "sluice.gateway.listen.matches";

	/** The action slots per topic: the protocol's actions are numbered below this; the last slot is "other". */
	private static final int ACTIONS = 128;

	private static final int TOPICS = Topic.STATE_REGISTRY + 1;

	private static final Object lock = new Object();

	/** Every counter made so far, in the order made; guarded by {@link #lock}. */
	private static final List<Count> all = new ArrayList<>();

	/** Told of each counter as it is made; guarded by {@link #lock}. */
	private static final List<Consumer<Count>> watchers = new ArrayList<>();

	private static final AtomicReferenceArray<Count> in = new AtomicReferenceArray<>(TOPICS * ACTIONS);

	private static final AtomicReferenceArray<Count> out = new AtomicReferenceArray<>(TOPICS * ACTIONS);

	private static final AtomicReferenceArray<Count> fanouts = new AtomicReferenceArray<>(TOPICS);

	private static final AtomicReferenceArray<Count> deliveries = new AtomicReferenceArray<>(TOPICS);

	private static final AtomicReferenceArray<Count> denials = new AtomicReferenceArray<>(TOPICS);

	private static final Count opened = count(CONNECTIONS_OPENED, "WebSocket connections accepted");

	private static final Count listenMatches = count(LISTEN_MATCHES,
			"Names a listen pattern matched, when a name got a subscriber or a listener arrived");

	private static final Count slowConsumers = count(SLOW_CONSUMERS,
			"Connections closed because their outbound queue overflowed or stalled");

	// Every counter of a fixed set exists from the start, at zero, rather than appearing with its first count. The
	// counts are kept here by ordinal, not in the enums: an enum whose constants made counters here would start this
	// class's initialisation from its own, and whichever of the two a thread touched first would see the other
	// half-made.
	private static final Count[] limits = counts(Limit.values(), (limit) -> count(REFUSALS,
			"Messages and connections refused for going over a limit", "limit", lowerCase(limit)));

	private static final Count[] rpcOutcomes = counts(RpcOutcome.values(), (outcome) -> timed(RPC_CALLS,
			"RPCs this node routed, by how they ended, with the time from request to the end", "outcome",
			lowerCase(outcome)));

	private static final Count[] closes = counts(Closed.values(), (closed) -> count(CONNECTIONS_CLOSED,
			"WebSocket connections ended, by who or what closed them", "reason", lowerCase(closed)));

	private static final Count[] logins = counts(Login.values(), (login) -> {
		String[] parts = lowerCase(login).split("_");
		return count(LOGINS, "Logins answered, by authentication strategy and result", "strategy", parts[0],
				"result", parts[1]);
	});

	private GatewayCounters() {
	}

	/** A WebSocket connection was accepted. */
	public static void connectionOpened() {
		opened.adder.increment();
	}

	/**
	 * A connection ended.
	 * @param closeCode the close code this side sent, or -1 when the client closed it
	 */
	public static void connectionClosed(int closeCode) {
		closes[Closed.of(closeCode).ordinal()].adder.increment();
	}

	/** A message arrived from a client. */
	public static void messageIn(int topic, int action) {
		topicAction(in, MESSAGES_IN, "Messages received from clients", topic, action).adder.increment();
	}

	/** A message was queued to one client. */
	public static void messageOut(int topic, int action) {
		topicAction(out, MESSAGES_OUT, "Messages queued to clients", topic, action).adder.increment();
	}

	/** A frame encoded by {@link io.sluice.gateway.protocol.MessageCodec} was queued to one client. */
	public static void frameOut(byte[] frame) {
		long header = FrameHeader.read(frame);
		messageOut(FrameHeader.topic(header), FrameHeader.action(header));
	}

	/**
	 * One frame was fanned out to {@code subscribers} connections of this node (each also counts as a message out).
	 */
	public static void fanout(byte[] frame, int subscribers) {
		long header = FrameHeader.read(frame);
		int topic = FrameHeader.topic(header);
		topicAction(out, MESSAGES_OUT, "Messages queued to clients", topic, FrameHeader.action(header)).adder
			.add(subscribers);
		perTopic(fanouts, FANOUTS, "Messages fanned out to a name's subscribers on this node", topic).adder
			.increment();
		perTopic(deliveries, FANOUT_DELIVERIES, "Subscribers the fanned-out messages were sent to", topic).adder
			.add(subscribers);
	}

	/** A login was answered; {@code authenticator} is the one the gateway asked. */
	public static void login(Object authenticator, boolean accepted) {
		Login.of(authenticator, accepted).adder.increment();
	}

	/** A connection was closed as a slow consumer. */
	public static void slowConsumer() {
		slowConsumers.adder.increment();
	}

	/** A message or connection was refused for going over {@code limit}. */
	public static void refused(Limit limit) {
		limits[limit.ordinal()].adder.increment();
	}

	/** The permission rules denied a message on {@code topic} (or failed deciding it). */
	public static void permissionDenied(int topic) {
		perTopic(denials, PERMISSION_DENIALS, "Messages the permission rules denied", topic).adder.increment();
	}

	/** An RPC ended with {@code outcome}, {@code nanos} after the request reached this node. */
	public static void rpcFinished(RpcOutcome outcome, long nanos) {
		Count count = rpcOutcomes[outcome.ordinal()];
		count.adder.increment();
		count.nanos.add(nanos);
	}

	/** A listen pattern matched a name. */
	public static void listenMatched() {
		listenMatches.adder.increment();
	}

	/** The counts so far of this process, summed over their tags; for a page that works out rates from two reads. */
	public static Totals totals() {
		long messagesIn = 0;
		long messagesOut = 0;
		long deliveries = 0;
		synchronized (lock) {
			for (Count count : all) {
				switch (count.name) {
					case MESSAGES_IN -> messagesIn += count.adder.sum();
					case MESSAGES_OUT -> messagesOut += count.adder.sum();
					case FANOUT_DELIVERIES -> deliveries += count.adder.sum();
					default -> {
					}
				}
			}
		}
		return new Totals(messagesIn, messagesOut, deliveries, opened.adder.sum());
	}

	/** Calls {@code watcher} with every counter made so far, and with each one made from now on. */
	static void watch(Consumer<Count> watcher) {
		synchronized (lock) {
			all.forEach(watcher);
			watchers.add(watcher);
		}
	}

	/** Stops telling {@code watcher} of new counters. */
	static void unwatch(Consumer<Count> watcher) {
		synchronized (lock) {
			watchers.remove(watcher);
		}
	}

	private static Count topicAction(AtomicReferenceArray<Count> counts, String name, String description, int topic,
			int action) {
		int slot = (topic >= 0 && topic < TOPICS && action >= 0 && action < ACTIONS - 1) ? topic * ACTIONS + action
				: (Math.max(0, Math.min(topic, TOPICS - 1)) * ACTIONS + ACTIONS - 1);
		Count count = counts.get(slot);
		if (count == null) {
			count = make(counts, slot, () -> {
				String actionName = (slot % ACTIONS == ACTIONS - 1) ? null
						: Topic.actionName(slot / ACTIONS, slot % ACTIONS);
				return new Count(name, description, false, "topic", topicTag(slot / ACTIONS), "action",
						(actionName != null) ? actionName.toLowerCase(Locale.ROOT) : "other");
			});
		}
		return count;
	}

	private static Count perTopic(AtomicReferenceArray<Count> counts, String name, String description, int topic) {
		int slot = (topic >= 0 && topic < TOPICS) ? topic : 0;
		Count count = counts.get(slot);
		if (count == null) {
			count = make(counts, slot, () -> new Count(name, description, false, "topic", topicTag(slot)));
		}
		return count;
	}

	private static Count make(AtomicReferenceArray<Count> counts, int slot, Supplier<Count> made) {
		synchronized (lock) {
			Count count = counts.get(slot);
			if (count == null) {
				count = made.get();
				counts.set(slot, count);
				added(count);
			}
			return count;
		}
	}

	private static <E extends Enum<E>> Count[] counts(E[] constants, java.util.function.Function<E, Count> made) {
		Count[] counts = new Count[constants.length];
		for (E constant : constants) {
			counts[constant.ordinal()] = made.apply(constant);
		}
		return counts;
	}

	private static String lowerCase(Enum<?> constant) {
		return constant.name().toLowerCase(Locale.ROOT);
	}

	static Count count(String name, String description, String... tags) {
		return made(new Count(name, description, false, tags));
	}

	private static Count timed(String name, String description, String... tags) {
		return made(new Count(name, description, true, tags));
	}

	private static Count made(Count count) {
		synchronized (lock) {
			added(count);
		}
		return count;
	}

	private static void added(Count count) {
		all.add(count);
		for (Consumer<Count> watcher : watchers) {
			watcher.accept(count);
		}
	}

	private static String topicTag(int topic) {
		String name = Topic.name(topic);
		return (name != null) ? name.toLowerCase(Locale.ROOT) : "other";
	}

	/**
	 * One counter: a meter's name, description and tags (names and values in turn), and its count; a timed one also
	 * adds up the nanoseconds of what it counted.
	 */
	static final class Count {

		final String name;

		final String description;

		final String[] tags;

		final LongAdder adder = new LongAdder();

		final LongAdder nanos;

		Count(String name, String description, boolean timed, String... tags) {
			this.name = name;
			this.description = description;
			this.tags = tags;
			this.nanos = timed ? new LongAdder() : null;
		}

	}

	/**
	 * Counts of this process since it started.
	 * @param messagesIn messages received from clients
	 * @param messagesOut messages queued to clients
	 * @param fanoutDeliveries subscribers fanned-out messages were sent to
	 * @param connectionsOpened WebSocket connections accepted
	 */
	public record Totals(long messagesIn, long messagesOut, long fanoutDeliveries, long connectionsOpened) {

	}

	/** The limits whose refusals are counted, by the {@code limit} tag. */
	public enum Limit {

		/** More messages a second than {@code sluice.gateway.max-messages-per-second}: the connection is closed. */
		MESSAGE_RATE,
		/** A message larger than {@code sluice.gateway.max-message-size}: the connection is closed. */
		MESSAGE_SIZE,
		/** A name longer than {@code sluice.gateway.max-name-length} (or otherwise invalid): the message is refused. */
		NAME,
		/** Data nested deeper than {@code sluice.gateway.max-json-depth}: the message is refused. */
		JSON_DEPTH,
		/** More subscriptions than {@code sluice.gateway.max-subscriptions}: the subscription is refused. */
		SUBSCRIPTIONS

	}

	/** How an RPC ended, by the {@code outcome} tag. */
	public enum RpcOutcome {

		/** The provider responded. */
		RESPONSE,
		/** The provider answered with an error. */
		ERROR,
		/** No provider (left) to try. */
		NO_PROVIDER,
		/** No provider accepted in time. */
		ACCEPT_TIMEOUT,
		/** The accepting provider did not respond in time. */
		RESPONSE_TIMEOUT,
		/** The provider disconnected before it responded. */
		PROVIDER_GONE,
		/** The requestor disconnected; nobody was left to answer. */
		REQUESTOR_GONE

	}

	/** Why connections ended, by the {@code reason} tag. */
	private enum Closed {

		CLIENT, NORMAL, GOING_AWAY, POLICY_VIOLATION, MESSAGE_TOO_BIG, OTHER;

		static Closed of(int code) {
			return switch (code) {
				case -1 -> CLIENT;
				case 1000 -> NORMAL;
				case 1001 -> GOING_AWAY;
				case 1008 -> POLICY_VIOLATION;
				case 1009 -> MESSAGE_TOO_BIG;
				default -> OTHER;
			};
		}

	}

	/** Logins by {@code strategy} and {@code result}. */
	private enum Login {

		OPEN_ACCEPTED, OPEN_REFUSED, FILE_ACCEPTED, FILE_REFUSED, JWT_ACCEPTED, JWT_REFUSED, WEBHOOK_ACCEPTED,
		WEBHOOK_REFUSED, CHAIN_ACCEPTED, CHAIN_REFUSED, CUSTOM_ACCEPTED, CUSTOM_REFUSED;

		static Count of(Object authenticator, boolean accepted) {
			int strategy;
			if (authenticator instanceof OpenAuthenticator) {
				strategy = 0;
			}
			else if (authenticator instanceof FileAuthenticator) {
				strategy = 1;
			}
			else if (authenticator instanceof JwtAuthenticator) {
				strategy = 2;
			}
			else if (authenticator instanceof WebhookAuthenticator) {
				strategy = 3;
			}
			else if (authenticator instanceof ChainAuthenticator) {
				strategy = 4;
			}
			else {
				strategy = 5;
			}
			return logins[strategy * 2 + (accepted ? 0 : 1)];
		}

	}

}
