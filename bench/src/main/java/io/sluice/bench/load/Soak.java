package io.sluice.bench.load;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The soak: every kind of load at once, at modest rates ({@link SoakLoad}), for {@code --duration} seconds, with the
 * server's heap after a full GC, RSS, threads and open files sampled every {@value SoakSampler#SAMPLE_SECONDS} s
 * ({@link SoakSampler}), and a verdict on whether it stayed bounded without errors ({@link SoakReport}). Writes
 * {@code soak.csv}, {@code summary.md} and two class histograms (after the warm-up and at the end) to {@code --out}.
 */
final class Soak {

	private final Options options;

	private final String id = UUID.randomUUID().toString();

	private final long startNanos = System.nanoTime();

	private final SoakErrors errors = new SoakErrors(this::elapsedSeconds);

	private Soak(Options options) {
		this.options = options;
	}

	/** Runs the soak; true if the server stayed bounded without errors. */
	static boolean run(Options options) throws Exception {
		return new Soak(options).run();
	}

	private boolean run() throws Exception {
		Path out = Path.of(this.options.out());
		Files.createDirectories(out);
		long durationSeconds = this.options.duration().toSeconds();
		List<SoakReport.Sample> samples;
		String warmHistogram;
		String endHistogram;
		SoakLoad load;
		ScheduledExecutorService driver = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "soak-driver");
			thread.setDaemon(true);
			return thread;
		});
		try (ServerProbe probe = new ServerProbe(this.options.serverPid());
				LoadClient client = new LoadClient(this.options.url(), this.options.threads(),
						this.options.sourceAddresses());
				LoadClient slowClient = new LoadClient(this.options.url(), 1, this.options.sourceAddresses(), 1024);
				PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out.resolve("soak.csv")))) {
			load = new SoakLoad(client, this.id, this.options.padding(), this.errors);
			load.start(slowClient, driver);
			SoakSampler sampler = new SoakSampler(probe, load, this.startNanos, out);
			samples = sampler.sample(durationSeconds, csv);
			warmHistogram = sampler.warmHistogram();
			load.stop();
			driver.shutdownNow();
			endHistogram = probe.classHistogram();
			Files.writeString(out.resolve("histogram-end.txt"), endHistogram);
			load.closeAll();
		}
		return SoakReport.summarise(out, this.options.target(), samples, load.counts(), load.generations(),
				this.errors, warmHistogram, endHistogram);
	}

	private double elapsedSeconds() {
		return (System.nanoTime() - this.startNanos) / 1e9;
	}

}
