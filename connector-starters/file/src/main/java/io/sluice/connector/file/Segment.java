package io.sluice.connector.file;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One journal file: its number, path, size, and per partition the offset of its last write. */
final class Segment {

	private static final Pattern NAME = Pattern.compile("queue-(\\d{19})\\.log");

	final long number;

	final Path path;

	/** Per partition, the offset of the last write in this segment; guarded by {@link JournalSegments}. */
	final long[] lastOffsets;

	/** The bytes of its entries; changed under the writer's append lock (or by start-up). */
	long size;

	Segment(long number, Path path, int partitions) {
		this.number = number;
		this.path = path;
		this.lastOffsets = new long[partitions];
	}

	/** Segment {@code number} in {@code directory}. */
	static Segment numbered(Path directory, long number, int partitions) {
		return new Segment(number, directory.resolve(String.format("queue-%019d.log", number)), partitions);
	}

	/** The segment {@code path} names, or {@code null} if it is not a segment's file. */
	static Segment of(Path path, int partitions) {
		Matcher matcher = NAME.matcher(path.getFileName().toString());
		return matcher.matches() ? new Segment(Long.parseLong(matcher.group(1)), path, partitions) : null;
	}

}
