package io.sluice.gateway.permission;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.sluice.gateway.metrics.GatewayCounters;
import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.PresenceAction;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.RpcAction;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.session.Connection;
import io.sluice.gateway.session.MessageGate;

/**
 * Checks each message against the permission rules before its handler sees it, as deepstream's message processor
 * does: one rule per action, once per message (a publish is checked once, not for each subscriber), each name of a
 * message that names several checked on its own. What is denied is answered with the topic's {@code MESSAGE_DENIED}
 * (or {@code MESSAGE_PERMISSION_ERROR} when the rule failed) for that action and name, and is not done: nothing is
 * written, published, called or subscribed to; the names that are allowed are handled.
 *
 * <p>Which rule guards which message follows deepstream: record {@code READ} and {@code HEAD} are {@code read};
 * {@code UPDATE} and {@code PATCH} {@code write}; {@code CREATEANDUPDATE} and {@code CREATEANDPATCH} need
 * {@code create} and then {@code write}; {@code DELETE}, {@code NOTIFY} and {@code LISTEN} their own rule; opening a
 * record ({@code SUBSCRIBECREATEANDREAD}) needs {@code create} when it does not exist and {@code read}, which the
 * record handler checks once it knows which. Events: {@code EMIT} is {@code publish}, {@code SUBSCRIBE} and
 * {@code LISTEN} their own; RPC: {@code PROVIDE} and {@code REQUEST}; presence: subscribing and querying is
 * {@code allow}. Beyond deepstream, a record {@code ERASE} is a {@code write}, and every other way to subscribe to a
 * record or read its version ({@code SUBSCRIBE}, {@code SUBSCRIBEANDREAD}, {@code SUBSCRIBEANDHEAD},
 * {@code HEAD_BULK}) is a {@code read}, so that no action goes around a rule. Ending things (unsubscribing,
 * unproviding, answering an RPC or a listen) needs no rule.
 *
 * <p>A rule's {@code action} is the protocol action the client sent, but for the checks that stand for part of a
 * compound one, which see what deepstream shows them: {@code CREATE} and then {@code UPDATE} or {@code PATCH} for a
 * create-and-update or create-and-patch, {@code CREATE} and then {@code READ} for opening a record.
 */
public final class PermissionGate implements MessageGate {

	private final Permissions permissions;

	public PermissionGate(Permissions permissions) {
		this.permissions = permissions;
	}

	@Override
	public Mono<Message> admit(Connection connection, Message message) {
		return switch (message.topic()) {
			case Topic.RECORD -> record(connection, message);
			case Topic.EVENT -> switch (message.action()) {
				case EventAction.EMIT -> one(connection, message, PermissionAction.EVENT_PUBLISH,
						Payload.whole(message.data()));
				case EventAction.SUBSCRIBE -> each(connection, message, PermissionAction.EVENT_SUBSCRIBE);
				case EventAction.LISTEN -> one(connection, message, PermissionAction.EVENT_LISTEN, Payload.NONE);
				default -> Mono.just(message);
			};
			case Topic.RPC -> switch (message.action()) {
				case RpcAction.PROVIDE -> each(connection, message, PermissionAction.RPC_PROVIDE);
				case RpcAction.REQUEST -> one(connection, message, PermissionAction.RPC_REQUEST,
						Payload.whole(message.data()));
				default -> Mono.just(message);
			};
			case Topic.PRESENCE -> switch (message.action()) {
				case PresenceAction.SUBSCRIBE, PresenceAction.QUERY ->
					each(connection, message, PermissionAction.PRESENCE_ALLOW);
				case PresenceAction.SUBSCRIBE_ALL, PresenceAction.QUERY_ALL ->
					// deepstream checks these against the name of no user, which only "*" matches
					decide(connection, message, PermissionAction.PRESENCE_ALLOW, "", Payload.NONE, message);
				default -> Mono.just(message);
			};
			default -> Mono.just(message);
		};
	}

	private Mono<Message> record(Connection connection, Message message) {
		return switch (message.action()) {
			case RecordAction.READ, RecordAction.HEAD -> one(connection, message, PermissionAction.RECORD_READ,
					Payload.NONE);
			case RecordAction.SUBSCRIBE, RecordAction.SUBSCRIBEANDREAD, RecordAction.SUBSCRIBEANDHEAD,
					RecordAction.HEAD_BULK -> each(connection, message, PermissionAction.RECORD_READ);
			case RecordAction.UPDATE -> one(connection, message, PermissionAction.RECORD_WRITE,
					Payload.whole(message.data()));
			case RecordAction.PATCH -> one(connection, message, PermissionAction.RECORD_WRITE,
					Payload.patch(message.path(), message.data()));
			case RecordAction.ERASE -> one(connection, message, PermissionAction.RECORD_WRITE,
					Payload.erase(message.path()));
			case RecordAction.CREATEANDUPDATE -> createThenWrite(connection, message, Payload.whole(message.data()));
			case RecordAction.CREATEANDPATCH -> createThenWrite(connection, message,
					Payload.patch(message.path(), message.data()));
			case RecordAction.DELETE -> one(connection, message, PermissionAction.RECORD_DELETE, Payload.NONE);
			case RecordAction.NOTIFY -> each(connection, message, PermissionAction.RECORD_NOTIFY);
			case RecordAction.LISTEN -> one(connection, message, PermissionAction.RECORD_LISTEN, Payload.NONE);
			default -> Mono.just(message);
		};
	}

	private Mono<Message> createThenWrite(Connection connection, Message message, Payload payload) {
		if (isBlank(message.name()) || (payload.changesRecord() && isBlank(message.path()))) {
			return Mono.just(message);
		}
		// As deepstream, each check shows the rule the action it stands for: CREATE, then UPDATE or PATCH.
		Mono<Message> created = decide(connection, message, PermissionAction.RECORD_CREATE, "CREATE", message.name(),
				Payload.NONE, message);
		String write = payload.changesRecord() ? "PATCH" : "UPDATE";
		return then(created, (allowed) -> decide(connection, message, PermissionAction.RECORD_WRITE, write,
				message.name(), payload, message));
	}

	/** A message about one name: the handler answers a message without one. */
	private Mono<Message> one(Connection connection, Message message, PermissionAction action, Payload payload) {
		if (isBlank(message.name()) || (payload.changesRecord() && isBlank(message.path()))) {
			return Mono.just(message);
		}
		return decide(connection, message, action, message.name(), payload, message);
	}

	/** A message about several names (or one): each is checked, and the message goes on with those allowed. */
	private Mono<Message> each(Connection connection, Message message, PermissionAction action) {
		List<String> names = message.names();
		if (names.isEmpty()) {
			return one(connection, message, action, Payload.NONE);
		}
		if (names.size() == 1) {
			return decide(connection, message, action, names.get(0), Payload.NONE, message);
		}
		List<String> allowed = new ArrayList<>(names.size());
		for (String name : names) {
			Mono<RuleDecision> decision = this.permissions.check(connection, action, actionName(message), name,
					Payload.NONE);
			RuleDecision decided = now(decision);
			if (decided == null) {
				return eachLater(connection, message, action);
			}
			if (decided.allowed()) {
				allowed.add(name);
			}
			else {
				refuse(connection, message, name, decided);
			}
		}
		return withNames(message, allowed);
	}

	private Mono<Message> eachLater(Connection connection, Message message, PermissionAction action) {
		return Flux.fromIterable(message.names())
			.concatMap((name) -> this.permissions.check(connection, action, actionName(message), name, Payload.NONE)
				.mapNotNull((decision) -> {
					if (decision.allowed()) {
						return name;
					}
					refuse(connection, message, name, decision);
					return null;
				}))
			.collectList()
			.flatMap((allowed) -> withNames(message, allowed));
	}

	private static Mono<Message> withNames(Message message, List<String> allowed) {
		if (allowed.isEmpty()) {
			return Mono.empty();
		}
		if (allowed.size() == message.names().size()) {
			return Mono.just(message);
		}
		return Mono.just(message.toBuilder().names(List.copyOf(allowed)).build());
	}

	/** {@code toHandle} if the action on the name is allowed; else the client is told and nothing is handled. */
	private Mono<Message> decide(Connection connection, Message message, PermissionAction action, String name,
			Payload payload, Message toHandle) {
		return decide(connection, message, action, actionName(message), name, payload, toHandle);
	}

	/** @param ruleAction what the rule sees as {@code action} */
	private Mono<Message> decide(Connection connection, Message message, PermissionAction action, String ruleAction,
			String name, Payload payload, Message toHandle) {
		Mono<RuleDecision> decision = this.permissions.check(connection, action, ruleAction, name, payload);
		RuleDecision decided = now(decision);
		if (decided != null) {
			return answer(connection, message, name, decided, toHandle);
		}
		return decision.flatMap((later) -> answer(connection, message, name, later, toHandle));
	}

	private Mono<Message> answer(Connection connection, Message message, String name, RuleDecision decision,
			Message toHandle) {
		if (decision.allowed()) {
			return Mono.just(toHandle);
		}
		refuse(connection, message, name, decision);
		return Mono.empty();
	}

	private static Mono<Message> then(Mono<Message> first, java.util.function.Function<Message, Mono<Message>> next) {
		if (first instanceof Callable<?>) {
			Message allowed = (Message) now(first);
			return (allowed != null) ? next.apply(allowed) : Mono.empty();
		}
		return first.flatMap(next);
	}

	/** Tells the client its action on {@code name} was denied, or that the rule failed. */
	public static void refuse(Connection connection, Message message, String name, RuleDecision decision) {
		GatewayCounters.permissionDenied(message.topic());
		int action = decision.failed() ? permissionError(message.topic()) : denied(message.topic());
		Message.Builder refusal = Message.builder(message.topic(), action).originalAction(message.action())
			.name(name.isEmpty() ? null : name).correlationId(message.correlationId()).isError(true);
		if (message.topic() == Topic.RECORD && message.isWriteAck()) {
			refusal.isWriteAck(true);
		}
		connection.send(refusal.build());
	}

	private static int denied(int topic) {
		return switch (topic) {
			case Topic.RECORD -> RecordAction.MESSAGE_DENIED;
			case Topic.EVENT -> EventAction.MESSAGE_DENIED;
			case Topic.RPC -> RpcAction.MESSAGE_DENIED;
			case Topic.PRESENCE -> PresenceAction.MESSAGE_DENIED;
			default -> throw new IllegalArgumentException("No permissions on topic " + Topic.name(topic));
		};
	}

	private static int permissionError(int topic) {
		return switch (topic) {
			case Topic.RECORD -> RecordAction.MESSAGE_PERMISSION_ERROR;
			case Topic.EVENT -> EventAction.MESSAGE_PERMISSION_ERROR;
			case Topic.RPC -> RpcAction.MESSAGE_PERMISSION_ERROR;
			case Topic.PRESENCE -> PresenceAction.MESSAGE_PERMISSION_ERROR;
			default -> throw new IllegalArgumentException("No permissions on topic " + Topic.name(topic));
		};
	}

	/** The value of a Mono that already has it ({@code Mono.just}, {@code Mono.empty()}), else {@code null}. */
	@SuppressWarnings("unchecked")
	static <T> T now(Mono<T> mono) {
		if (mono instanceof Callable<?> callable) {
			try {
				return (T) callable.call();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}
		return null;
	}

	private static String actionName(Message message) {
		return Topic.actionName(message.topic(), message.action());
	}

	private static boolean isBlank(String text) {
		return text == null || text.isEmpty();
	}

}
