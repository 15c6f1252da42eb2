package io.sluice.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An authentication webhook on loopback for servers started with {@code --sluice.auth.type=webhook}: each login's
 * {@code authData} is answered with a status and a JSON body chosen by the test. A test class registers it as an
 * extension, which serves it from before the first test to after the last:
 * {@code @RegisterExtension static final AuthWebhook webhook = AuthWebhook.answering((authData) -> ...);}
 */
final class AuthWebhook implements BeforeAllCallback, AfterAllCallback {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final Function<JsonNode, Answer> answers;

	private ExecutorService executor;

	private HttpServer server;

	private AuthWebhook(Function<JsonNode, Answer> answers) {
		this.answers = answers;
	}

	/** @param answers what to answer for a login's {@code authData} */
	static AuthWebhook answering(Function<JsonNode, Answer> answers) {
		return new AuthWebhook(answers);
	}

	@Override
	public void beforeAll(ExtensionContext context) throws IOException {
		this.executor = Executors.newCachedThreadPool();
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.setExecutor(this.executor);
		this.server.createContext("/auth", (exchange) -> {
			Answer answer = this.answers.apply(json.readTree(exchange.getRequestBody()).path("authData"));
			byte[] bytes = json.writeValueAsString(answer.body()).getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(answer.status(), bytes.length);
			exchange.getResponseBody().write(bytes);
			exchange.close();
		});
		this.server.start();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (this.server != null) {
			this.server.stop(0);
			this.executor.shutdownNow();
			this.server = null;
		}
	}

	static ObjectNode object() {
		return json.createObjectNode();
	}

	/** The server's {@code --sluice.auth.webhook.url}. */
	String url() {
		if (this.server == null) {
			throw new IllegalStateException("the webhook serves only while its test class runs: register it with "
					+ "@RegisterExtension on a static field");
		}
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/auth";
	}

	record Answer(int status, ObjectNode body) {
	}

}
