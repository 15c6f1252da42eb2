package io.sluice.record.feed;

import reactor.core.publisher.Flux;

import io.sluice.connector.MessageBus;
import io.sluice.record.RecordChange;
import io.sluice.record.RecordService;

/** The record change feed for a process that writes no records itself, such as a gateway calling them remotely. */
public final class RecordChanges {

	private RecordChanges() {
	}

	/**
	 * The changes other nodes announce on the message bus's {@value RecordChangeFeed#TOPIC} topic, decoded as
	 * {@link RecordService#changes()} hands them out: hot, one bus subscription shared by all subscribers.
	 */
	public static Flux<RecordChange> fromBus(MessageBus bus) {
		return new RecordChangeFeed(bus).changes();
	}

}
