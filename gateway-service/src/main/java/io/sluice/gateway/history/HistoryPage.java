package io.sluice.gateway.history;

import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.sluice.connector.HistoryEntry;

/**
 * The answer to a history read: the name's epoch, the entries found (oldest first) and whether they are all the
 * query asked for. {@code complete} is false when retention dropped some of them, when the read was cut at
 * {@code sluice.history.max-read}, or when the history's epoch changed during the read; a reader holding offsets of
 * another epoch must not trust them.
 *
 * @param epoch the name's epoch
 * @param entries the entries, oldest first, all of {@code epoch}
 * @param complete whether no entry the query asked for is missing
 */
public record HistoryPage(String epoch, List<HistoryEntry> entries, boolean complete) {

	public HistoryPage {
		entries = List.copyOf(entries);
	}

	/**
	 * The page as {@code {"epoch": "…", "entries": [{"offset": 1, "time": "…", "data": …}], "complete": true}}: the
	 * time an ISO-8601 instant, the data the event's JSON ({@code null} for an event without data).
	 */
	public byte[] toJson() {
		ObjectNode page = HistoryJson.JSON.createObjectNode();
		page.put("epoch", this.epoch);
		ArrayNode array = page.putArray("entries");
		for (HistoryEntry entry : this.entries) {
			ObjectNode each = array.addObject();
			each.put("offset", entry.offset());
			each.put("time", entry.timestamp().toString());
			each.set("data", data(entry.payload()));
		}
		page.put("complete", this.complete);
		return HistoryJson.JSON.writeValueAsBytes(page);
	}

	/**
	 * An event's data as JSON. Clients send JSON; the binary protocol does not check it, so data that is not JSON is
	 * given as a string rather than breaking the whole answer.
	 */
	private static JsonNode data(byte[] payload) {
		if (payload.length == 0) {
			return HistoryJson.JSON.getNodeFactory().nullNode();
		}
		try {
			return HistoryJson.JSON.readTree(payload);
		}
		catch (JacksonException ex) {
			return HistoryJson.JSON.getNodeFactory().stringNode(new String(payload, java.nio.charset.StandardCharsets.UTF_8));
		}
	}

}
