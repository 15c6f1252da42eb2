package io.sluice.gateway.protocol;

/**
 * Where an event stands in the history of its name (docs/history.md), as the EVENT messages of Sluice carry it beside
 * deepstream's fields: on a delivered event, its offset and epoch; on a subscribe, the last event the client has (it
 * asks for what came after); on the acknowledgement of such a subscribe, whether everything after it was resent.
 *
 * <p>On the wire these are fields deepstream's {@code EventMessage} does not have, numbered far beyond its own
 * ({@value #OFFSET_FIELD}, {@value #EPOCH_FIELD}, {@value #RECOVERED_FIELD}): the deepstream client skips them, as
 * protobuf decoders skip unknown fields; the JSON endpoint shows them as {@code offset}, {@code epoch} and
 * {@code recovered}.
 *
 * @param epoch the history's epoch, or {@code null}
 * @param offset the event's offset (on a subscribe: the last one the client has; on its acknowledgement: the last one
 * resent, or where the history stands), or {@code null}
 * @param recovered on a subscribe's acknowledgement, whether every event after the requested offset was resent; else
 * {@code null}
 */
public record EventPosition(String epoch, Long offset, Boolean recovered) {

	static final int OFFSET_FIELD = 100;

	static final int EPOCH_FIELD = 101;

	static final int RECOVERED_FIELD = 102;

	/** A delivered event's position. */
	public static EventPosition of(String epoch, long offset) {
		return new EventPosition(epoch, offset, null);
	}

}
