package io.sluice.gateway.history;

import reactor.core.publisher.Mono;

import io.sluice.gateway.permission.Payload;
import io.sluice.gateway.permission.PermissionAction;
import io.sluice.gateway.permission.Permissions;
import io.sluice.gateway.permission.RuleDecision;
import io.sluice.gateway.rpc.BuiltInProcedure;
import io.sluice.gateway.session.Connection;

/**
 * The {@value #NAME} RPC, which the server answers itself, so that an unmodified deepstream client reads history with
 * {@code client.rpc.make('sluice/history', { name, last: 10 }, callback)}. Reading a name's history takes the
 * permission to subscribe to it: whoever could have heard the events may hear them again.
 */
public final class HistoryProcedure implements BuiltInProcedure {

	/** The RPC's name. */
	public static final String NAME = "sluice/history";

	private final EventHistory history;

	/** The permission rules, or {@code null} when every client may do anything. */
	private final Permissions permissions;

	public HistoryProcedure(EventHistory history, Permissions permissions) {
		this.history = history;
		this.permissions = permissions;
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Mono<byte[]> call(Connection requestor, byte[] data) {
		return Mono.fromSupplier(() -> HistoryQuery.fromJson(data))
			.flatMap((query) -> read(query, (this.permissions != null) ? this.permissions.check(requestor,
					PermissionAction.EVENT_SUBSCRIBE, "SUBSCRIBE", query.name(), Payload.NONE) : null))
			.map(HistoryPage::toJson);
	}

	/** Reads for a caller that is not a connection (the HTTP API), under the same rule. */
	public Mono<HistoryPage> read(Permissions.Subject subject, HistoryQuery query) {
		return Mono.defer(() -> read(query, (this.permissions != null) ? this.permissions.check(subject,
				PermissionAction.EVENT_SUBSCRIBE, "SUBSCRIBE", query.name(), Payload.NONE) : null));
	}

	/** {@link #read} of the query in an RPC's data. */
	public Mono<HistoryPage> read(Permissions.Subject subject, byte[] data) {
		return Mono.fromSupplier(() -> HistoryQuery.fromJson(data)).flatMap((query) -> read(subject, query));
	}

	private Mono<HistoryPage> read(HistoryQuery query, Mono<RuleDecision> decision) {
		if (decision == null) {
			return this.history.read(query);
		}
		return decision.flatMap((decided) -> {
			if (decided.allowed()) {
				return this.history.read(query);
			}
			if (decided.failed()) {
				return Mono.error(new HistoryException(HistoryException.Kind.PERMISSION_ERROR, "The permission rule "
						+ "for subscribe on '" + query.name() + "' failed: " + decided.error()));
			}
			return Mono.error(new HistoryException(HistoryException.Kind.DENIED, "Reading the history of '"
					+ query.name() + "' needs the permission to subscribe to it, which is denied"));
		});
	}

}
