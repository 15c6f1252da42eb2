package io.sluice.connector.file;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How the journal makes what it wrote durable: a range of the mapped segment being written, a whole segment file,
 * the names in the journal's directory. A test puts a layer here that remembers what was forced, to see what a
 * power cut would leave.
 */
interface JournalDisk {

	/** The operating system's: {@code msync} of the range, {@code fsync} of a file or a directory. */
	JournalDisk SYSTEM = new JournalDisk() {

		@Override
		public void force(Path segment, MappedByteBuffer buffer, int from, int to) {
			buffer.force(from, to - from);
		}

		@Override
		public void forceFile(Path file) throws IOException {
			try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
				channel.force(false);
			}
		}

		@Override
		public void forceDirectory(Path directory) throws IOException {
			if (System.getProperty("os.name", "").startsWith("Windows")) {
				// A directory cannot be opened to be forced there (docs/connectors.md says what that leaves).
				return;
			}
			try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
				channel.force(true);
			}
		}

	};

	/**
	 * Forces bytes {@code [from, to)} of the segment mapped in {@code buffer} to the disk.
	 * @throws java.io.UncheckedIOException if they cannot be written
	 */
	void force(Path segment, MappedByteBuffer buffer, int from, int to);

	/** Forces a whole file's bytes to the disk. */
	void forceFile(Path file) throws IOException;

	/** Forces the directory's entries (the files created in it) to the disk. */
	void forceDirectory(Path directory) throws IOException;

}
