package io.sluice.connector.mongodb;

import java.time.Duration;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

/**
 * An in-JVM MongoDB wire-protocol server (mongo-java-server, answering as MongoDB 5.0) on a random port, with a
 * client and a template on it. It is not a real mongod: no transactions, and TTL indexes are accepted but
 * whether it ever deletes expired documents is not relied upon.
 */
final class MongoJavaServer implements AutoCloseable {

	static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final MongoServer server;

	private final MongoClient client;

	private final String connectionString;

	MongoJavaServer() {
		this.server = new MongoServer(new MemoryBackend().version(ServerVersion.MONGO_5_0));
		this.connectionString = this.server.bindAndGetConnectionString();
		this.client = MongoClients.create(MongoClientSettings.builder()
			.applyConnectionString(new ConnectionString(this.connectionString))
			.build());
	}

	/** The server's address, such as {@code mongodb://127.0.0.1:41234}. */
	String connectionString() {
		return this.connectionString;
	}

	/** A template on the database {@code database}. */
	ReactiveMongoTemplate template(String database) {
		return new ReactiveMongoTemplate(this.client, database);
	}

	@Override
	public void close() {
		this.client.close();
		this.server.shutdownNow();
	}

}
