package io.sluice.gateway.permission;

/**
 * What a message carries that a rule sees as {@code data}: nothing, a whole value (an event's or an RPC's data, a
 * record's new data), or a change at a path of a record (a patch or an erase), which a rule sees applied to the
 * record, as deepstream shows it, so that a rule need not tell a patch from a set.
 *
 * @param json the value as JSON, or {@code null}
 * @param path the record path a patch or erase changes, or {@code null} for a whole value
 * @param erase whether the path is erased rather than set to {@code json}
 */
public record Payload(byte[] json, String path, boolean erase) {

	public static final Payload NONE = new Payload(null, null, false);

	public static Payload whole(byte[] json) {
		return (json != null) ? new Payload(json, null, false) : NONE;
	}

	public static Payload patch(String path, byte[] value) {
		return new Payload(value, path, false);
	}

	public static Payload erase(String path) {
		return new Payload(null, path, true);
	}

	/** Whether the data is a record as a change would leave it, which needs the record first. */
	boolean changesRecord() {
		return this.path != null;
	}

}
