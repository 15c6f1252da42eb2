package io.sluice.gateway.http;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.sluice.connector.VersionedRecord;
import io.sluice.gateway.event.EventHandler;
import io.sluice.gateway.history.HistoryException;
import io.sluice.gateway.history.HistoryPage;
import io.sluice.gateway.history.HistoryProcedure;
import io.sluice.gateway.history.HistoryQuery;
import io.sluice.gateway.permission.Payload;
import io.sluice.gateway.permission.PermissionAction;
import io.sluice.gateway.permission.Permissions;
import io.sluice.gateway.permission.RuleDecision;
import io.sluice.gateway.presence.PresenceHandler;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.RpcAction;
import io.sluice.gateway.rpc.RpcHandler;
import io.sluice.record.InvalidRecordDataException;
import io.sluice.record.InvalidVersionException;
import io.sluice.record.RecordNotFoundException;
import io.sluice.record.RecordService;
import io.sluice.record.VersionExistsException;

/**
 * What an HTTP caller may do, done the way a WebSocket client's messages do it, with the same effects and under the
 * same permission rules: an event reaches every subscriber on every node, a write is answered once durable and heard
 * by every subscriber, an RPC reaches a provider on any node. Each action is checked once against the rules (with
 * the protocol action a client would have sent, for a rule's {@code action}) and answers an {@link Outcome}; none
 * fails.
 */
public final class GatewayActions {

	private static final Mono<Outcome> DONE = Mono.just(new Outcome.Done(null));

	private final RecordService records;

	private final EventHandler events;

	private final RpcHandler rpc;

	private final PresenceHandler presence;

	/** The permission rules, or {@code null} when every caller may do anything. */
	private final Permissions permissions;

	/** The {@code sluice/history} RPC, or {@code null} when this gateway has none. */
	private final HistoryProcedure history;

	public GatewayActions(RecordService records, EventHandler events, RpcHandler rpc, PresenceHandler presence,
			Permissions permissions) {
		this(records, events, rpc, presence, permissions, null);
	}

	/** @param history the {@code sluice/history} RPC the server answers itself, or {@code null} for none */
	public GatewayActions(RecordService records, EventHandler events, RpcHandler rpc, PresenceHandler presence,
			Permissions permissions, HistoryProcedure history) {
		this.records = records;
		this.events = events;
		this.rpc = rpc;
		this.presence = presence;
		this.permissions = permissions;
		this.history = history;
	}

	/** Publishes an event: done once handed to the subscribers and the other nodes. */
	public Mono<Outcome> emit(Caller caller, String name, byte[] data) {
		return permitted(caller, PermissionAction.EVENT_PUBLISH, "EMIT", name, Payload.whole(data),
				() -> this.events.publish(name, data).then(DONE));
	}

	/** A record's current data: done with the {@link VersionedRecord}, or RECORD_NOT_FOUND. */
	public Mono<Outcome> read(Caller caller, String name) {
		return permitted(caller, PermissionAction.RECORD_READ, "READ", name, Payload.NONE,
				() -> Mono.defer(() -> this.records.read(name))
					.filter((record) -> !record.deleted())
					.<Outcome>map(Outcome.Done::new)
					.switchIfEmpty(Mono.fromSupplier(() -> notFound(name)))
					.onErrorResume((ex) -> Mono.just(loadError(name, ex))));
	}

	/** A record's version: done with a {@code Long}, or RECORD_NOT_FOUND. */
	public Mono<Outcome> head(Caller caller, String name) {
		return permitted(caller, PermissionAction.RECORD_READ, "HEAD", name, Payload.NONE,
				() -> Mono.defer(() -> this.records.head(name))
					.<Outcome>map(Outcome.Done::new)
					.switchIfEmpty(Mono.fromSupplier(() -> notFound(name)))
					.onErrorResume((ex) -> Mono.just(loadError(name, ex))));
	}

	/**
	 * Writes a record, creating it if need be, as a client's {@code setData} without a record object does (checked as
	 * {@code create} and {@code write}): the whole data, or the value at {@code path}.
	 * @param version the version the write makes, or {@code null} to write on top of whatever is there
	 * @param path where to set {@code data}, or {@code null} to replace the whole record
	 * @return done with the written {@link VersionedRecord} once durable
	 */
	public Mono<Outcome> write(Caller caller, String name, Long version, String path, byte[] data) {
		return write(caller, name, version, path, data, null);
	}

	/**
	 * {@link #write(Caller, String, Long, String, byte[])}, the record expiring {@code ttl} after this write
	 * ({@code null}: as the name's rule says, or never).
	 */
	public Mono<Outcome> write(Caller caller, String name, Long version, String path, byte[] data, Duration ttl) {
		Payload payload = (path == null) ? Payload.whole(data) : Payload.patch(path, data);
		long writeVersion = (version == null) ? RecordService.FORCE : version;
		return permitted(caller, PermissionAction.RECORD_CREATE, "CREATE", name, Payload.NONE,
				() -> permitted(caller, PermissionAction.RECORD_WRITE, (path == null) ? "UPDATE" : "PATCH", name, payload,
						() -> Mono.defer(() -> (path == null)
								? this.records.set(name, writeVersion, data, null, ttl)
								: this.records.patch(name, writeVersion, path, data, null, ttl))
							.<Outcome>map(Outcome.Done::new)
							.onErrorResume((ex) -> Mono.just(writeError(name, ex)))));
	}

	/** Deletes a record; one that does not exist is deleted already, as deepstream sees it. */
	public Mono<Outcome> delete(Caller caller, String name) {
		return permitted(caller, PermissionAction.RECORD_DELETE, "DELETE", name, Payload.NONE,
				() -> Mono.defer(() -> this.records.delete(name, null))
					.then(DONE)
					.onErrorResume(RecordNotFoundException.class, (ex) -> DONE)
					.onErrorResume((ex) -> Mono.just(writeError(name, ex))));
	}

	/**
	 * Makes an RPC: done with the provider's answer (JSON, or {@code null}), or why there is none. The server answers
	 * {@code sluice/history} itself, failing it with REQUEST_ERROR as a provider would.
	 */
	public Mono<Outcome> make(Caller caller, String name, byte[] data) {
		if (this.history != null && name.equals(HistoryProcedure.NAME)) {
			return permitted(caller, PermissionAction.RPC_REQUEST, "REQUEST", name, Payload.whole(data),
					() -> this.history.read(caller.subject(), data)
						.<Outcome>map((page) -> new Outcome.Done(page.toJson()))
						.onErrorResume((ex) -> Mono.just(new Outcome.Failed(Outcome.Kind.REQUEST_ERROR,
								String.valueOf(ex.getMessage())))));
		}
		return permitted(caller, PermissionAction.RPC_REQUEST, "REQUEST", name, Payload.whole(data),
				() -> this.rpc.call(caller.userId(), caller.clientData(), name, data).map(GatewayActions::answer));
	}

	/**
	 * Reads an event name's history, as the {@code sluice/history} RPC does: the caller needs the permission to
	 * subscribe to the name.
	 * @return the page; fails with a {@link HistoryException} saying why there is none
	 */
	public Mono<HistoryPage> history(Caller caller, HistoryQuery query) {
		if (this.history == null) {
			return Mono.error(new IllegalStateException("This gateway has no event history"));
		}
		return this.history.read(caller.subject(), query);
	}

	/**
	 * Who is online: done with the list of every user online (but the caller) when {@code users} is {@code null},
	 * else with a map of each user named to whether it is online. Checked against {@code allow} for each user named,
	 * as a client's query is; the denied ones fail the whole query.
	 */
	public Mono<Outcome> presence(Caller caller, List<String> users) {
		if (users == null) {
			return permitted(caller, PermissionAction.PRESENCE_ALLOW, "QUERY_ALL", "", Payload.NONE,
					() -> Mono.fromSupplier(() -> {
						List<String> online = this.presence.onlineUsers();
						online.remove(caller.userId());
						return new Outcome.Done(online);
					}));
		}
		return Flux.fromIterable(users)
			.concatMap((user) -> decide(caller, PermissionAction.PRESENCE_ALLOW, "QUERY", user, Payload.NONE))
			.filter((outcome) -> outcome instanceof Outcome.Failed)
			.next()
			.switchIfEmpty(Mono.fromSupplier(() -> {
				Map<String, Boolean> online = new LinkedHashMap<>();
				for (String user : users) {
					online.put(user, this.presence.isOnline(user));
				}
				return new Outcome.Done(online);
			}));
	}

	/** The action, if the rules allow it. */
	private Mono<Outcome> permitted(Caller caller, PermissionAction action, String messageAction, String name,
			Payload payload, java.util.function.Supplier<Mono<Outcome>> act) {
		if (this.permissions == null) {
			return act.get();
		}
		return decide(caller, action, messageAction, name, payload)
			.flatMap((outcome) -> (outcome instanceof Outcome.Failed) ? Mono.just(outcome) : act.get());
	}

	/** Done when the rules allow the action, else why not. */
	private Mono<Outcome> decide(Caller caller, PermissionAction action, String messageAction, String name,
			Payload payload) {
		if (this.permissions == null) {
			return DONE;
		}
		return this.permissions.check(caller.subject(), action, messageAction, name, payload)
			.map((decision) -> refusal(decision, action, name));
	}

	private static Outcome refusal(RuleDecision decision, PermissionAction action, String name) {
		if (decision.allowed()) {
			return new Outcome.Done(null);
		}
		if (decision.failed()) {
			return new Outcome.Failed(Outcome.Kind.MESSAGE_PERMISSION_ERROR,
					"The permission rule for " + action + " on '" + name + "' failed: " + decision.error());
		}
		return new Outcome.Failed(Outcome.Kind.MESSAGE_DENIED,
				"Message denied. Action '" + action.ruleType() + "' is not permitted on '" + name + "'");
	}

	private static Outcome answer(Message answer) {
		return switch (answer.action()) {
			case RpcAction.RESPONSE -> new Outcome.Done(answer.data());
			case RpcAction.NO_RPC_PROVIDER -> new Outcome.Failed(Outcome.Kind.NO_RPC_PROVIDER,
					"No provider for RPC '" + answer.name() + "'");
			case RpcAction.ACCEPT_TIMEOUT -> new Outcome.Failed(Outcome.Kind.ACCEPT_TIMEOUT,
					"No provider accepted RPC '" + answer.name() + "' in time");
			case RpcAction.RESPONSE_TIMEOUT -> new Outcome.Failed(Outcome.Kind.RESPONSE_TIMEOUT,
					"The provider of RPC '" + answer.name() + "' did not answer in time");
			case RpcAction.REQUEST_ERROR -> new Outcome.Failed(Outcome.Kind.REQUEST_ERROR,
					(answer.data() != null) ? answer.dataText() : "The provider failed the call");
			default -> new Outcome.Failed(Outcome.Kind.INVALID_MESSAGE_DATA,
					(answer.data() != null) ? answer.dataText() : "The call was refused");
		};
	}

	private static Outcome notFound(String name) {
		return new Outcome.Failed(Outcome.Kind.RECORD_NOT_FOUND, "Record '" + name + "' does not exist");
	}

	private static Outcome loadError(String name, Throwable ex) {
		return new Outcome.Failed(Outcome.Kind.RECORD_LOAD_ERROR,
				"Record '" + name + "' could not be read: " + ex.getMessage());
	}

	private static Outcome writeError(String name, Throwable ex) {
		if (ex instanceof VersionExistsException exists) {
			return new Outcome.Failed(Outcome.Kind.VERSION_EXISTS, ex.getMessage(), exists.current());
		}
		if (ex instanceof InvalidVersionException) {
			return new Outcome.Failed(Outcome.Kind.INVALID_VERSION, ex.getMessage());
		}
		if (ex instanceof InvalidRecordDataException || ex instanceof IllegalArgumentException) {
			return new Outcome.Failed(Outcome.Kind.INVALID_MESSAGE_DATA, ex.getMessage());
		}
		return new Outcome.Failed(Outcome.Kind.RECORD_UPDATE_ERROR,
				"Record '" + name + "' could not be written: " + ex.getMessage());
	}

}
