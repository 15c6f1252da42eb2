package io.sluice.bench.load;

import java.io.PrintStream;

/**
 * Runs one scenario against one server and prints one JSON line (prefixed {@code RESULT }) and one readable row.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.sluice.bench.load.LoadMain --url ws://127.0.0.1:6020/deepstream \
 *     --target sluice --scenario events --subscribers 100 --duration 10 --server-pid 1234
 * </pre>
 *
 * Scenarios: {@code events} (--subscribers, --rate, --window), {@code records} (--subscribers, --rate, --window),
 * {@code record-opens} (--in-flight), {@code rpc} (--in-flight), {@code idle} (--connections, needs --server-pid),
 * {@code history-resend} (--entries, --resend; needs a server that keeps the history of {@code bench/resend/.*}),
 * {@code soak} (--duration, --out, needs --server-pid; see {@link Soak}: it writes its own results and exits 0 if
 * the server stayed bounded without errors, 3 if not). With {@code --subscriber-urls}, the subscribers of events and
 * records connect to those servers in turn (the other nodes of a cluster) while the publisher stays on {@code --url}.
 * Every run is bounded by {@code --warmup} + {@code --duration} plus connection set-up, and the process exits when it
 * is done.
 */
public final class LoadMain {

	private LoadMain() {
	}

	public static void main(String[] args) {
		PrintStream out = System.out;
		Options options;
		try {
			options = Options.parse(args);
		}
		catch (RuntimeException ex) {
			System.err.println(ex.getMessage());
			System.err.println("Usage: LoadMain --url ws://127.0.0.1:6020/deepstream --target NAME "
					+ "--scenario events|records|record-opens|rpc|idle|history-resend|soak [--subscribers N] [--rate N] [--window N] "
					+ "[--in-flight N] [--event-prefix P] [--entries N] [--resend json|rest] "
					+ "[--connections N] [--duration S] [--warmup S] [--server-pid PID] [--threads N] "
					+ "[--source-addresses N] [--payload-bytes N] [--run N] [--subscriber-urls URL,URL] [--out DIR]");
			System.exit(2);
			return;
		}
		if (options.scenario().equals("soak")) {
			int status;
			try {
				status = Soak.run(options) ? 0 : 3;
			}
			catch (Exception ex) {
				System.err.println(options.target() + " soak failed: " + ex);
				ex.printStackTrace();
				status = 1;
			}
			System.exit(status);
			return;
		}
		try {
			RunResult result = switch (options.scenario()) {
				case "events" -> EventFanOut.run(options);
				case "records" -> RecordWrites.run(options);
				case "record-opens" -> RecordOpens.run(options);
				case "rpc" -> RpcCalls.run(options);
				case "idle" -> IdleConnections.run(options);
				case "history-resend" -> HistoryResend.run(options);
				default -> throw new IllegalArgumentException("Unknown scenario '" + options.scenario() + "'");
			};
			out.println("RESULT " + result.toJson());
			out.println(result.toRow());
			out.flush();
			System.exit(0);
		}
		catch (Exception ex) {
			System.err.println(options.target() + " " + options.scenario() + " failed: " + ex);
			out.println("FAILED {\"target\":\"" + options.target() + "\",\"scenario\":\"" + options.scenario()
					+ "\",\"error\":\"" + String.valueOf(ex.getMessage()).replace('"', '\'') + "\"}");
			System.exit(1);
		}
	}

}
