package io.sluice.connector.mongodb;

import java.time.Duration;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mongodb.MongoDBContainer;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

import io.sluice.connector.RecordStore;
import io.sluice.connector.tck.RecordStoreContract;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The record store contract against a real mongod in a container; skipped where Docker is not available. Here
 * the indexes are real, so the expiry index is checked to be no TTL index.
 */
@Testcontainers(disabledWithoutDocker = true)
class MongoRecordStoreOnMongoDbContainerIT extends RecordStoreContract {

	@Container
	private static final MongoDBContainer mongo = new MongoDBContainer("mongo:8.0");

	private static MongoClient client;

	private static ReactiveMongoTemplate template;

	private static MongoRecordStore store;

	@BeforeAll
	static void connect() {
		client = MongoClients.create(mongo.getReplicaSetUrl("sluice"));
		template = new ReactiveMongoTemplate(client, "sluice");
		store = new MongoRecordStore(template, MongoCollections.DEFAULT_RECORDS);
		store.createIndexes().block(MongoJavaServer.TIMEOUT);
	}

	@AfterAll
	static void disconnect() {
		client.close();
	}

	@Override
	protected RecordStore store() {
		return store;
	}

	@Override
	protected Duration timeout() {
		return MongoJavaServer.TIMEOUT;
	}

	@Test
	void expiryIsIndexedWithoutATtlSoMongoNeverDeletesARecord() {
		StepVerifier.create(template.getCollection(MongoCollections.DEFAULT_RECORDS)
			.flatMapMany((records) -> Flux.from(records.listIndexes()))
			.filter((index) -> index.get("key", Document.class).containsKey("exp")))
			.assertNext((index) -> {
				assertThat(index.getString("name")).isEqualTo(MongoRecordStore.EXPIRY_INDEX);
				assertThat(index.get("key", Document.class)).isEqualTo(new Document("exp", 1));
				assertThat(index.containsKey("expireAfterSeconds")).isFalse();
			})
			.expectComplete()
			.verify(MongoJavaServer.TIMEOUT);
	}

}
