package io.sluice.connector.mongodb;

import java.util.List;

/**
 * A MongoDB connector was chosen, but the application cannot reach MongoDB: Spring Data MongoDB or the reactive
 * streams driver is not on the class path, or no {@code ReactiveMongoOperations} bean exists. Thrown at start-up
 * so that the application does not quietly fall back to memory.
 */
final class MongoConnectionMissingException extends RuntimeException {

	private final List<String> choosingProperties;

	private final boolean libraryMissing;

	MongoConnectionMissingException(List<String> choosingProperties, boolean libraryMissing) {
		super(String.join(" and ", choosingProperties) + " chose the MongoDB connector, but "
				+ (libraryMissing ? "Spring Data MongoDB Reactive is not on the class path"
						: "no ReactiveMongoOperations bean exists"));
		this.choosingProperties = List.copyOf(choosingProperties);
		this.libraryMissing = libraryMissing;
	}

	/** The properties that chose the MongoDB connector, such as {@code sluice.storage.type=mongodb}. */
	List<String> choosingProperties() {
		return this.choosingProperties;
	}

	/** Whether the library is missing, rather than the connection. */
	boolean libraryMissing() {
		return this.libraryMissing;
	}

}
