package io.sluice.connector.sql;

import java.util.regex.Pattern;

/**
 * The names of the tables the SQL connectors use, all sharing one prefix.
 *
 * <p>The prefix is spliced into SQL text (table names cannot be bind parameters), so it is restricted to lower-case
 * letters, digits and underscores: nothing a user sets can change the meaning of a statement.
 *
 * @param prefix the prefix of every table name, such as {@code sluice_}
 */
record SqlTables(String prefix) {

	private static final Pattern SAFE_PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,40}");

	SqlTables {
		if (prefix == null || !SAFE_PREFIX.matcher(prefix).matches()) {
			throw new IllegalArgumentException("A table prefix must be a lower-case letter followed by at most 40 "
					+ "lower-case letters, digits or underscores, was '" + prefix + "'");
		}
	}

	/** Records, one row per name: {@code name, version, data, deleted, expires_at}. */
	String record() {
		return this.prefix + "record";
	}

	/** Stream heads, one row per stream: {@code stream, epoch, last_offset}. */
	String stream() {
		return this.prefix + "stream";
	}

	/** Stream entries: {@code stream, entry_offset, ts, payload}. */
	String entry() {
		return this.prefix + "stream_entry";
	}

}
