package io.sluice.record.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.sluice.connector.VersionedRecord;
import io.sluice.connector.VersionedRecordCodec;
import io.sluice.record.InvalidRecordDataException;
import io.sluice.record.InvalidVersionException;
import io.sluice.record.RecordException;
import io.sluice.record.RecordNotFoundException;
import io.sluice.record.RecordUnavailableException;
import io.sluice.record.RecordWriteException;
import io.sluice.record.VersionExistsException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RecordApiCodecTests {

	private static final byte[] DATA = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);

	@Test
	void everyKindOfCallSurvivesTheRoundTrip() {
		List<RecordCall> calls = List.of(RecordCall.read("codec/r"), RecordCall.head("codec/h"),
				RecordCall.has("codec/x"), RecordCall.set("codec/s", 3, DATA, "conn-1"),
				RecordCall.patch("codec/p", -1, "a.b[2]", "7".getBytes(StandardCharsets.UTF_8), null),
				RecordCall.erase("codec/e", 9, "a", "conn-2"), RecordCall.delete("codec/d", "conn-3"),
				RecordCall.create("codec/c"), RecordCall.set("codec/t", 2, DATA, null, Duration.ofSeconds(30, 5)),
				RecordCall.patch("codec/pt", 1, "a", DATA, "conn-4", Duration.ofDays(400)));
		for (RecordCall call : calls) {
			assertSameCall(RecordApiCodec.decodeCall(RecordApiCodec.encodeCall(call)), call);
		}
		List<RecordCall> batch = RecordApiCodec.decodeBatch(RecordApiCodec.encodeBatch(calls));
		assertThat(batch).hasSameSizeAs(calls);
		for (int i = 0; i < calls.size(); i++) {
			assertSameCall(batch.get(i), calls.get(i));
		}
	}

	@Test
	void repliesSurviveTheRoundTrip() {
		RecordCall call = RecordCall.read("codec/reply");
		VersionedRecord expiring = new VersionedRecord("codec/reply", 4, DATA, false, Instant.ofEpochSecond(1234, 567_891_011));
		assertThat(roundTrip(call, RecordReply.of(expiring)).record()).isEqualTo(expiring);
		assertThat(roundTrip(call, RecordReply.of(VersionedRecord.tombstone("codec/reply", 5))).record())
			.isEqualTo(VersionedRecord.tombstone("codec/reply", 5));
		VersionedRecord created = VersionedRecord.of("codec/reply", 0, "{}");
		assertThat(roundTrip(call, RecordReply.of(created)).record()).isEqualTo(created);
		assertThat(roundTrip(call, RecordReply.none()).kind()).isEqualTo(RecordReply.Kind.NONE);
		assertThat(roundTrip(call, RecordReply.ofVersion(42)).version()).isEqualTo(42);
		assertThat(roundTrip(call, RecordReply.of(true)).flag()).isTrue();
		assertThat(roundTrip(call, RecordReply.of(false)).flag()).isFalse();
	}

	@Test
	void aRecordInAReplyIsInTheRecordCodecsFormBehindItsLength() {
		VersionedRecord record = VersionedRecord.of("codec/form", 3, DATA);
		byte[] form = VersionedRecordCodec.encode(record);
		ByteBuffer expected = ByteBuffer.allocate(1 + 1 + 4 + form.length)
			.put((byte) 3)
			.put((byte) RecordReply.Kind.RECORD.ordinal())
			.putInt(form.length)
			.put(form);
		assertThat(RecordApiCodec.encodeReply(RecordCall.read("codec/form"), RecordReply.of(record)))
			.isEqualTo(expected.array());
	}

	@Test
	void versionExistsCarriesTheCurrentRecordAndTheSameMessage() {
		VersionedRecord current = VersionedRecord.of("codec/ve", 7, DATA);
		RecordCall call = RecordCall.set("codec/ve", 5, DATA, null);
		RecordException decoded = sameError(call, new VersionExistsException("codec/ve", 5, current));
		assertThat(((VersionExistsException) decoded).current()).isEqualTo(current);
	}

	@Test
	void invalidVersionCarriesTheCurrentVersionAndTheSameMessage() {
		RecordCall call = RecordCall.set("codec/iv", 9, DATA, null);
		RecordException decoded = sameError(call, new InvalidVersionException("codec/iv", 9, 3));
		assertThat(((InvalidVersionException) decoded).currentVersion()).isEqualTo(3);
	}

	@Test
	void theOtherRecordExceptionsKeepTheirKindAndMessage() {
		RecordCall call = RecordCall.erase("codec/o", 2, "a", null);
		sameError(call, new RecordNotFoundException("codec/o"));
		sameError(call, new InvalidRecordDataException("codec/o", "Data for record 'codec/o' is not valid JSON"));
		sameError(call, new RecordWriteException("codec/o", "The cache refused the write: gone",
				new IllegalStateException("gone")));
		sameError(call, new RecordUnavailableException("codec/o", "Record 'codec/o' cannot be read yet"));
	}

	@Test
	void batchRepliesKeepTheirOrder() {
		List<RecordCall> calls = List.of(RecordCall.read("codec/b1"), RecordCall.set("codec/b2", 2, DATA, null));
		List<RecordReply> replies = List.of(RecordReply.of(VersionedRecord.of("codec/b1", 1, DATA)),
				RecordReply.failed(new InvalidVersionException("codec/b2", 2, 0)));
		List<RecordReply> decoded = RecordApiCodec.decodeReplies(RecordApiCodec.encodeReplies(calls, replies));
		assertThat(decoded.get(0).record()).isEqualTo(replies.get(0).record());
		assertThat(decoded.get(1).error()).isInstanceOf(InvalidVersionException.class)
			.hasMessage(replies.get(1).error().getMessage());
	}

	@Test
	void unreadableCallsAreRejectedNamingTheProblem() {
		assertThatIllegalArgumentException().isThrownBy(() -> RecordApiCodec.decodeCall(new byte[0]))
			.withMessage("Empty record call");
		assertThatIllegalArgumentException().isThrownBy(() -> RecordApiCodec.decodeCall(new byte[] { 9 }))
			.withMessage("Record call in unknown format 9");
		assertThatIllegalArgumentException().isThrownBy(() -> RecordApiCodec.decodeCall(new byte[] { 1 }))
			.withMessage("Record call in unknown format 1");
		byte[] call = RecordApiCodec.encodeCall(RecordCall.set("codec/bad", 1, DATA, null));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RecordApiCodec.decodeCall(java.util.Arrays.copyOf(call, call.length - 3)))
			.withMessageContaining("record call");
		byte[] unknownOp = call.clone();
		unknownOp[1] = 42;
		assertThatIllegalArgumentException().isThrownBy(() -> RecordApiCodec.decodeCall(unknownOp))
			.withMessage("Bad record call: Unknown record operation 42");
		byte[] longer = java.util.Arrays.copyOf(call, call.length + 2);
		assertThatIllegalArgumentException().isThrownBy(() -> RecordApiCodec.decodeCall(longer))
			.withMessageContaining("2 bytes left over");
	}

	@Test
	void callsMissingWhatTheirOperationNeedsAreRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> RecordCall.read(""))
			.withMessage("A read needs a record name");
		assertThatIllegalArgumentException().isThrownBy(() -> RecordCall.patch("codec/np", 1, null, DATA, null))
			.withMessage("A patch of record 'codec/np' needs a path");
		assertThatIllegalArgumentException().isThrownBy(() -> RecordCall.set("codec/nd", 1, null, null))
			.withMessage("A set of record 'codec/nd' needs data");
	}

	@Test
	void oversizedBatchesAreRejected() {
		List<RecordCall> calls = new ArrayList<>();
		for (int i = 0; i <= RecordApiCodec.MAX_BATCH; i++) {
			calls.add(RecordCall.read("codec/many-" + i));
		}
		assertThatIllegalArgumentException().isThrownBy(() -> RecordApiCodec.encodeBatch(calls))
			.withMessageContaining("from 0 to " + RecordApiCodec.MAX_BATCH + " calls");
	}

	private static RecordReply roundTrip(RecordCall call, RecordReply reply) {
		return RecordApiCodec.decodeReply(RecordApiCodec.encodeReply(call, reply));
	}

	private static RecordException sameError(RecordCall call, RecordException error) {
		RecordReply decoded = roundTrip(call, RecordReply.failed(error));
		assertThat(decoded.kind()).isEqualTo(RecordReply.Kind.ERROR);
		assertThat(decoded.error()).isExactlyInstanceOf(error.getClass()).hasMessage(error.getMessage());
		assertThat(decoded.error().recordName()).isEqualTo(error.recordName());
		return decoded.error();
	}

	private static void assertSameCall(RecordCall decoded, RecordCall call) {
		assertThat(decoded.op()).isEqualTo(call.op());
		assertThat(decoded.name()).isEqualTo(call.name());
		assertThat(decoded.version()).isEqualTo(call.version());
		assertThat(decoded.path()).isEqualTo(call.path());
		assertThat(decoded.data()).isEqualTo(call.data());
		assertThat(decoded.origin()).isEqualTo(call.origin());
		assertThat(decoded.ttl()).isEqualTo(call.ttl());
	}

	@Test
	void aCallsTimeToLiveFollowsItsOriginAsSecondsAndNanoseconds() {
		byte[] without = RecordApiCodec.encodeCall(RecordCall.set("codec/ttl", 1, DATA, null));
		byte[] with = RecordApiCodec.encodeCall(RecordCall.set("codec/ttl", 1, DATA, null, Duration.ofMillis(1500)));
		assertThat(ByteBuffer.wrap(without, without.length - 8, 8).getLong()).isEqualTo(-1);
		ByteBuffer ttl = ByteBuffer.wrap(with, with.length - 12, 12);
		assertThat(ttl.getLong()).isEqualTo(1);
		assertThat(ttl.getInt()).isEqualTo(500_000_000);
		assertThatIllegalArgumentException().isThrownBy(() -> RecordCall.set("codec/ttl", 1, DATA, null, Duration.ZERO))
			.withMessage("A time to live must be positive, was PT0S");
	}

}
