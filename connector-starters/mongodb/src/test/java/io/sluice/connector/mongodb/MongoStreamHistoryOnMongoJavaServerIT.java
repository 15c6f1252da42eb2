package io.sluice.connector.mongodb;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.sluice.connector.StreamArchive;
import io.sluice.connector.tck.StreamArchiveContract;

/**
 * The stream archive contract (with the history contract on the archive's history), against mongo-java-server
 * answering as MongoDB 5.0.
 */
class MongoStreamHistoryOnMongoJavaServerIT extends StreamArchiveContract {

	private static MongoJavaServer server;

	private static MongoStreamHistory history;

	@BeforeAll
	static void startServer() {
		server = new MongoJavaServer();
		history = new MongoStreamHistory(server.template("sluice"), MongoCollections.DEFAULT_HEADS,
				MongoCollections.DEFAULT_ENTRIES);
		history.createIndexes().block(MongoJavaServer.TIMEOUT);
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Override
	protected StreamArchive archive() {
		return history.archive();
	}

	@Override
	protected Duration timeout() {
		return MongoJavaServer.TIMEOUT;
	}

}
