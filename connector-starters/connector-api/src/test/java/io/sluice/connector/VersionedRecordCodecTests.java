package io.sluice.connector;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The bytes of format 2, written out: a change to them is a new format, never an edit of this one. */
class VersionedRecordCodecTests {

	@Test
	void liveRecordWithoutExpiry() {
		assertGolden(VersionedRecord.of("a/b", 1, "{}"), bytes(
				0x02, 0x00,
				0, 0, 0, 0, 0, 0, 0, 1,
				0, 0, 0, 3, 'a', '/', 'b',
				0, 0, 0, 2, '{', '}'));
	}

	@Test
	void tombstone() {
		assertGolden(VersionedRecord.tombstone("a", 3), bytes(
				0x02, 0x01,
				0, 0, 0, 0, 0, 0, 0, 3,
				0, 0, 0, 1, 'a',
				0, 0, 0, 0));
	}

	@Test
	void recordCreatedEmptyAtVersionZero() {
		assertGolden(VersionedRecord.of("z", 0, new byte[0]), bytes(
				0x02, 0x00,
				0, 0, 0, 0, 0, 0, 0, 0,
				0, 0, 0, 1, 'z',
				0, 0, 0, 0));
	}

	@Test
	void expiryIsKeptToTheNanosecond() {
		Instant expires = Instant.ofEpochSecond(1_900_000_000L, 123_456_789);
		assertGolden(new VersionedRecord("e", 2, "{}".getBytes(StandardCharsets.UTF_8), false, expires), bytes(
				0x02, 0x02,
				0, 0, 0, 0, 0, 0, 0, 2,
				0, 0, 0, 0, 0x71, 0x3F, 0xB3, 0x00,
				0x07, 0x5B, 0xCD, 0x15,
				0, 0, 0, 1, 'e',
				0, 0, 0, 2, '{', '}'));
	}

	@Test
	void tombstoneWithExpiryBeforeTheEpoch() {
		Instant expires = Instant.ofEpochSecond(-1, 5);
		assertGolden(new VersionedRecord("t", 0x0102030405060708L, new byte[0], true, expires), bytes(
				0x02, 0x03,
				1, 2, 3, 4, 5, 6, 7, 8,
				0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
				0, 0, 0, 5,
				0, 0, 0, 1, 't',
				0, 0, 0, 0));
	}

	@Test
	void unicodeNameIsUtf8() {
		assertGolden(VersionedRecord.of("ü/€/😀", 1, "[]"), bytes(
				0x02, 0x00,
				0, 0, 0, 0, 0, 0, 0, 1,
				0, 0, 0, 11, 0xC3, 0xBC, '/', 0xE2, 0x82, 0xAC, '/', 0xF0, 0x9F, 0x98, 0x80,
				0, 0, 0, 2, '[', ']'));
	}

	@Test
	void largeDataFollowsItsLength() {
		byte[] data = new byte[3 * 1024 * 1024];
		Arrays.fill(data, (byte) 'x');
		VersionedRecord record = VersionedRecord.of("big", 7, data);
		byte[] encoded = VersionedRecordCodec.encode(record);
		assertThat(Arrays.copyOf(encoded, 18)).isEqualTo(bytes(
				0x02, 0x00,
				0, 0, 0, 0, 0, 0, 0, 7,
				0, 0, 0, 3, 'b', 'i', 'g',
				0x00));
		assertThat(Arrays.copyOfRange(encoded, 17, 21)).isEqualTo(bytes(0x00, 0x30, 0x00, 0x00));
		assertThat(Arrays.copyOfRange(encoded, 21, encoded.length)).isEqualTo(data);
		assertThat(VersionedRecordCodec.decode(encoded)).isEqualTo(record);
	}

	@Test
	void sizeIsExactForAnyName() {
		// A lone surrogate is written as '?', one byte, as String.getBytes writes it.
		for (String name : new String[] { "a", "ü", "€", "😀", "x\uD800y", "\uDC00", "\uD83D" }) {
			VersionedRecord record = VersionedRecord.of(name, 1, "{}");
			assertThat(VersionedRecordCodec.encodedSize(record)).as(name)
				.isEqualTo(VersionedRecordCodec.encode(record).length);
		}
	}

	@Test
	void recordsAreReadFromTheMiddleOfABuffer() {
		VersionedRecord first = VersionedRecord.of("one", 1, "{\"a\":1}");
		VersionedRecord second = new VersionedRecord("two", 9, "{}".getBytes(StandardCharsets.UTF_8), false,
				Instant.ofEpochSecond(1_900_000_000L, 1));
		ByteBuffer buffer = ByteBuffer.allocate(3 + VersionedRecordCodec.encodedSize(first)
				+ VersionedRecordCodec.encodedSize(second));
		buffer.put((byte) 9).put((byte) 9).put((byte) 9);
		VersionedRecordCodec.encode(first, buffer);
		VersionedRecordCodec.encode(second, buffer);
		assertThat(buffer.hasRemaining()).isFalse();
		buffer.position(3);
		assertThat(VersionedRecordCodec.decode(buffer)).isEqualTo(first);
		assertThat(VersionedRecordCodec.decode(buffer)).isEqualTo(second);
		assertThat(buffer.hasRemaining()).isFalse();
	}

	@Test
	void emptyNameIsRefusedEitherWay() {
		assertThatIllegalArgumentException().isThrownBy(() -> VersionedRecord.of("", 1, "{}"))
			.withMessageContaining("name must not be empty");
		byte[] noName = bytes(0x02, 0x00, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, '{', '}');
		assertThatIllegalArgumentException().isThrownBy(() -> VersionedRecordCodec.decode(noName))
			.withMessageContaining("the name is empty");
	}

	@Test
	void bytesThisCodecDidNotWriteAreRefusedNamingTheProblem() {
		byte[] good = VersionedRecordCodec.encode(VersionedRecord.of("a/b", 1, "{}"));
		assertThatIllegalArgumentException().isThrownBy(() -> VersionedRecordCodec.decode(new byte[0]))
			.withMessageContaining("cut short");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> VersionedRecordCodec.decode(Arrays.copyOf(good, good.length - 1)))
			.withMessageContaining("data length 2 runs past the 1 bytes left");
		byte[] oldFormat = good.clone();
		oldFormat[0] = 1;
		assertThatIllegalArgumentException().isThrownBy(() -> VersionedRecordCodec.decode(oldFormat))
			.withMessageContaining("unknown format 1");
		byte[] flags = good.clone();
		flags[1] = 0x04;
		assertThatIllegalArgumentException().isThrownBy(() -> VersionedRecordCodec.decode(flags))
			.withMessageContaining("unknown flags 0x4");
		byte[] version = good.clone();
		ByteBuffer.wrap(version).putLong(2, -1);
		assertThatIllegalArgumentException().isThrownBy(() -> VersionedRecordCodec.decode(version))
			.withMessageContaining("version must be at least 0");
		byte[] nameLength = good.clone();
		ByteBuffer.wrap(nameLength).putInt(10, -5);
		assertThatIllegalArgumentException().isThrownBy(() -> VersionedRecordCodec.decode(nameLength))
			.withMessageContaining("name length -5");
		byte[] longer = Arrays.copyOf(good, good.length + 2);
		assertThatIllegalArgumentException().isThrownBy(() -> VersionedRecordCodec.decode(longer))
			.withMessageContaining("2 bytes are left over");
		byte[] nanos = VersionedRecordCodec.encode(new VersionedRecord("e", 1, new byte[0], false,
				Instant.ofEpochSecond(5)));
		ByteBuffer.wrap(nanos).putInt(18, 1_000_000_000);
		assertThatIllegalArgumentException().isThrownBy(() -> VersionedRecordCodec.decode(nanos))
			.withMessageContaining("expiry nanoseconds 1000000000");
	}

	private static void assertGolden(VersionedRecord record, byte[] golden) {
		assertThat(VersionedRecordCodec.encode(record)).isEqualTo(golden);
		assertThat(VersionedRecordCodec.encodedSize(record)).isEqualTo(golden.length);
		assertThat(VersionedRecordCodec.decode(golden)).isEqualTo(record);
	}

	private static byte[] bytes(int... values) {
		byte[] bytes = new byte[values.length];
		for (int i = 0; i < values.length; i++) {
			bytes[i] = (byte) values[i];
		}
		return bytes;
	}

}
