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
		String longName = null;
		while (true) {
			byte[] header = tar.readNBytes(BLOCK);
			if (header.length < BLOCK || header[0] == 0) {
				return files;
			}
			long size = Long.parseLong(text(header, 124, 12).trim(), 8);
			char type = (char) header[156];
			String name = (longName != null) ? longName : name(header);
			longName = null;
			boolean keep = (type == 'x' || type == 'L') || ((type == '0' || type == 0) && wanted.test(name));
			byte[] content = keep ? tar.readNBytes((int) size) : null;
			if (!keep) {
				tar.skipNBytes(size);
			}
			tar.skipNBytes((BLOCK - size % BLOCK) % BLOCK);
			if (type == 'x') {
				longName = paxPath(content);
			}
			else if (type == 'L') {
				longName = new String(content, StandardCharsets.UTF_8).trim().replace("\0", "");
			}
			else if (keep) {
				files.put(name, content);
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

	private static String text(byte[] header, int offset, int length) {
		int end = offset;
		while (end < offset + length && header[end] != 0) {
			end++;
		}
		return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
	}

}
