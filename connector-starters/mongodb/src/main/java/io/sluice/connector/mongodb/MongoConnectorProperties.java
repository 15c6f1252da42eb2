package io.sluice.connector.mongodb;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the MongoDB connectors, under {@code sluice.mongodb}. The connection itself is Spring Boot's
 * ({@code spring.mongodb.uri}, or {@code spring.mongodb.host}, {@code spring.mongodb.port},
 * {@code spring.mongodb.database} and the credentials beside them).
 *
 * @param recordsCollection the collection holding the record store's records
 * @param historyHeadsCollection the collection holding one head (epoch, last offset) per history stream
 * @param historyEntriesCollection the collection holding the retained history entries
 * @param indexTimeout how long start-up waits for the indexes to be created
 */
@ConfigurationProperties("sluice.mongodb")
public record MongoConnectorProperties(@DefaultValue(MongoCollections.DEFAULT_RECORDS) String recordsCollection,
		@DefaultValue(MongoCollections.DEFAULT_HEADS) String historyHeadsCollection,
		@DefaultValue(MongoCollections.DEFAULT_ENTRIES) String historyEntriesCollection,
		@DefaultValue("30s") Duration indexTimeout) {

	public MongoConnectorProperties {
		// Checked here so that a mistake fails binding, with the property named, rather than the first write.
		MongoCollections.checkName("sluice.mongodb.records-collection", recordsCollection);
		MongoCollections.checkName("sluice.mongodb.history-heads-collection", historyHeadsCollection);
		MongoCollections.checkName("sluice.mongodb.history-entries-collection", historyEntriesCollection);
		if (historyHeadsCollection.equals(historyEntriesCollection)) {
			throw new IllegalArgumentException("sluice.mongodb.history-heads-collection and "
					+ "sluice.mongodb.history-entries-collection must differ, both were " + historyHeadsCollection);
		}
		if (indexTimeout == null || indexTimeout.isNegative() || indexTimeout.isZero()) {
			throw new IllegalArgumentException("sluice.mongodb.index-timeout must be positive, was " + indexTimeout);
		}
	}

	/** The defaults: collections {@code sluice_records}, {@code sluice_history_heads}, {@code sluice_history_entries}. */
	public static MongoConnectorProperties defaults() {
		return new MongoConnectorProperties(MongoCollections.DEFAULT_RECORDS, MongoCollections.DEFAULT_HEADS,
				MongoCollections.DEFAULT_ENTRIES, Duration.ofSeconds(30));
	}

}
