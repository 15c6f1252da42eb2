package io.sluice.gateway.http.deepstream;

import java.time.Duration;
import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * One command of a batch sent to deepstream's HTTP endpoint, in deepstream's JSON interchange format (JIF), once
 * {@link JifParser} found it valid. Data is JSON as sent; {@code null} when the command had none.
 */
sealed interface JifCommand {

	/** A command on one record, event or procedure, which deepstream's schema requires to be named. */
	sealed interface Named extends JifCommand {

		String name();

	}

	/** {@code event emit}: publish an event. */
	record Emit(String name, JsonNode data) implements Named {
	}

	/** {@code record read} or {@code list read}: a record's version and data. */
	record Read(String name) implements Named {
	}

	/** {@code record head}: a record's version. */
	record Head(String name) implements Named {
	}

	/**
	 * {@code record write} or {@code list write}: the whole data, or the value at {@code path}.
	 * @param version the version the write makes, or {@code null} for whatever is next (deepstream's -1, which is
	 *     what it makes of a version that is absent or 0)
	 * @param path where to write, or {@code null} for the whole record (an empty path is none, as deepstream sees it)
	 * @param ttl how long after this write the record expires, or {@code null} for the name's rule, or never
	 */
	record Write(String name, Long version, String path, JsonNode data, Duration ttl) implements Named {
	}

	/** {@code record delete} or {@code list delete}. */
	record Delete(String name) implements Named {
	}

	/** {@code record notify}: records changed in storage behind the server's back. */
	record Notify(List<String> names) implements JifCommand {
	}

	/** {@code rpc make}: call a procedure and wait for its answer. */
	record Make(String name, JsonNode data) implements Named {
	}

	/** {@code presence query}: everyone online, or whether each of {@code names} is ({@code null} for everyone). */
	record Presence(List<String> names) implements JifCommand {
	}

}
