package io.sluice.gateway.history;

import tools.jackson.databind.json.JsonMapper;

/** The JSON mapper of history queries and pages. */
final class HistoryJson {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private HistoryJson() {
	}

}
