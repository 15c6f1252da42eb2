package io.sluice.gateway.listen;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sluice.gateway.cluster.ClusterMembership;
import io.sluice.gateway.cluster.ClusterRelay;
import io.sluice.gateway.cluster.MemberEvent;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.Topic;

/**
 * Listening on one topic between gateway nodes, over the bus topic {@code listen-record} or {@code listen-event}.
 *
 * <p>Who decides for a name: its owner, the live node (this one included) with the highest rendezvous hash of node
 * and name ({@link #owner}). Every node computes the same owner from the same membership, so two nodes never offer
 * the same name at once; when the membership changes, only the names of the nodes that came or went move, and what
 * was decided moves with them (providers claim their names from the new owner, which keeps the first and stops any
 * other, so a healed partition ends with one provider). Why this scheme: docs/decisions/cluster-listening.md.
 *
 * <p>On the wire every payload is a RECORD message (RECORD has every action listening needs, on either topic), and
 * the sender is the bus envelope's:
 * <ul>
 * <li>to all: {@code LISTEN}/{@code UNLISTEN}, pattern as name, connection id as correlation id; all this node's
 * listeners, as a {@code LISTEN} whose correlation id is {@value #STATE} and whose names are connection id and pattern
 * in turn, to a node that joins and to all at each resync;</li>
 * <li>to an owner: {@code SUBSCRIBE} (these names have subscribers here; with correlation id {@value #STATE}, at each
 * resync: they are all of them), {@code UNSUBSCRIBE}; a listener's {@code LISTEN_ACCEPT}, {@code LISTEN_REJECT},
 * {@code LISTEN_UNSUCCESSFUL} (it could not be asked), and {@code LISTEN_ACCEPT} as an ack (it provides the name
 * already), with pattern as name, the name as subscription and the connection id as correlation id;</li>
 * <li>from an owner: {@code SUBSCRIPTION_FOR_PATTERN_FOUND}/{@code _REMOVED} to a listener's node, shaped as the
 * answers; {@code SUBSCRIPTION_HAS_PROVIDER}/{@code _HAS_NO_PROVIDER} to a subscriber's node.</li>
 * </ul>
 * When the membership says a node left or expired, its listeners and subscribers are forgotten at once.
 */
public final class ListenRelay extends ClusterRelay implements ListenNodes {

	static final String STATE = "state";

	private static final Logger logger = LoggerFactory.getLogger(ListenRelay.class);

	private final ListenRegistry registry;

	private final String self;

	/** The other live nodes, changed under the registry's lock so that owners change with what depends on them. */
	private final Set<String> others = new CopyOnWriteArraySet<>();

	ListenRelay(ClusterMembership membership, ListenRegistry registry) {
		super(membership, busTopic(registry.topic), Topic.RECORD);
		this.registry = registry;
		this.self = membership.nodeId();
	}

	/** Makes the listening of {@code handler} cluster-wide: before any client is connected. */
	public static ListenRelay attach(ListeningTopicHandler handler, ClusterMembership membership) {
		return attach(handler.listening(), membership);
	}

	static ListenRelay attach(ListenRegistry registry, ClusterMembership membership) {
		ListenRelay relay = new ListenRelay(membership, registry);
		registry.attach(relay);
		membership.subscribe(relay);
		return relay;
	}

	static String busTopic(ListenTopic topic) {
		return "listen-" + topic.name().toLowerCase(java.util.Locale.ROOT);
	}

	@Override
	public String owner(String name) {
		if (this.others.isEmpty()) {
			return null;
		}
		String owner = this.self;
		long best = score(this.self, name);
		for (String node : this.others) {
			long score = score(node, name);
			if (score > best || (score == best && node.compareTo(owner) < 0)) {
				owner = node;
				best = score;
			}
		}
		return owner.equals(this.self) ? null : owner;
	}

	/** A rendezvous hash: the same on every node, since {@link String#hashCode} is specified. */
	static long score(String node, String name) {
		long z = ((long) node.hashCode() << 32) ^ (name.hashCode() & 0xffffffffL);
		// SplitMix64's finaliser, so that nearby hash codes land far apart.
		z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
		z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
		return z ^ (z >>> 31);
	}

	@Override
	public Set<String> others() {
		return Set.copyOf(this.others);
	}

	@Override
	public void listened(Candidate listener) {
		this.topic.publish(encode(Message.builder(Topic.RECORD, RecordAction.LISTEN).name(listener.pattern())
			.correlationId(listener.id())));
	}

	@Override
	public void unlistened(Candidate listener) {
		this.topic.publish(encode(Message.builder(Topic.RECORD, RecordAction.UNLISTEN).name(listener.pattern())
			.correlationId(listener.id())));
	}

	@Override
	public void listeners(String node, Collection<Candidate> listeners) {
		List<String> pairs = new ArrayList<>(listeners.size() * 2);
		listeners.forEach((listener) -> {
			pairs.add(listener.id());
			pairs.add(listener.pattern());
		});
		byte[] state = encode(Message.builder(Topic.RECORD, RecordAction.LISTEN).correlationId(STATE).names(pairs));
		this.topic.sendState(node, state);
	}

	@Override
	public void subscribed(String owner, List<String> names, boolean all) {
		this.topic.send(owner, encode(Message.builder(Topic.RECORD, RecordAction.SUBSCRIBE)
			.correlationId(all ? STATE : null).names(names)));
	}

	@Override
	public void unsubscribed(String owner, String name) {
		this.topic.send(owner, encode(Message.builder(Topic.RECORD, RecordAction.UNSUBSCRIBE).name(name)));
	}

	@Override
	public void providerChanged(String node, String name, boolean hasProvider) {
		this.topic.send(node, encode(Message.builder(Topic.RECORD,
				hasProvider ? RecordAction.SUBSCRIPTION_HAS_PROVIDER : RecordAction.SUBSCRIPTION_HAS_NO_PROVIDER)
			.name(name)));
	}

	@Override
	public void offer(Candidate listener, String name) {
		this.topic.send(listener.node(), about(RecordAction.SUBSCRIPTION_FOR_PATTERN_FOUND, listener, name));
	}

	@Override
	public void remove(Candidate listener, String name) {
		this.topic.send(listener.node(), about(RecordAction.SUBSCRIPTION_FOR_PATTERN_REMOVED, listener, name));
	}

	@Override
	public void answer(String owner, Candidate listener, String name, Answer answer) {
		int action = switch (answer) {
			case ACCEPT, PROVIDING -> RecordAction.LISTEN_ACCEPT;
			case REJECT -> RecordAction.LISTEN_REJECT;
			case UNAVAILABLE -> RecordAction.LISTEN_UNSUCCESSFUL;
		};
		this.topic.send(owner, encode(Message.builder(Topic.RECORD, action).name(listener.pattern())
			.subscription(name).correlationId(listener.id()).isAck(answer == Answer.PROVIDING)));
	}

	@Override
	public void sendState(String node) {
		this.registry.fromNodes(() -> {
			this.registry.elsewhere.sendState(node);
		});
	}

	@Override
	public void memberChanged(MemberEvent event) {
		String node = event.node();
		this.registry.fromNodes(() -> {
			if (event.isGone()) {
				this.others.remove(node);
				logger.debug("Forgetting the {} listeners and subscribers of gateway node {} ({})",
						this.registry.topic, node, event.kind());
				this.registry.elsewhere.nodeGone(node);
			}
			else {
				this.others.add(node);
				// Before the claims that ownersChanged sends it: a claim of a listener it does not know is refused.
				listeners(node, this.registry.patterns.all());
			}
			this.registry.elsewhere.ownersChanged();
		});
	}

	@Override
	protected void onMessage(String node, Message message) {
		ListenElsewhere elsewhere = this.registry.elsewhere;
		String connectionId = message.correlationId();
		String pattern = message.name();
		String name = message.subscription();
		if (!isComplete(message)) {
			logger.warn("Dropping {} from node {}: it lacks what its action needs", message, node);
			return;
		}
		switch (message.action()) {
			case RecordAction.LISTEN -> this.registry.fromNodes(() -> {
				if (STATE.equals(connectionId)) {
					elsewhere.listenersOf(node, message.names());
				}
				else {
					elsewhere.listened(node, connectionId, pattern);
				}
			});
			case RecordAction.UNLISTEN -> this.registry.fromNodes(() -> elsewhere.unlistened(node, connectionId,
					pattern));
			case RecordAction.SUBSCRIBE -> this.registry.fromNodes(() -> elsewhere.subscribedThere(node,
					message.names(), STATE.equals(connectionId)));
			case RecordAction.UNSUBSCRIBE -> this.registry.fromNodes(() -> elsewhere.unsubscribedThere(node,
					message.name()));
			case RecordAction.SUBSCRIPTION_HAS_PROVIDER, RecordAction.SUBSCRIPTION_HAS_NO_PROVIDER -> this.registry
				.fromNodes(() -> elsewhere.providerChanged(message.name(),
						message.action() == RecordAction.SUBSCRIPTION_HAS_PROVIDER));
			case RecordAction.SUBSCRIPTION_FOR_PATTERN_FOUND -> this.registry.fromNodes(() -> elsewhere.offered(node,
					connectionId, pattern, name));
			case RecordAction.SUBSCRIPTION_FOR_PATTERN_REMOVED -> this.registry.fromNodes(() -> elsewhere
				.removed(connectionId, pattern, name));
			case RecordAction.LISTEN_ACCEPT, RecordAction.LISTEN_REJECT, RecordAction.LISTEN_UNSUCCESSFUL -> {
				Answer answer = switch (message.action()) {
					case RecordAction.LISTEN_ACCEPT -> message.isAck() ? Answer.PROVIDING : Answer.ACCEPT;
					case RecordAction.LISTEN_REJECT -> Answer.REJECT;
					default -> Answer.UNAVAILABLE;
				};
				this.registry.fromNodes(() -> elsewhere.answeredThere(Candidate.remote(node, connectionId, pattern),
						name, answer));
			}
			default -> logger.debug("Ignoring {} from node {}", message, node);
		}
	}

	/** Whether a message has the fields its action needs, as {@link #onMessage} reads them. */
	private static boolean isComplete(Message message) {
		boolean listener = message.name() != null && message.correlationId() != null;
		return switch (message.action()) {
			case RecordAction.LISTEN -> STATE.equals(message.correlationId()) || listener;
			case RecordAction.UNLISTEN -> listener;
			case RecordAction.UNSUBSCRIBE, RecordAction.SUBSCRIPTION_HAS_PROVIDER,
					RecordAction.SUBSCRIPTION_HAS_NO_PROVIDER -> message.name() != null;
			case RecordAction.SUBSCRIPTION_FOR_PATTERN_FOUND, RecordAction.SUBSCRIPTION_FOR_PATTERN_REMOVED,
					RecordAction.LISTEN_ACCEPT, RecordAction.LISTEN_REJECT, RecordAction.LISTEN_UNSUCCESSFUL ->
				listener && message.subscription() != null;
			default -> true;
		};
	}

	private static byte[] about(int action, Candidate listener, String name) {
		return encode(Message.builder(Topic.RECORD, action).name(listener.pattern()).subscription(name)
			.correlationId(listener.id()));
	}

	private static byte[] encode(Message.Builder message) {
		return MessageCodec.encode(message.build());
	}

}
