package io.sluice.gateway.presence;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Mono;

import io.sluice.gateway.cluster.ClusterMembership;
import io.sluice.gateway.protocol.JsonText;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.PresenceAction;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.pubsub.Subscriptions;
import io.sluice.gateway.session.Connection;
import io.sluice.gateway.session.TopicHandler;

/**
 * The PRESENCE topic: who is logged in, by user id. A user is online from the moment one of their connections
 * authenticates until the last one closes, on any node. Subscribers to everyone get {@code PRESENCE_JOIN_ALL} and
 * {@code PRESENCE_LEAVE_ALL}, subscribers to one user {@code PRESENCE_JOIN} and {@code PRESENCE_LEAVE}; queries
 * answer from the same state, leaving the asker out of {@code QUERY_ALL} as deepstream does.
 */
public final class PresenceHandler implements TopicHandler {

	private final OnlineUsers online = new OnlineUsers();

	/** Guards {@link #online} together with the notifications a change sends, so they go out in order. */
	private final Object lock = new Object();

	private final ConcurrentHashMap<Connection, String> users = new ConcurrentHashMap<>();

	private final Subscriptions perUser = new Subscriptions();

	private final Set<Connection> everyone = ConcurrentHashMap.newKeySet();

	private final PresenceNodes nodes;

	private final PresenceRelay relay;

	/** A handler that shares its users with the other gateway nodes that {@code membership} knows. */
	public PresenceHandler(ClusterMembership membership) {
		this(new PresenceRelay(membership));
	}

	PresenceHandler(PresenceNodes nodes) {
		this.nodes = nodes;
		this.relay = (nodes instanceof PresenceRelay relay) ? relay : null;
		if (this.relay != null) {
			this.relay.attach(this);
		}
	}

	/** What connects this handler to the other nodes; it must be started for them to be reached. */
	public PresenceRelay relay() {
		return this.relay;
	}

	@Override
	public int topic() {
		return Topic.PRESENCE;
	}

	@Override
	public void onAuthenticated(Connection connection) {
		if (connection.userId() != null) {
			login(connection, connection.userId());
		}
	}

	@Override
	public void onClose(Connection connection) {
		this.everyone.remove(connection);
		this.perUser.removeAll(connection);
		String user = this.users.remove(connection);
		if (user == null) {
			return;
		}
		synchronized (this.lock) {
			if (this.online.removeLocal(user)) {
				this.nodes.left(user);
				if (!this.online.isOnline(user)) {
					notifyLeft(user);
				}
			}
		}
	}

	@Override
	public Mono<Void> handle(Connection connection, Message message) {
		switch (message.action()) {
			case PresenceAction.SUBSCRIBE_ALL -> {
				if (!this.everyone.add(connection)) {
					connection.send(Message.builder(Topic.PRESENCE, PresenceAction.MULTIPLE_SUBSCRIPTIONS)
						.originalAction(message.action()).build());
				}
				connection.send(Message.builder(Topic.PRESENCE, message.action()).isAck(true).build());
			}
			case PresenceAction.UNSUBSCRIBE_ALL -> {
				if (!this.everyone.remove(connection)) {
					connection.send(Message.builder(Topic.PRESENCE, PresenceAction.NOT_SUBSCRIBED)
						.originalAction(message.action()).build());
				}
				connection.send(Message.builder(Topic.PRESENCE, message.action()).isAck(true).build());
			}
			case PresenceAction.SUBSCRIBE -> subscribe(connection, message);
			case PresenceAction.UNSUBSCRIBE -> unsubscribe(connection, message);
			case PresenceAction.QUERY_ALL -> queryAll(connection);
			case PresenceAction.QUERY -> query(connection, message);
			default -> connection.send(Message.builder(Topic.PRESENCE, PresenceAction.ERROR)
				.originalAction(message.action()).correlationId(message.correlationId()).isError(true)
				.data(JsonText.quote("Presence action " + Topic.actionName(Topic.PRESENCE, message.action())
						+ " is not supported by this server"))
				.build());
		}
		return Mono.empty();
	}

	/** Counts a connection of {@code user} here; the user comes online if they were nowhere before. */
	void login(Connection connection, String user) {
		if (this.users.putIfAbsent(connection, user) != null) {
			return;
		}
		synchronized (this.lock) {
			boolean wasOnline = this.online.isOnline(user);
			if (this.online.addLocal(user)) {
				this.nodes.joined(user);
				if (!wasOnline) {
					notifyJoined(user);
				}
			}
		}
		if (!connection.isOpen()) {
			// It closed while logging in, perhaps before onClose could find it: count it out again.
			onClose(connection);
		}
	}

	/** Another node's full list of its users, or an empty one for a node that left. */
	void nodeState(String node, Set<String> nodeUsers) {
		synchronized (this.lock) {
			OnlineUsers.Diff diff = this.online.replaceNode(node, nodeUsers);
			diff.joined().forEach(this::notifyJoined);
			diff.left().forEach(this::notifyLeft);
		}
	}

	void nodeJoined(String node, String user) {
		synchronized (this.lock) {
			if (this.online.addRemote(node, user)) {
				notifyJoined(user);
			}
		}
	}

	void nodeLeft(String node, String user) {
		synchronized (this.lock) {
			if (this.online.removeRemote(node, user)) {
				notifyLeft(user);
			}
		}
	}

	/** Every user online on any node, for a caller that is not a connection (the HTTP API). */
	public List<String> onlineUsers() {
		synchronized (this.lock) {
			return new ArrayList<>(this.online.all());
		}
	}

	/** Whether a user is online on any node. */
	public boolean isOnline(String user) {
		synchronized (this.lock) {
			return this.online.isOnline(user);
		}
	}

	/** This node's users, as announced to the others. */
	Set<String> usersHere() {
		synchronized (this.lock) {
			return this.online.here();
		}
	}

	private void subscribe(Connection connection, Message message) {
		for (String user : message.names()) {
			if (!this.perUser.subscribe(user, connection)) {
				connection.send(Message.builder(Topic.PRESENCE, PresenceAction.MULTIPLE_SUBSCRIPTIONS).name(user)
					.originalAction(message.action()).build());
			}
		}
		connection.send(ack(message));
	}

	private void unsubscribe(Connection connection, Message message) {
		for (String user : message.names()) {
			if (!this.perUser.unsubscribe(user, connection)) {
				connection.send(Message.builder(Topic.PRESENCE, PresenceAction.NOT_SUBSCRIBED).name(user)
					.originalAction(message.action()).build());
			}
		}
		connection.send(ack(message));
	}

	private void queryAll(Connection connection) {
		String asker = this.users.get(connection);
		List<String> names;
		synchronized (this.lock) {
			names = new ArrayList<>(this.online.all());
		}
		names.remove(asker);
		connection.send(Message.builder(Topic.PRESENCE, PresenceAction.QUERY_ALL_RESPONSE).names(names).build());
	}

	private void query(Connection connection, Message message) {
		StringBuilder result = new StringBuilder("{");
		synchronized (this.lock) {
			for (String user : message.names()) {
				if (result.length() > 1) {
					result.append(',');
				}
				result.append(new String(JsonText.quote(user), StandardCharsets.UTF_8)).append(':')
					.append(this.online.isOnline(user));
			}
		}
		connection.send(Message.builder(Topic.PRESENCE, PresenceAction.QUERY_RESPONSE)
			.correlationId(message.correlationId()).data(result.append('}').toString()).build());
	}

	private void notifyJoined(String user) {
		notify(user, PresenceAction.PRESENCE_JOIN_ALL, PresenceAction.PRESENCE_JOIN);
	}

	private void notifyLeft(String user) {
		notify(user, PresenceAction.PRESENCE_LEAVE_ALL, PresenceAction.PRESENCE_LEAVE);
	}

	private void notify(String user, int allAction, int userAction) {
		if (!this.everyone.isEmpty()) {
			byte[] frame = MessageCodec.encode(Message.builder(Topic.PRESENCE, allAction).name(user).build());
			for (Connection connection : this.everyone) {
				connection.send(frame);
			}
		}
		if (!this.perUser.subscribers(user).isEmpty()) {
			this.perUser.send(user,
					MessageCodec.encode(Message.builder(Topic.PRESENCE, userAction).name(user).build()), null);
		}
	}

	private static Message ack(Message request) {
		return Message.builder(Topic.PRESENCE, request.action()).correlationId(request.correlationId()).isAck(true)
			.build();
	}

}
