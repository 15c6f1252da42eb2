package io.sluice.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An authentication webhook on loopback for servers started with {@code --sluice.auth.type=webhook}: each login's
 * {@code authData} is answered with a status and a JSON body chosen by the test.
 */
final class AuthWebhook implements AutoCloseable {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final HttpServer server;

	private AuthWebhook(Function<JsonNode, Answer> answers) throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.setExecutor(this.executor);
		this.server.createContext("/auth", (exchange) -> {
			Answer answer = answers.apply(json.readTree(exchange.getRequestBody()).path("authData"));
			byte[] bytes = json.writeValueAsString(answer.body()).getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(answer.status(), bytes.length);
			exchange.getResponseBody().write(bytes);
			exchange.close();
		});
		this.server.start();
	}

	/** @param answers what to answer for a login's {@code authData} */
	static AuthWebhook start(Function<JsonNode, Answer> answers) throws IOException {
		return new AuthWebhook(answers);
	}

	static ObjectNode object() {
		return json.createObjectNode();
	}

	/** The server's {@code --sluice.auth.webhook.url}. */
	String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/auth";
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	record Answer(int status, ObjectNode body) {
	}

}
