package io.sluice.bench.load;

import java.util.Locale;
import java.util.Map;

/**
 * What one run measured. {@code rate} is the scenario's headline throughput (delivered messages/s for events,
 * sets/s reaching every subscriber for records, calls/s for RPC, KiB per connection for idle), latencies are in
 * microseconds, CPU in cores (1.0 = one core busy).
 */
record RunResult(Options options, String scenarioLabel, double rate, String rateUnit, double p50Micros,
		double p99Micros, double maxMicros, long samples, double serverCpuCores, long serverRssKib,
		double clientCpuCores, long errors, long dropped, String note) {

	String toJson() {
		StringBuilder json = new StringBuilder(256);
		json.append('{');
		field(json, "target", this.options.target()).append(',');
		field(json, "scenario", this.scenarioLabel).append(',');
		json.append("\"run\":").append(this.options.run()).append(',');
		number(json, "rate", this.rate).append(',');
		field(json, "unit", this.rateUnit).append(',');
		number(json, "p50_us", this.p50Micros).append(',');
		number(json, "p99_us", this.p99Micros).append(',');
		number(json, "max_us", this.maxMicros).append(',');
		json.append("\"samples\":").append(this.samples).append(',');
		number(json, "server_cpu", this.serverCpuCores).append(',');
		json.append("\"server_rss_kib\":").append(this.serverRssKib).append(',');
		number(json, "client_cpu", this.clientCpuCores).append(',');
		json.append("\"errors\":").append(this.errors).append(',');
		json.append("\"dropped\":").append(this.dropped).append(',');
		json.append("\"duration_s\":").append(this.options.duration().toMillis() / 1000.0).append(',');
		field(json, "note", (this.note != null) ? this.note : "");
		return json.append('}').toString();
	}

	String toRow() {
		return String.format(Locale.ROOT, "%-10s %-28s %12.1f %-12s p50 %9.1f us  p99 %9.1f us  max %9.1f us  "
				+ "server %4.2f cores %7d KiB  client %4.2f cores  errors %d dropped %d%s", this.options.target(),
				this.scenarioLabel, this.rate, this.rateUnit, this.p50Micros, this.p99Micros, this.maxMicros,
				this.serverCpuCores, this.serverRssKib, this.clientCpuCores, this.errors, this.dropped,
				(this.note == null || this.note.isEmpty()) ? "" : "  (" + this.note + ")");
	}

	private static StringBuilder field(StringBuilder json, String name, String value) {
		json.append('"').append(name).append("\":\"");
		for (char c : value.toCharArray()) {
			if (c == '"' || c == '\\') {
				json.append('\\');
			}
			json.append((c < 0x20) ? ' ' : c);
		}
		return json.append('"');
	}

	private static StringBuilder number(StringBuilder json, String name, double value) {
		json.append('"').append(name).append("\":");
		return json.append(Double.isFinite(value) ? String.format(Locale.ROOT, "%.2f", value) : "null");
	}

	/** Reads the flat JSON written by {@link #toJson()} back into name/value strings (numbers unquoted). */
	static Map<String, String> parseJson(String line) {
		Map<String, String> values = new java.util.LinkedHashMap<>();
		String body = line.trim();
		body = body.substring(body.indexOf('{') + 1, body.lastIndexOf('}'));
		int i = 0;
		while (i < body.length()) {
			int keyStart = body.indexOf('"', i) + 1;
			if (keyStart == 0) {
				break;
			}
			int keyEnd = body.indexOf('"', keyStart);
			String key = body.substring(keyStart, keyEnd);
			int valueStart = body.indexOf(':', keyEnd) + 1;
			String value;
			if (body.charAt(valueStart) == '"') {
				StringBuilder text = new StringBuilder();
				int j = valueStart + 1;
				while (body.charAt(j) != '"') {
					if (body.charAt(j) == '\\') {
						j++;
					}
					text.append(body.charAt(j++));
				}
				value = text.toString();
				i = j + 1;
			}
			else {
				int end = body.indexOf(',', valueStart);
				end = (end < 0) ? body.length() : end;
				value = body.substring(valueStart, end).trim();
				i = end;
			}
			values.put(key, value);
			i++;
		}
		return values;
	}

}
