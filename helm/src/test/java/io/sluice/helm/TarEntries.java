package io.sluice.helm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads the entries of a tar stream (ustar, with PAX and GNU long names), as an image tar and its layers are
 * written: enough to look inside an image without a container engine.
 */
final class TarEntries {

	private static final int BLOCK = 512;

	private TarEntries() {
	}

	/** The regular files of the stream whose names the filter accepts, by name; others are skipped unread. */
	static Map<String, byte[]> read(InputStream tar, Predicate<String> wanted) throws IOException {
		Map<String, byte[]> files = new LinkedHashMap<>();
		walk(tar, (entry) -> entry.regularFile() && wanted.test(entry.name()),
				(entry, content) -> files.put(entry.name(), content));
		return files;
	}

	/** The permission bits of every entry, files and directories, by name (a directory's ends with a slash). */
	static Map<String, Integer> modes(InputStream tar) throws IOException {
		Map<String, Integer> modes = new LinkedHashMap<>();
		walk(tar, (entry) -> {
			modes.put(entry.name(), entry.mode());
			return false;
		}, (entry, content) -> {
		});
		return modes;
	}

	private static void walk(InputStream tar, Predicate<Entry> wanted, EntryConsumer consumer) throws IOException {
		String longName = null;
		while (true) {
			byte[] header = tar.readNBytes(BLOCK);
			if (header.length < BLOCK || header[0] == 0) {
				return;
			}
			long size = octal(header, 124, 12);
			char type = (char) header[156];
			String name = (longName != null) ? longName : name(header);
			Entry entry = new Entry(name, type, (int) octal(header, 100, 8) & 07777);
			longName = null;
			boolean extension = type == 'x' || type == 'L';
			boolean keep = extension || wanted.test(entry);
			byte[] content = keep ? tar.readNBytes((int) size) : null;
			if (!keep) {
				tar.skipNBytes(size);
			}
			tar.skipNBytes((BLOCK - size % BLOCK) % BLOCK);
			if (type == 'x') {
				longName = paxPath(content);
			}
			else if (type == 'L') {
				longName = new String(content, StandardCharsets.UTF_8).replace("\0", "").trim();
			}
			else if (keep) {
				consumer.accept(entry, content);
			}
		}
	}

	private static String name(byte[] header) {
		String name = text(header, 0, 100);
		String prefix = text(header, 345, 155);
		return prefix.isEmpty() ? name : prefix + "/" + name;
	}

	/** The {@code path} record of a PAX header ({@code "<length> path=<value>\n"}), or null. */
	private static String paxPath(byte[] records) {
		for (String record : new String(records, StandardCharsets.UTF_8).split("\n")) {
			int space = record.indexOf(' ');
			if (record.startsWith("path=", space + 1)) {
				return record.substring(space + 1 + "path=".length());
			}
		}
		return null;
	}

	private static long octal(byte[] header, int offset, int length) {
		String digits = text(header, offset, length).trim();
		return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
	}

	private static String text(byte[] header, int offset, int length) {
		int end = offset;
		while (end < offset + length && header[end] != 0) {
			end++;
		}
		return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
	}

	/** An entry's name, type flag and permission bits (without the file type bits some writers add). */
	record Entry(String name, char type, int mode) {

		boolean regularFile() {
			return this.type == '0' || this.type == 0;
		}

	}

	@FunctionalInterface
	private interface EntryConsumer {

		void accept(Entry entry, byte[] content);

	}

}
