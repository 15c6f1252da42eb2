package io.sluice.record.api;

import java.util.Objects;

import reactor.core.publisher.Mono;

import io.sluice.connector.VersionedRecord;
import io.sluice.record.RecordException;

/**
 * The outcome of one {@link RecordCall}: a record, a version, a yes or no, nothing, or the {@link RecordException}
 * the record service failed it with.
 *
 * @param kind which of those
 * @param record the record, for {@link Kind#RECORD}
 * @param version the version, for {@link Kind#VERSION}
 * @param flag the answer, for {@link Kind#FLAG}
 * @param error the failure, for {@link Kind#ERROR}
 */
public record RecordReply(Kind kind, VersionedRecord record, long version, boolean flag, RecordException error) {

	private static final RecordReply NONE = new RecordReply(Kind.NONE, null, 0, false, null);

	public RecordReply {
		Objects.requireNonNull(kind, "kind");
		if (kind == Kind.RECORD) {
			Objects.requireNonNull(record, "record");
		}
		if (kind == Kind.ERROR) {
			Objects.requireNonNull(error, "error");
		}
	}

	public static RecordReply of(VersionedRecord record) {
		return new RecordReply(Kind.RECORD, record, 0, false, null);
	}

	public static RecordReply ofVersion(long version) {
		return new RecordReply(Kind.VERSION, null, version, false, null);
	}

	public static RecordReply of(boolean flag) {
		return new RecordReply(Kind.FLAG, null, 0, flag, null);
	}

	public static RecordReply none() {
		return NONE;
	}

	public static RecordReply failed(RecordException error) {
		return new RecordReply(Kind.ERROR, null, 0, false, error);
	}

	/** The record, nothing, or the error, as {@link io.sluice.record.RecordService#read} would have signalled. */
	public Mono<VersionedRecord> toRecord() {
		return switch (this.kind) {
			case RECORD -> Mono.just(this.record);
			case NONE -> Mono.empty();
			case ERROR -> Mono.error(this.error);
			default -> Mono.error(unexpected("a record"));
		};
	}

	public Mono<Long> toVersion() {
		return switch (this.kind) {
			case VERSION -> Mono.just(this.version);
			case NONE -> Mono.empty();
			case ERROR -> Mono.error(this.error);
			default -> Mono.error(unexpected("a version"));
		};
	}

	public Mono<Boolean> toFlag() {
		return switch (this.kind) {
			case FLAG -> Mono.just(this.flag);
			case ERROR -> Mono.error(this.error);
			default -> Mono.error(unexpected("true or false"));
		};
	}

	private IllegalStateException unexpected(String wanted) {
		return new IllegalStateException("The record service answered " + this.kind + " where " + wanted
				+ " was expected");
	}

	/** What a reply holds. */
	public enum Kind {

		RECORD, NONE, VERSION, FLAG, ERROR

	}

}
