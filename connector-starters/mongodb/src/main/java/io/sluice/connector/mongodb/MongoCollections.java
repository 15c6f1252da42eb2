package io.sluice.connector.mongodb;

import java.util.Objects;
import java.util.function.Function;

import com.mongodb.WriteConcern;
import com.mongodb.reactivestreams.client.MongoCollection;
import org.bson.Document;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.data.mongodb.core.ReactiveMongoOperations;

/**
 * The collections of the MongoDB adapters, reached through Spring Data's {@link ReactiveMongoOperations} (and so
 * through the database Spring Boot configured), with every failure translated.
 */
final class MongoCollections {

	static final String DEFAULT_RECORDS = "sluice_records";

	static final String DEFAULT_HEADS = "sluice_history_heads";

	static final String DEFAULT_ENTRIES = "sluice_history_entries";

	private final ReactiveMongoOperations operations;

	MongoCollections(ReactiveMongoOperations operations) {
		this.operations = Objects.requireNonNull(operations, "operations");
	}

	/** Runs {@code work} on the collection {@code name}; any failure becomes a ConnectorException. */
	<T> Mono<T> with(String name, Function<MongoCollection<Document>, Mono<T>> work, String what) {
		return MongoFailures.translate(this.operations.getCollection(name).map(MongoCollections::acknowledged)
			.flatMap(work), what);
	}

	/** As {@link #with}, for work giving many results. */
	<T> Flux<T> withMany(String name, Function<MongoCollection<Document>, Flux<T>> work, String what) {
		return MongoFailures.translate(this.operations.getCollection(name).flatMapMany(work), what);
	}

	private static MongoCollection<Document> acknowledged(MongoCollection<Document> collection) {
		// Counting what was written, and promising it is stored when the Mono completes, both need the server's
		// answer: an application-wide unacknowledged write concern is overridden here.
		return collection.getWriteConcern().isAcknowledged() ? collection
				: collection.withWriteConcern(WriteConcern.ACKNOWLEDGED);
	}

	/**
	 * Checks that {@code name} can name a collection of its own: not empty, no {@code $} or NUL, not in the
	 * {@code system.} namespace MongoDB reserves.
	 */
	static void checkName(String property, String name) {
		if (name == null || name.isBlank() || name.indexOf('$') >= 0 || name.indexOf('\0') >= 0
				|| name.startsWith("system.") || name.length() > 120) {
			throw new IllegalArgumentException(property + " must be a collection name (not empty, at most 120 "
					+ "characters, without '$' or NUL, not starting with 'system.'), was '" + name + "'");
		}
	}

}
