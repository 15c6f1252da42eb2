package io.sluice.gateway.session;

import io.sluice.gateway.metrics.GatewayCounters;
import io.sluice.gateway.metrics.GatewayCounters.Limit;
import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.JsonDepth;
import io.sluice.gateway.protocol.JsonText;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.Names;
import io.sluice.gateway.protocol.PresenceAction;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.RpcAction;
import io.sluice.gateway.protocol.Topic;

/**
 * What every message of an authenticated connection must satisfy before a topic handler sees it, checked in this one
 * place: valid names, data that does not nest too deeply, and no more subscriptions than a connection may hold. A
 * message that fails is answered with an error naming the problem; the connection stays open.
 */
final class MessageChecks {

	private static final boolean[][] SUBSCRIBES = subscribes();

	private final int maxNameLength;

	private final int maxJsonDepth;

	private final int maxSubscriptions;

	MessageChecks(GatewayProperties properties) {
		this.maxNameLength = properties.maxNameLength();
		this.maxJsonDepth = properties.maxJsonDepth();
		this.maxSubscriptions = properties.maxSubscriptions();
	}

	/** The error to answer {@code message} with, or {@code null} if it may go to its handler. */
	Message refusal(Connection connection, Message message) {
		String problem = Names.problem(message, this.maxNameLength);
		if (problem == null) {
			problem = Names.problem(message.subscription(), this.maxNameLength);
		}
		if (problem != null) {
			GatewayCounters.refused(Limit.NAME);
			return error(message, invalidData(message.topic()), problem);
		}
		if (message.data() != null && JsonDepth.exceeds(message.data(), this.maxJsonDepth)) {
			GatewayCounters.refused(Limit.JSON_DEPTH);
			return error(message, invalidData(message.topic()),
					"Data nests deeper than " + this.maxJsonDepth + " levels");
		}
		if (isSubscribe(message)) {
			int adding = Math.max(1, message.names().size());
			if (connection.subscriptionCount() + adding > this.maxSubscriptions) {
				GatewayCounters.refused(Limit.SUBSCRIPTIONS);
				return error(message, 1, "Too many subscriptions: a connection may hold " + this.maxSubscriptions);
			}
		}
		return null;
	}

	private static boolean isSubscribe(Message message) {
		int topic = message.topic();
		int action = message.action();
		return topic >= 0 && topic < SUBSCRIBES.length && action >= 0 && action < SUBSCRIBES[topic].length
				&& SUBSCRIBES[topic][action];
	}

	/** Which actions of each topic add subscriptions (named {@code SUBSCRIBE...}), looked up once, not per message. */
	private static boolean[][] subscribes() {
		boolean[][] table = new boolean[Topic.STATE_REGISTRY + 1][256];
		for (int topic = 0; topic < table.length; topic++) {
			for (int action = 0; action < table[topic].length; action++) {
				String name = Topic.actionName(topic, action);
				table[topic][action] = name != null && name.startsWith("SUBSCRIBE");
			}
		}
		return table;
	}

	/** The topic's action for a message whose content is wrong, or its generic {@code ERROR}. */
	private static int invalidData(int topic) {
		switch (topic) {
			case Topic.RECORD:
				return RecordAction.INVALID_MESSAGE_DATA;
			case Topic.EVENT:
				return EventAction.INVALID_MESSAGE_DATA;
			case Topic.RPC:
				return RpcAction.INVALID_MESSAGE_DATA;
			case Topic.PRESENCE:
				return PresenceAction.INVALID_PRESENCE_USERS;
			default:
				return 1;
		}
	}

	private static Message error(Message message, int action, String problem) {
		return Message.builder(message.topic(), action)
			.originalAction(message.action())
			// A name that is the problem is not echoed: it may be long, or hold characters that do harm downstream.
			.name((Names.problem(message.name(), Integer.MAX_VALUE) == null && message.name() != null
					&& message.name().length() <= 1024) ? message.name() : null)
			.correlationId(message.correlationId())
			.isError(true)
			.data(JsonText.quote(problem))
			.build();
	}

}
