package io.sluice.connector.mongodb;

import java.time.Clock;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.mongodb.core.ReactiveMongoOperations;

import io.sluice.connector.ConnectionMissingException;
import io.sluice.connector.ConnectorChoice;
import io.sluice.connector.ConnectorException;
import io.sluice.connector.RecordStore;
import io.sluice.connector.StreamArchive;
import io.sluice.connector.StreamHistory;

/**
 * The MongoDB connectors: {@link MongoRecordStore} when {@code sluice.storage.type=mongodb},
 * {@link MongoStreamHistory} when {@code sluice.history.type=mongodb}, each unless the application defines its
 * own. They use the {@link ReactiveMongoOperations} (Spring Boot's {@code ReactiveMongoTemplate}) of Spring Boot's
 * reactive MongoDB auto-configuration ({@code spring.mongodb.*}), create their indexes while the application
 * starts, and are ordered before the in-memory defaults so those back off. Choosing one without Spring Data
 * MongoDB or a template fails the start-up, explained.
 */
@AutoConfiguration(
		afterName = { "org.springframework.boot.mongodb.autoconfigure.MongoReactiveAutoConfiguration",
				"org.springframework.boot.data.mongodb.autoconfigure.DataMongoReactiveAutoConfiguration" },
		beforeName = "io.sluice.connector.memory.MemoryConnectorAutoConfiguration")
@Conditional(MongoConnectorAutoConfiguration.MongoConnectorChosen.class)
@EnableConfigurationProperties(MongoConnectorProperties.class)
public final class MongoConnectorAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(MongoConnectorAutoConfiguration.class);

	static final String STORAGE_TYPE = ConnectorChoice.STORAGE_TYPE;

	static final String HISTORY_TYPE = ConnectorChoice.HISTORY_TYPE;

	private static final String SPRING_DATA_MONGODB = "org.springframework.data.mongodb.core.ReactiveMongoOperations";

	private static final String REACTIVE_DRIVER = "com.mongodb.reactivestreams.client.MongoClient";

	/**
	 * Why a chosen MongoDB connector cannot be built: Spring Data MongoDB or the reactive streams driver is not on
	 * the class path ({@code libraryMissing}), or no {@code ReactiveMongoOperations} bean exists.
	 */
	static ConnectionMissingException connectionMissing(Environment environment, boolean libraryMissing) {
		return new ConnectionMissingException("MongoDB", ConnectorChoice.choosingProperties(environment, "mongodb"),
				libraryMissing ? "Spring Data MongoDB Reactive is not on the class path"
						: "no ReactiveMongoOperations bean exists",
				libraryMissing ? "Spring Data MongoDB (org.springframework.data:spring-data-mongodb) or the reactive "
						+ "streams driver (org.mongodb:mongodb-driver-reactivestreams) is not on the class path."
						: "no ReactiveMongoOperations bean exists: Spring Boot creates a ReactiveMongoTemplate from "
								+ "spring.mongodb.* only when its reactive MongoDB auto-configurations "
								+ "(MongoReactiveAutoConfiguration, DataMongoReactiveAutoConfiguration) are not "
								+ "excluded.",
				"Add org.springframework.boot:spring-boot-starter-data-mongodb-reactive (it brings Spring Data "
						+ "MongoDB and the reactive streams driver), do not exclude its auto-configuration, and point "
						+ "spring.mongodb.uri at your MongoDB (for example mongodb://localhost:27017/sluice)");
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { SPRING_DATA_MONGODB, REACTIVE_DRIVER })
	static final class MongoAdapters {

		@Bean
		@ConditionalOnProperty(name = STORAGE_TYPE, havingValue = "mongodb")
		@ConditionalOnMissingBean(RecordStore.class)
		MongoRecordStore mongoRecordStore(ObjectProvider<ReactiveMongoOperations> operations,
				MongoConnectorProperties properties, Environment environment) {
			MongoRecordStore store = new MongoRecordStore(operations(operations, environment),
					properties.recordsCollection(), Clock.systemUTC());
			createIndexes(store.createIndexes(), properties.indexTimeout());
			logger.info("RecordStore: mongodb (collection {}, expiry index on exp)", properties.recordsCollection());
			return store;
		}

		@Bean
		@ConditionalOnProperty(name = HISTORY_TYPE, havingValue = "mongodb")
		@ConditionalOnMissingBean(StreamHistory.class)
		MongoStreamHistory mongoStreamHistory(ObjectProvider<ReactiveMongoOperations> operations,
				MongoConnectorProperties properties, Environment environment) {
			MongoStreamHistory history = history(operations, properties, environment);
			logger.info("StreamHistory: mongodb, cold (collections {}, {})", properties.historyHeadsCollection(),
					properties.historyEntriesCollection());
			return history;
		}

		/**
		 * The cold tier of a hot event history (memory, Redis) when the records are stored in MongoDB: the storage
		 * worker stores the history's entries in the collections {@link #mongoStreamHistory} uses. Only beside this
		 * starter's own record store.
		 */
		@Bean
		@ConditionalOnBean(MongoRecordStore.class)
		@ConditionalOnMissingBean(StreamArchive.class)
		StreamArchive mongoStreamArchive(ObjectProvider<ReactiveMongoOperations> operations,
				MongoConnectorProperties properties, Environment environment) {
			return history(operations, properties, environment).archive();
		}

		private static MongoStreamHistory history(ObjectProvider<ReactiveMongoOperations> operations,
				MongoConnectorProperties properties, Environment environment) {
			MongoStreamHistory history = new MongoStreamHistory(operations(operations, environment),
					properties.historyHeadsCollection(), properties.historyEntriesCollection(), Clock.systemUTC());
			createIndexes(history.createIndexes(), properties.indexTimeout());
			return history;
		}

		private static ReactiveMongoOperations operations(ObjectProvider<ReactiveMongoOperations> operations,
				Environment environment) {
			ReactiveMongoOperations available = operations.getIfUnique();
			if (available == null) {
				throw connectionMissing(environment, false);
			}
			return available;
		}

		private static void createIndexes(Mono<Void> creation, Duration timeout) {
			// Blocking is right here: this runs once, on the start-up thread, and the unique index is what keeps
			// history offsets gapless, so no adapter may be used before its indexes exist.
			creation.timeout(timeout, Mono.error(() -> new ConnectorException(MongoFailures.CONNECTOR,
					"Creating the indexes took longer than sluice.mongodb.index-timeout (" + timeout
							+ "): is the MongoDB at spring.mongodb.uri reachable?")))
				.block();
		}

	}

	/**
	 * Stands in for each adapter that was chosen but cannot be built without Spring Data MongoDB and the reactive
	 * driver, so that the start-up fails with an explanation instead of quietly falling back to memory.
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(MongoLibraryMissing.Missing.class)
	static final class MongoLibraryMissing {

		@Bean
		@ConditionalOnProperty(name = STORAGE_TYPE, havingValue = "mongodb")
		@ConditionalOnMissingBean(RecordStore.class)
		RecordStore mongoRecordStore(Environment environment) {
			throw connectionMissing(environment, true);
		}

		@Bean
		@ConditionalOnProperty(name = HISTORY_TYPE, havingValue = "mongodb")
		@ConditionalOnMissingBean(StreamHistory.class)
		StreamHistory mongoStreamHistory(Environment environment) {
			throw connectionMissing(environment, true);
		}

		/** Either library is missing. */
		static final class Missing extends AnyNestedCondition {

			Missing() {
				super(ConfigurationPhase.REGISTER_BEAN);
			}

			@ConditionalOnMissingClass(SPRING_DATA_MONGODB)
			static final class SpringData {

			}

			@ConditionalOnMissingClass(REACTIVE_DRIVER)
			static final class Driver {

			}

		}

	}

	/** Either MongoDB connector was chosen. */
	static final class MongoConnectorChosen extends AnyNestedCondition {

		MongoConnectorChosen() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty(name = STORAGE_TYPE, havingValue = "mongodb")
		static final class StorageType {

		}

		@ConditionalOnProperty(name = HISTORY_TYPE, havingValue = "mongodb")
		static final class HistoryType {

		}

	}

}
