package io.sluice.connector.file;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The disk as a power cut leaves it: of each segment, only the bytes that a force covered, and only the segments
 * whose names were forced into the directory. Forces go to the real disk as well; {@link #cutPower} copies what
 * would survive into another directory, for a new queue to read back, while the queue that wrote it goes on.
 */
final class PowerCutDisk implements JournalDisk {

	/** Per segment file, how many bytes from its start have been forced. */
	private final Map<Path, Long> forced = new HashMap<>();

	/** The segment files whose names in the directory have been forced. */
	private final Set<Path> named = new HashSet<>();

	private int rangeForces;

	private IOException failWith;

	@Override
	public void force(Path segment, MappedByteBuffer buffer, int from, int to) {
		IOException failure;
		synchronized (this) {
			failure = this.failWith;
		}
		if (failure != null) {
			throw new UncheckedIOException(failure);
		}
		SYSTEM.force(segment, buffer, from, to);
		synchronized (this) {
			long before = this.forced.getOrDefault(segment, 0L);
			if (from > before) {
				throw new AssertionError("A force of " + segment + " from byte " + from + " leaves bytes " + before
						+ " to " + from + " unforced");
			}
			this.forced.put(segment, Math.max(before, to));
			this.rangeForces++;
		}
	}

	@Override
	public void forceFile(Path file) throws IOException {
		SYSTEM.forceFile(file);
		long size = Files.size(file);
		synchronized (this) {
			this.forced.put(file, size);
		}
	}

	@Override
	public void forceDirectory(Path directory) throws IOException {
		SYSTEM.forceDirectory(directory);
		Set<Path> names = segments(directory);
		synchronized (this) {
			// A name removed since is gone for good: what it held cannot be shown any more.
			this.named.clear();
			this.named.addAll(names);
		}
	}

	/** How many forces of a segment's range have returned. */
	synchronized int rangeForces() {
		return this.rangeForces;
	}

	/** How many bytes from its start a force has covered of {@code segment}. */
	synchronized long forced(Path segment) {
		return this.forced.getOrDefault(segment, 0L);
	}

	/** From now on, every force of a range fails as a disk that returns an I/O error does. */
	synchronized void failForces(IOException failure) {
		this.failWith = failure;
	}

	/**
	 * Writes into {@code into} the journal that a power cut now would leave: each segment whose name was forced, cut
	 * to the bytes that were forced of it.
	 */
	synchronized void cutPower(Path into) throws IOException {
		Files.createDirectories(into);
		for (Path segment : this.named) {
			if (!Files.exists(segment)) {
				continue;
			}
			long keep = this.forced.getOrDefault(segment, 0L);
			try (InputStream in = Files.newInputStream(segment);
					OutputStream out = Files.newOutputStream(into.resolve(segment.getFileName()))) {
				byte[] bytes = in.readNBytes((int) keep);
				out.write(bytes);
			}
		}
	}

	private static Set<Path> segments(Path directory) throws IOException {
		try (Stream<Path> files = Files.list(directory)) {
			return new HashSet<>(files.filter((path) -> path.getFileName().toString().endsWith(".log")).toList());
		}
	}

}
