package io.sluice.record.api;

import java.time.Duration;
import java.util.Objects;

import io.sluice.record.RecordService;

/**
 * One operation on one record, as the internal API carries it: the arguments of one {@link RecordService} method.
 *
 * @param op which method
 * @param name the record's name, never empty
 * @param version the version a write creates ({@link RecordService#FORCE} forces); unused by reads, create and
 *     delete
 * @param path the path of a patch or erase, else {@code null}
 * @param data the data of a set, the value of a patch, else {@code null}. Not copied
 * @param origin the writer's opaque id, or {@code null}
 * @param ttl how long after a set or patch the record expires, or {@code null} (as the name's rule says)
 */
public record RecordCall(Op op, String name, long version, String path, byte[] data, String origin, Duration ttl) {

	public RecordCall {
		Objects.requireNonNull(op, "op");
		if (name == null || name.isEmpty()) {
			throw new IllegalArgumentException("A " + op.label + " needs a record name");
		}
		if ((op == Op.PATCH || op == Op.ERASE) && (path == null || path.isEmpty())) {
			throw new IllegalArgumentException("A " + op.label + " of record '" + name + "' needs a path");
		}
		if ((op == Op.SET || op == Op.PATCH) && data == null) {
			throw new IllegalArgumentException("A " + op.label + " of record '" + name + "' needs data");
		}
		if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
			throw new IllegalArgumentException("A time to live must be positive, was " + ttl);
		}
	}

	/** A call without a time to live. */
	public RecordCall(Op op, String name, long version, String path, byte[] data, String origin) {
		this(op, name, version, path, data, origin, null);
	}

	public static RecordCall read(String name) {
		return new RecordCall(Op.READ, name, 0, null, null, null);
	}

	public static RecordCall head(String name) {
		return new RecordCall(Op.HEAD, name, 0, null, null, null);
	}

	public static RecordCall has(String name) {
		return new RecordCall(Op.HAS, name, 0, null, null, null);
	}

	public static RecordCall create(String name) {
		return new RecordCall(Op.CREATE, name, 0, null, null, null);
	}

	public static RecordCall set(String name, long version, byte[] data, String origin) {
		return set(name, version, data, origin, null);
	}

	public static RecordCall set(String name, long version, byte[] data, String origin, Duration ttl) {
		return new RecordCall(Op.SET, name, version, null, data, origin, ttl);
	}

	public static RecordCall patch(String name, long version, String path, byte[] value, String origin) {
		return patch(name, version, path, value, origin, null);
	}

	public static RecordCall patch(String name, long version, String path, byte[] value, String origin,
			Duration ttl) {
		return new RecordCall(Op.PATCH, name, version, path, value, origin, ttl);
	}

	public static RecordCall erase(String name, long version, String path, String origin) {
		return new RecordCall(Op.ERASE, name, version, path, null, origin);
	}

	public static RecordCall reload(String name) {
		return new RecordCall(Op.RELOAD, name, 0, null, null, null);
	}

	public static RecordCall delete(String name, String origin) {
		return new RecordCall(Op.DELETE, name, RecordService.FORCE, null, null, origin);
	}

	/** Whether running this call twice has the effect of running it once: true of reads only. */
	public boolean isRead() {
		return this.op.read;
	}

	@Override
	public String toString() {
		return "RecordCall[" + this.op + " '" + this.name + "' v" + this.version
				+ ((this.path != null) ? " path " + this.path : "")
				+ ((this.data != null) ? ", " + this.data.length + " bytes" : "")
				+ ((this.ttl != null) ? ", ttl " + this.ttl : "") + "]";
	}

	/** The {@link RecordService} methods the API serves, in wire order: never reorder, only append. */
	public enum Op {

		READ("read", true), HEAD("head", true), HAS("has", true), SET("set", false), PATCH("patch", false),
		ERASE("erase", false), DELETE("delete", false), CREATE("create", false), RELOAD("reload", false);

		private final String label;

		private final boolean read;

		Op(String label, boolean read) {
			this.label = label;
			this.read = read;
		}

	}

}
