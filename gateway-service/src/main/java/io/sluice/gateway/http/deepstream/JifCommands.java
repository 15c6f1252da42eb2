package io.sluice.gateway.http.deepstream;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.sluice.connector.VersionedRecord;
import io.sluice.gateway.http.Caller;
import io.sluice.gateway.http.GatewayActions;
import io.sluice.gateway.http.Outcome;
import io.sluice.gateway.protocol.PresenceAction;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.RpcAction;
import io.sluice.gateway.protocol.Topic;
import io.sluice.record.RecordService;

/**
 * Does what one JIF command asks, through the same actions a WebSocket client's messages take, and answers its
 * result as deepstream's endpoint words it ({@link JifResults}).
 */
final class JifCommands {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final GatewayActions actions;

	private final RecordService records;

	JifCommands(GatewayActions actions, RecordService records) {
		this.actions = actions;
		this.records = records;
	}

	/** The command's result; never fails. */
	Mono<ObjectNode> run(Caller caller, JifCommand command) {
		if (command instanceof JifCommand.Emit emit) {
			return this.actions.emit(caller, emit.name(), bytes(emit.data()))
				.map((outcome) -> (outcome instanceof Outcome.Done) ? JifResults.success() : JifResults.emitDenied());
		}
		if (command instanceof JifCommand.Read read) {
			return this.actions.read(caller, read.name())
				.map((outcome) -> (outcome instanceof Outcome.Done done) ? JifResults.record((VersionedRecord) done.value())
						: failure(Topic.RECORD, RecordAction.READ, read.name(), (Outcome.Failed) outcome));
		}
		if (command instanceof JifCommand.Head head) {
			return this.actions.head(caller, head.name()).map((outcome) -> head(head, outcome));
		}
		if (command instanceof JifCommand.Write write) {
			return write(caller, write);
		}
		if (command instanceof JifCommand.Delete delete) {
			return this.actions.delete(caller, delete.name())
				.map((outcome) -> (outcome instanceof Outcome.Failed failed)
						? failure(Topic.RECORD, RecordAction.DELETE, delete.name(), failed) : JifResults.success());
		}
		if (command instanceof JifCommand.Make make) {
			return this.actions.make(caller, make.name(), bytes(make.data()))
				.map((outcome) -> (outcome instanceof Outcome.Done done) ? JifResults.answer((byte[]) done.value())
						: failure(Topic.RPC, RpcAction.REQUEST, make.name(), (Outcome.Failed) outcome));
		}
		if (command instanceof JifCommand.Presence presence) {
			int action = (presence.names() != null) ? PresenceAction.QUERY : PresenceAction.QUERY_ALL;
			return this.actions.presence(caller, presence.names())
				.map((outcome) -> (outcome instanceof Outcome.Done done) ? JifResults.users(done.value())
						: failure(Topic.PRESENCE, action, null, (Outcome.Failed) outcome));
		}
		// a notify refreshes the subscribers of this node, which only a WebSocket connection's handler reaches
		return Mono.just(JifResults.notifyUnsupported());
	}

	/** deepstream answers the head of a record that does not exist with version -1, as a success. */
	private static ObjectNode head(JifCommand.Head head, Outcome outcome) {
		if (outcome instanceof Outcome.Done done) {
			return JifResults.version((Long) done.value());
		}
		Outcome.Failed failed = (Outcome.Failed) outcome;
		if (failed.kind() == Outcome.Kind.RECORD_NOT_FOUND) {
			return JifResults.version(-1);
		}
		return failure(Topic.RECORD, RecordAction.HEAD, head.name(), failed);
	}

	private Mono<ObjectNode> write(Caller caller, JifCommand.Write write) {
		int action = (write.path() != null) ? RecordAction.CREATEANDPATCH : RecordAction.CREATEANDUPDATE;
		return this.actions.write(caller, write.name(), write.version(), write.path(), bytes(write.data()), write.ttl())
			.flatMap((outcome) -> {
				if (outcome instanceof Outcome.Done) {
					return Mono.just(JifResults.success());
				}
				Outcome.Failed failed = (Outcome.Failed) outcome;
				if (failed.kind() != Outcome.Kind.INVALID_VERSION) {
					return Mono.just(failure(Topic.RECORD, action, write.name(), failed));
				}
				// deepstream tells the current version (0 for a record that does not exist)
				return Mono.defer(() -> this.records.head(write.name()))
					.defaultIfEmpty(0L)
					.onErrorReturn(0L)
					.map((current) -> JifResults.failure(Topic.RECORD, action, write.name(), failed, current,
							write.data()));
			});
	}

	private static ObjectNode failure(int topic, int action, String name, Outcome.Failed failed) {
		return JifResults.failure(topic, action, name, failed, 0, null);
	}

	private static byte[] bytes(JsonNode data) {
		return (data != null) ? JSON.writeValueAsBytes(data) : null;
	}

}
