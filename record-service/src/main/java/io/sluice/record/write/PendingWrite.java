package io.sluice.record.write;

import reactor.core.publisher.Sinks;

import io.sluice.connector.VersionedRecord;
import io.sluice.record.RecordChange;
import io.sluice.record.RecordWriteException;

/** A write that won its compare-and-set, and its writer's answer ({@link DurablePipeline}). */
final class PendingWrite {

	final RecordChange change;

	final Sinks.One<VersionedRecord> answer = Sinks.one();

	/** Guarded by the pipe's monitor. */
	boolean decided;

	/** Why it failed, or {@code null}; guarded by the pipe's monitor. */
	RecordWriteException error;

	PendingWrite(RecordChange change) {
		this.change = change;
	}

	void signal() {
		if (this.error != null) {
			this.answer.tryEmitError(this.error);
		}
		else {
			this.answer.tryEmitValue(this.change.record());
		}
	}

}
