package io.sluice.server;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import tools.jackson.databind.json.JsonMapper;

import io.sluice.connector.VersionedRecord;

/**
 * What a store holds, checked against what its writers know they wrote: each record at the version of its latest
 * write, with that write's data. The write-path and fault tests end on this check.
 */
final class StoredRecords {

	private static final JsonMapper json = JsonMapper.builder().build();

	private StoredRecords() {
	}

	/**
	 * The records whose stored version is not the one written, by name, as "stored/written" ("null/written" for a
	 * record the store does not hold).
	 * @param written each record's latest version written
	 * @param stored what the store holds, by name
	 */
	static Map<String, String> notAtVersion(Map<String, Long> written, Map<String, VersionedRecord> stored) {
		Map<String, String> behind = new TreeMap<>();
		written.forEach((name, version) -> {
			VersionedRecord record = stored.get(name);
			Long storedVersion = (record != null) ? record.version() : null;
			if (!version.equals(storedVersion)) {
				behind.put(name, storedVersion + "/" + version);
			}
		});
		return behind;
	}

	/**
	 * The records whose stored data is not, as JSON, the data written, by name, as "stored / written" ("null /
	 * written" for a record the store does not hold).
	 * @param written each record's data of its latest write, as JSON text
	 * @param stored what the store holds, by name
	 */
	static Map<String, String> withOtherData(Map<String, String> written, Map<String, VersionedRecord> stored) {
		Map<String, String> other = new TreeMap<>();
		written.forEach((name, data) -> {
			VersionedRecord record = stored.get(name);
			String storedData = (record != null) ? new String(record.data(), StandardCharsets.UTF_8) : null;
			if (storedData == null || !json.readTree(storedData).equals(json.readTree(data))) {
				other.put(name, storedData + " / " + data);
			}
		});
		return other;
	}

}
