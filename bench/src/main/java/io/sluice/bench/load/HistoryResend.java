package io.sluice.bench.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.sluice.bench.wire.Frames;

/**
 * The time to resend a stream's history: {@code --entries} events are published to a fresh name of
 * {@code bench/resend/} (the server must keep their history, with room for all of them), then read back whole, timed
 * from the request to the last entry received: {@code --resend json} as a subscribe on the JSON endpoint that recovers
 * from offset 0 (the server reads the history page by page and queues every event), {@code --resend rest} as
 * {@code GET /api/v1/events/{name}/history?from=...}, page after page of {@code sluice.history.max-read}.
 */
final class HistoryResend {

	private static final Pattern OFFSET = Pattern.compile("\"offset\":(\\d+)");

	private static final Pattern EPOCH = Pattern.compile("\"epoch\":\"([^\"]*)\"");

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private HistoryResend() {
	}

	static RunResult run(Options options) throws Exception {
		String name = "bench/resend/" + UUID.randomUUID();
		URI http = URI.create("http://" + options.url().getHost() + ":" + options.url().getPort());
		HttpClient httpClient = HttpClient.newHttpClient();
		try (LoadClient client = new LoadClient(options.url(), options.threads(), options.sourceAddresses());
				Measurement measurement = new Measurement(options.serverPid())) {
			ClientConnection publisher = client.connect((connection, frame) -> {
			}).get(30, TimeUnit.SECONDS);
			byte[] data = ("{\"pad\":\"" + options.padding() + "\"}").getBytes(StandardCharsets.UTF_8);
			for (int i = 0; i < options.entries(); i++) {
				publisher.send(Frames.eventEmit(name, data));
			}
			String epoch = awaitAppended(httpClient, http, name, options.entries());
			measurement.open();
			long started = System.nanoTime();
			int read = "rest".equals(options.resend()) ? readByRest(httpClient, http, name)
					: recoverOverJson(httpClient, http, name, epoch);
			long nanos = System.nanoTime() - started;
			measurement.closeAfter(Duration.ZERO);
			if (read != options.entries()) {
				throw new IllegalStateException("Read " + read + " of " + options.entries() + " entries back");
			}
			double millis = nanos / 1e6;
			return new RunResult(options, "history resend " + options.entries() + " " + options.resend(), millis,
					"ms", 0, 0, 0, read, measurement.serverCpu(), measurement.serverRssKib(), measurement.clientCpu(), 0,
					0, "entries/s " + Math.round(read / (nanos / 1e9)));
		}
	}

	/** Waits until the history holds the last event published, and returns the stream's epoch. */
	private static String awaitAppended(HttpClient http, URI base, String name, int entries) throws Exception {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			String page = get(http, base, name, "last=1");
			Matcher offset = OFFSET.matcher(page);
			if (offset.find() && Long.parseLong(offset.group(1)) >= entries) {
				Matcher epoch = EPOCH.matcher(page);
				epoch.find();
				return epoch.group(1);
			}
			Thread.sleep(20);
		}
		throw new IllegalStateException("The history of " + name + " did not reach " + entries + " entries");
	}

	/** Reads the whole history page by page; returns how many entries came back. */
	private static int readByRest(HttpClient http, URI base, String name) throws Exception {
		long from = 1;
		int read = 0;
		for (;;) {
			String page = get(http, base, name, "from=" + from);
			Matcher offsets = OFFSET.matcher(page);
			int count = 0;
			while (offsets.find()) {
				from = Long.parseLong(offsets.group(1)) + 1;
				count++;
			}
			read += count;
			if (count == 0 || page.contains("\"complete\":true")) {
				return read;
			}
		}
	}

	/** Subscribes on the JSON endpoint from offset 0 of {@code epoch}; returns how many events were resent. */
	private static int recoverOverJson(HttpClient http, URI base, String name, String epoch) throws Exception {
		Resent resent = new Resent();
		WebSocket socket = http.newWebSocketBuilder()
			.buildAsync(URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/deepstream-json"), resent)
			.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		try {
			socket.sendText("{\"topic\":2,\"action\":5,\"url\":\"ws://bench\"}", true).get();
			socket.sendText("{\"topic\":3,\"action\":2,\"data\":\"{\\\"username\\\":\\\"resend\\\"}\"}", true).get();
			resent.loggedIn.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			socket.sendText("{\"topic\":4,\"action\":3,\"names\":[\"" + name + "\"],\"correlationId\":\"r\",\"epoch\":\""
					+ epoch + "\",\"offset\":0}", true).get();
			String ack = resent.ack.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			if (!ack.contains("\"recovered\":true")) {
				throw new IllegalStateException("Not recovered: " + ack);
			}
			resent.done.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			return resent.events.get();
		}
		finally {
			socket.abort();
		}
	}

	private static String get(HttpClient http, URI base, String name, String query) throws Exception {
		HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
				base.resolve("/api/v1/events/" + name + "/history?" + query)).timeout(TIMEOUT).build(),
				HttpResponse.BodyHandlers.ofString());
		if (answer.statusCode() != 200) {
			throw new IllegalStateException("History read answered " + answer.statusCode() + ": " + answer.body());
		}
		return answer.body();
	}

	private static String firstGroup(Pattern pattern, String text) {
		Matcher matcher = pattern.matcher(text);
		if (!matcher.find()) {
			throw new IllegalStateException("No " + pattern + " in " + text);
		}
		return matcher.group(1);
	}

	/** What the JSON endpoint sends: the login's answer, the subscribe's acknowledgement, then the resent events. */
	private static final class Resent implements WebSocket.Listener {

		final CompletableFuture<Void> loggedIn = new CompletableFuture<>();

		final CompletableFuture<String> ack = new CompletableFuture<>();

		final AtomicInteger events = new AtomicInteger();

		final CompletableFuture<Void> done = new CompletableFuture<>();

		private final StringBuilder partial = new StringBuilder();

		/** The offset the resent events end at, as the acknowledgement says (messages arrive one at a time). */
		private long lastOffset = Long.MAX_VALUE;

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.partial.append(data);
			if (last) {
				String message = this.partial.toString();
				this.partial.setLength(0);
				if (message.startsWith("{\"topic\":3,\"action\":3")) {
					this.loggedIn.complete(null);
				}
				else if (message.startsWith("{\"topic\":4,\"action\":3")) {
					if (message.contains("\"recovered\":true")) {
						this.lastOffset = Long.parseLong(firstGroup(OFFSET, message));
					}
					this.ack.complete(message);
				}
				else if (message.startsWith("{\"topic\":4,\"action\":2")) {
					this.events.incrementAndGet();
					if (message.contains("\"offset\":" + this.lastOffset + ",")) {
						this.done.complete(null);
					}
				}
			}
			webSocket.request(1);
			return null;
		}

	}

}
