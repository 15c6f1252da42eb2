package io.sluice.connector.mongodb;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start-up that chose a MongoDB connector without the means to reach MongoDB.
 */
final class MongoConnectionMissingFailureAnalyzer extends AbstractFailureAnalyzer<MongoConnectionMissingException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MongoConnectionMissingException cause) {
		String chosenBy = String.join(" and ", cause.choosingProperties());
		String description = chosenBy + " chose the MongoDB connector, but "
				+ (cause.libraryMissing() ? "Spring Data MongoDB (org.springframework.data:spring-data-mongodb) or the "
						+ "reactive streams driver (org.mongodb:mongodb-driver-reactivestreams) is not on the class path."
						: "no ReactiveMongoOperations bean exists: Spring Boot creates a ReactiveMongoTemplate from "
								+ "spring.mongodb.* only when its reactive MongoDB auto-configurations "
								+ "(MongoReactiveAutoConfiguration, DataMongoReactiveAutoConfiguration) are not excluded.");
		String action = "Add org.springframework.boot:spring-boot-starter-data-mongodb-reactive (it brings Spring Data "
				+ "MongoDB and the reactive streams driver), do not exclude its auto-configuration, and point "
				+ "spring.mongodb.uri at your MongoDB (for example mongodb://localhost:27017/sluice); or choose another "
				+ "connector with " + chosenBy.replace("=mongodb", "=memory") + ".";
		return new FailureAnalysis(description, action, cause);
	}

}
