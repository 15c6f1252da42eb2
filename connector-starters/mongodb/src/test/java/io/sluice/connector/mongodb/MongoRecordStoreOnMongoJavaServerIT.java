package io.sluice.connector.mongodb;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.sluice.connector.RecordStore;
import io.sluice.connector.tck.RecordStoreContract;

/**
 * The record store contract, against mongo-java-server answering as MongoDB 5.0, expiry included (the store
 * keeps expired records; it creates no TTL index).
 */
class MongoRecordStoreOnMongoJavaServerIT extends RecordStoreContract {

	private static MongoJavaServer server;

	private static MongoRecordStore store;

	@BeforeAll
	static void startServer() {
		server = new MongoJavaServer();
		store = new MongoRecordStore(server.template("sluice"), MongoCollections.DEFAULT_RECORDS);
		store.createIndexes().block(MongoJavaServer.TIMEOUT);
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Override
	protected RecordStore store() {
		return store;
	}

	@Override
	protected Duration timeout() {
		return MongoJavaServer.TIMEOUT;
	}

}
