package io.sluice.gateway.record;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import io.sluice.gateway.listen.ListenProperties;
import io.sluice.gateway.listen.ListenTopic;
import io.sluice.gateway.listen.ListeningTopicHandler;
import io.sluice.gateway.permission.Permissions;
import io.sluice.gateway.protocol.JsonText;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.session.Connection;
import io.sluice.record.RecordService;

/** The RECORD topic: routes each action to reads, writes, subscriptions, notifications or listening. */
public final class RecordHandler extends ListeningTopicHandler {

	private final RecordReads reads;

	private final RecordWrites writes;

	private final RecordNotifier notifier;

	private final RecordNotifyRequests notifyRequests;

	public RecordHandler(RecordService records) {
		this(records, ListenProperties.defaults(), Schedulers.parallel());
	}

	/** @param scheduler where listening's response timeouts run */
	public RecordHandler(RecordService records, ListenProperties listen, Scheduler scheduler) {
		this(records, listen, scheduler, null);
	}

	/**
	 * @param scheduler where listening's response timeouts run
	 * @param permissions the permission rules, or {@code null} when every client may open every record
	 */
	public RecordHandler(RecordService records, ListenProperties listen, Scheduler scheduler,
			Permissions permissions) {
		super(ListenTopic.RECORD, listen, scheduler);
		this.notifier = new RecordNotifier(records, subscriptions().subscriptions());
		this.reads = new RecordReads(records, subscriptions(), permissions, this.notifier);
		this.writes = new RecordWrites(records, subscriptions().subscriptions());
		this.notifyRequests = new RecordNotifyRequests(records);
	}

	/** What tells this node's subscribers of changes; it must be started for them to hear of any. */
	public RecordNotifier notifier() {
		return this.notifier;
	}

	@Override
	protected Mono<Void> handleAction(Connection connection, Message message) {
		switch (message.action()) {
			case RecordAction.SUBSCRIBECREATEANDREAD:
			case RecordAction.SUBSCRIBEANDREAD:
			case RecordAction.SUBSCRIBEANDHEAD:
			case RecordAction.SUBSCRIBE:
				return this.reads.subscribe(connection, message);
			case RecordAction.UNSUBSCRIBE:
				return this.reads.unsubscribe(connection, message);
			case RecordAction.READ:
				return this.reads.read(connection, message);
			case RecordAction.HEAD:
				return this.reads.head(connection, message);
			case RecordAction.HEAD_BULK:
				return this.reads.headBulk(connection, message);
			case RecordAction.UPDATE:
			case RecordAction.CREATEANDUPDATE:
			case RecordAction.PATCH:
			case RecordAction.CREATEANDPATCH:
			case RecordAction.ERASE:
				return this.writes.write(connection, message);
			case RecordAction.DELETE:
				return this.writes.delete(connection, message);
			case RecordAction.NOTIFY:
				return this.notifyRequests.notify(connection, message);
			default:
				connection.send(RecordReplies.error(RecordAction.ERROR, message, message.name())
					.data(JsonText.quote("Record action " + Topic.actionName(Topic.RECORD, message.action())
							+ " is not supported by this server"))
					.build());
				return Mono.empty();
		}
	}

}
