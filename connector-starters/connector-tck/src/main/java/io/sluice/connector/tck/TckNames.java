package io.sluice.connector.tck;

import java.util.UUID;

/**
 * Names that belong to one test: every contract test builds its record, stream, topic and node names from a
 * fresh prefix, so that tests may share a server and never read each other's leftovers.
 */
public final class TckNames {

	private TckNames() {
	}

	/**
	 * A fresh prefix such as {@code tck-cache-1a2b3c4d/}, ending in a slash so that no other prefix made here
	 * starts with it.
	 * @param kind what the names are for, such as {@code cache}
	 * @return the prefix
	 */
	public static String unique(String kind) {
		return id(kind) + "/";
	}

	/**
	 * A fresh identifier without a slash, such as {@code tck-node-1a2b3c4d}, for node ids and topics.
	 * @param kind what the identifier is for, such as {@code node}
	 * @return the identifier
	 */
	public static String id(String kind) {
		return "tck-" + kind + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

}
