package io.sluice.connector.sql;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;

import io.sluice.connector.VersionedRecord;

/**
 * A process that writes batches through {@link SqlRecordStore}, says so on standard output after each one has
 * completed, and then waits to be killed. Started by {@link SqlRecordStoreCrashTests}.
 */
final class CrashingWriter {

	static final String WRITTEN = "WRITTEN ";

	static final int RECORDS_PER_BATCH = 50;

	private CrashingWriter() {
	}

	/** Arguments: the R2DBC URL, the number of batches. */
	public static void main(String[] args) throws InterruptedException {
		// Pooled, as Spring Boot's is: a connection kept open keeps H2's file open, so nothing but the write
		// itself can put the batch in the file (closing the last connection would flush it).
		ConnectionFactory connectionFactory = TestDatabases.pooled(ConnectionFactories.get(args[0]));
		int batches = Integer.parseInt(args[1]);
		SqlSchema schema = new SqlSchema(connectionFactory);
		schema.create().block(Duration.ofSeconds(30));
		SqlRecordStore store = new SqlRecordStore(schema);
		for (int batch = 1; batch <= batches; batch++) {
			store.upsertIfNewer(batch(batch)).block(Duration.ofSeconds(30));
			System.out.println(WRITTEN + batch);
			System.out.flush();
		}
		Thread.sleep(Long.MAX_VALUE);
	}

	static List<VersionedRecord> batch(int batch) {
		List<VersionedRecord> records = new ArrayList<>(RECORDS_PER_BATCH);
		for (int i = 0; i < RECORDS_PER_BATCH; i++) {
			records.add(VersionedRecord.of("crash/" + batch + "/" + i, batch,
					"{\"batch\":" + batch + ",\"i\":" + i + "}"));
		}
		return records;
	}

}
