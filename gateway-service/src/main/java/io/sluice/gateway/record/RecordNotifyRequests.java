package io.sluice.gateway.record;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.sluice.gateway.protocol.JsonText;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.session.Connection;
import io.sluice.record.RecordService;

/**
 * NOTIFY: a client says that records changed in storage behind the server's back ({@code record.notify(names)}).
 * As deepstream does, each named record is read again from the store, its cached copy replaced, and its current
 * version sent to all its subscribers, the notifier included, on every node: the record service announces it in its
 * change feed ({@link RecordService#reload}), which every gateway's {@link RecordNotifier} hears; a deleted one is
 * announced as deleted. Every name is reloaded, not only those subscribed to here, since another node may have
 * subscribers. The notifier is acknowledged once every name was handled, or told RECORD_NOTIFY_ERROR if one could
 * not be read.
 *
 * <p>A record the store does not hold is left alone: "create" does not write there, so subscribers may hold such a
 * record at version 0, and telling them it was deleted would be wrong.
 */
final class RecordNotifyRequests {

	private static final Logger logger = LoggerFactory.getLogger(RecordNotifyRequests.class);

	private final RecordService records;

	RecordNotifyRequests(RecordService records) {
		this.records = records;
	}

	Mono<Void> notify(Connection connection, Message request) {
		List<String> names = !request.names().isEmpty() ? request.names()
				: (request.name() != null && !request.name().isEmpty()) ? List.of(request.name()) : List.of();
		return Flux.fromIterable(names)
			.concatMap((name) -> Mono.defer(() -> this.records.reload(name)))
			.then(Mono.fromRunnable(() -> connection.send(RecordReplies.ack(request))))
			.onErrorResume((ex) -> {
				logger.warn("Notifying subscribers of records changed in storage failed: {}", ex.getMessage());
				connection.send(Message.builder(Topic.RECORD, RecordAction.RECORD_NOTIFY_ERROR)
					.correlationId(request.correlationId()).originalAction(RecordAction.NOTIFY).isError(true)
					.data(JsonText.quote("Records could not be read again: " + ex.getMessage())).build());
				return Mono.empty();
			})
			.then();
	}

}
