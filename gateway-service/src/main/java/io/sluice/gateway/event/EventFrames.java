package io.sluice.gateway.event;

import io.sluice.connector.HistoryEntry;
import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.EventPosition;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.Topic;

/** The EMIT messages of events, with their position in the history when their name keeps one. */
final class EventFrames {

	private EventFrames() {
	}

	/** An event without a position, as deepstream frames it. */
	static byte[] frame(String name, byte[] data) {
		return MessageCodec.encodeNamed(Topic.EVENT, EventAction.EMIT, name, data);
	}

	/** An event appended to its name's history, with its offset and epoch. */
	static byte[] frame(String name, HistoryEntry entry, byte[] data) {
		return MessageCodec.encodeEvent(name, data, entry.epoch(), entry.offset());
	}

	/** An event read back from the history, as it was delivered live. */
	static Message message(String name, HistoryEntry entry) {
		return message(name, (entry.payload().length > 0) ? entry.payload() : null, entry);
	}

	private static Message message(String name, byte[] data, HistoryEntry entry) {
		return Message.builder(Topic.EVENT, EventAction.EMIT).name(name).data(data)
			.position(EventPosition.of(entry.epoch(), entry.offset()))
			.build();
	}

}
