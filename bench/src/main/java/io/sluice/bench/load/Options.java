package io.sluice.bench.load;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The load generator's arguments, {@code --name value} or {@code --name=value}.
 *
 * @param url the server's deepstream WebSocket endpoint, for example {@code ws://127.0.0.1:6020/deepstream}
 * @param target a label for the server under test, carried into the results ({@code sluice}, {@code deepstream})
 * @param scenario {@code events}, {@code records}, {@code record-opens}, {@code rpc}, {@code idle}, {@code history-resend} or
 * {@code soak}
 * @param subscribers subscribers of the event or record
 * @param rate messages per second the publisher or writer sends; 0 for as fast as the window allows
 * @param window most messages sent but not yet received by the slowest subscriber; 0 for the default
 * @param inFlight RPC calls, or record opens, in flight
 * @param connections idle connections to open
 * @param duration how long to measure, after the warm-up
 * @param warmup how long to run before measuring
 * @param serverPid the server's process id, to sample its CPU and RSS from /proc; 0 if unknown
 * @param threads event-loop threads of the load generator
 * @param sourceAddresses how many 127.0.0.x source addresses to spread connections over
 * @param payloadBytes padding added to each payload beyond its timestamp
 * @param run the run's ordinal, carried into the results
 * @param eventPrefix what the names of the events scenario's events start with (a server may keep the history of
 * some prefixes)
 * @param entries events the history-resend scenario publishes, then reads back
 * @param resend how the history-resend scenario reads them back: {@code json} (a subscribe that recovers from
 * offset 0 on the JSON endpoint) or {@code rest} ({@code GET /api/v1/events/{name}/history}, page by page)
 * @param subscriberUrls where the subscribers of the events and records scenarios connect, in turn (in a cluster,
 *     other nodes than the publisher's); empty for {@code url}
 * @param out the directory the soak writes its samples and summary to
 */
record Options(URI url, String target, String scenario, int subscribers, int rate, int window, int inFlight,
		int connections, Duration duration, Duration warmup, long serverPid, int threads, int sourceAddresses,
		int payloadBytes, int run, String eventPrefix, int entries, String resend, List<URI> subscriberUrls,
		String out) {

	/** The events scenario's default names, which a server keeps no history of unless told to. */
	static final String EVENT_PREFIX = "bench/event/";

	static Options parse(String[] args) {
		Map<String, String> values = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			if (!arg.startsWith("--")) {
				throw new IllegalArgumentException("Expected --name value, got '" + arg + "'");
			}
			int equals = arg.indexOf('=');
			if (equals > 0) {
				values.put(arg.substring(2, equals), arg.substring(equals + 1));
			}
			else if (i + 1 < args.length) {
				values.put(arg.substring(2), args[++i]);
			}
			else {
				throw new IllegalArgumentException("No value for " + arg);
			}
		}
		Options options = new Options(URI.create(take(values, "url", "ws://127.0.0.1:6020/deepstream")),
				take(values, "target", "server"), take(values, "scenario", "events"),
				Integer.parseInt(take(values, "subscribers", "1")), Integer.parseInt(take(values, "rate", "0")),
				Integer.parseInt(take(values, "window", "0")), Integer.parseInt(take(values, "in-flight", "1")),
				Integer.parseInt(take(values, "connections", "1000")), seconds(take(values, "duration", "10")),
				seconds(take(values, "warmup", "3")), Long.parseLong(take(values, "server-pid", "0")),
				Integer.parseInt(take(values, "threads", "2")), Integer.parseInt(take(values, "source-addresses", "4")),
				Integer.parseInt(take(values, "payload-bytes", "16")), Integer.parseInt(take(values, "run", "1")),
				take(values, "event-prefix", EVENT_PREFIX), Integer.parseInt(take(values, "entries", "10000")),
				take(values, "resend", "json"),
				Arrays.stream(take(values, "subscriber-urls", "").split(","))
					.filter((url) -> !url.isBlank())
					.map(URI::create)
					.toList(),
				take(values, "out", "."));
		if (!values.isEmpty()) {
			throw new IllegalArgumentException("Unknown arguments: " + values.keySet());
		}
		return options;
	}

	String padding() {
		return "x".repeat(Math.max(0, this.payloadBytes));
	}

	private static String take(Map<String, String> values, String name, String fallback) {
		String value = values.remove(name);
		return (value != null) ? value : fallback;
	}

	private static Duration seconds(String value) {
		return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
	}

}
