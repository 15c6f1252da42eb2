package io.sluice.connector.mongodb;

import java.time.Duration;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mongodb.MongoDBContainer;

import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

import io.sluice.connector.StreamHistory;
import io.sluice.connector.tck.StreamHistoryContract;

/**
 * The stream history contract against a real mongod in a container; skipped where Docker is not available.
 */
@Testcontainers(disabledWithoutDocker = true)
class MongoStreamHistoryOnMongoDbContainerIT extends StreamHistoryContract {

	@Container
	private static final MongoDBContainer mongo = new MongoDBContainer("mongo:8.0");

	private static MongoClient client;

	private static MongoStreamHistory history;

	@BeforeAll
	static void connect() {
		client = MongoClients.create(mongo.getReplicaSetUrl("sluice"));
		history = new MongoStreamHistory(new ReactiveMongoTemplate(client, "sluice"), MongoCollections.DEFAULT_HEADS,
				MongoCollections.DEFAULT_ENTRIES);
		history.createIndexes().block(MongoJavaServer.TIMEOUT);
	}

	@AfterAll
	static void disconnect() {
		client.close();
	}

	@Override
	protected StreamHistory history() {
		return history;
	}

	@Override
	protected Duration timeout() {
		return MongoJavaServer.TIMEOUT;
	}

}
