package io.sluice.gateway.auth;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The webhook against a real HTTP server on a random port, answering as each test tells it to. */
class WebhookAuthenticatorTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final JsonMapper json = JsonMapper.builder().build();

	private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();

	private final AtomicInteger count = new AtomicInteger();

	private volatile IntFunction<Answer> answers = (n) -> new Answer(200, "{}", Duration.ZERO);

	private final DisposableServer server = HttpServer.create()
		.host("127.0.0.1")
		.port(0)
		.handle((request, response) -> request.receive().aggregate().asString().defaultIfEmpty("").flatMap((body) -> {
			this.requests.add(new Request(request.method().name(), body, request.requestHeaders().get("token")));
			Answer answer = this.answers.apply(this.count.incrementAndGet());
			return Mono.delay(answer.delay())
				.then(response.status(answer.status()).sendString(Mono.just(answer.body())).then());
		}))
		.bindNow();

	@AfterEach
	void stopServer() {
		this.server.disposeNow();
	}

	@Test
	void permittedStatusLogsInWithTheIdAndClientDataOfTheAnswer() throws Exception {
		this.answers = (n) -> new Answer(200, "{\"id\":\"ann\",\"clientData\":{\"role\":\"admin\"},"
				+ "\"serverData\":{\"team\":7}}", Duration.ZERO);
		WebhookProperties properties = new WebhookProperties(url(), List.of(200), List.of(503), 3,
				Duration.ofMillis(10), Duration.ofSeconds(2), List.of("token"));
		AuthResult result = authenticate(new WebhookAuthenticator(properties), "{\"token\":\"t-1\",\"x\":1}");
		assertThat(result.accepted()).isTrue();
		assertThat(result.userId()).isEqualTo("ann");
		assertThat(json(result.clientData())).isEqualTo(this.json.readTree("{\"role\":\"admin\"}"));
		assertThat(json(result.serverData())).isEqualTo(this.json.readTree("{\"team\":7}"));
		Request request = this.requests.take();
		JsonNode body = this.json.readTree(request.body());
		assertThat(body.get("authData")).isEqualTo(this.json.readTree("{\"token\":\"t-1\",\"x\":1}"));
		assertThat(body.get("connectionData").get("remoteAddress").asString()).isEqualTo("10.0.0.1");
		assertThat(body.get("connectionData").get("url").asString()).isEqualTo("ws://gateway/deepstream");
		assertThat(request.token()).isEqualTo("t-1");
	}

	@Test
	void otherStatusRefusesWithTheClientDataOfTheAnswerAsReason() {
		this.answers = (n) -> new Answer(401, "{\"clientData\":{\"reason\":\"expired\"}}", Duration.ZERO);
		AuthResult result = authenticate(new WebhookAuthenticator(WebhookProperties.of(url())), "{}");
		assertThat(result.accepted()).isFalse();
		assertThat(json(result.clientData())).isEqualTo(this.json.readTree("{\"reason\":\"expired\"}"));
		assertThat(this.count).hasValue(1);
	}

	@Test
	void refusalWithoutClientDataStillGivesAReason() {
		this.answers = (n) -> new Answer(403, "", Duration.ZERO);
		AuthResult result = authenticate(new WebhookAuthenticator(WebhookProperties.of(url())), "{}");
		assertThat(result.accepted()).isFalse();
		assertThat(new String(result.clientData(), StandardCharsets.UTF_8)).isEqualTo("\"Invalid authentication details\"");
	}

	@Test
	void retryStatusesAreRetriedUntilAnAnswer() {
		this.answers = (n) -> (n < 3) ? new Answer(503, "busy", Duration.ZERO) : new Answer(200, "\"bob\"", Duration.ZERO);
		WebhookProperties properties = new WebhookProperties(url(), List.of(200), List.of(503), 3,
				Duration.ofMillis(20), Duration.ofSeconds(2), List.of());
		AuthResult result = authenticate(new WebhookAuthenticator(properties), "{}");
		assertThat(result.accepted()).isTrue();
		assertThat(result.userId()).isEqualTo("bob");
		assertThat(this.count).hasValue(3);
	}

	@Test
	void retriesThatRunOutRefuseAsDeepstreamDoes() {
		this.answers = (n) -> new Answer(503, "busy", Duration.ZERO);
		WebhookProperties properties = new WebhookProperties(url(), List.of(200), List.of(503), 2,
				Duration.ofMillis(20), Duration.ofSeconds(2), List.of());
		AuthResult result = authenticate(new WebhookAuthenticator(properties), "{}");
		assertThat(result.accepted()).isFalse();
		assertThat(result.clientData()).isEqualTo(WebhookAuthenticator.RETRIES_EXCEEDED);
		assertThat(this.count).hasValue(3);
	}

	@Test
	void requestThatTimesOutIsRetriedThenRefused() {
		this.answers = (n) -> new Answer(200, "{\"id\":\"late\"}", Duration.ofSeconds(30));
		// Long enough for the retry to reach the service on a busy machine, far below the service's 30 s.
		WebhookProperties properties = new WebhookProperties(url(), List.of(200), List.of(), 1, Duration.ZERO,
				Duration.ofSeconds(3), List.of());
		long start = System.nanoTime();
		AuthResult result = authenticate(new WebhookAuthenticator(properties), "{}");
		assertThat(result.accepted()).isFalse();
		assertThat(result.clientData()).isEqualTo(WebhookAuthenticator.RETRIES_EXCEEDED);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
		assertThat(this.count).hasValue(2);
	}

	@Test
	void unreachableServiceRefuses() {
		URI closed = url();
		this.server.disposeNow();
		WebhookProperties properties = new WebhookProperties(closed, List.of(200), List.of(), 1, Duration.ZERO,
				Duration.ofSeconds(1), List.of());
		AuthResult result = authenticate(new WebhookAuthenticator(properties), "{}");
		assertThat(result.accepted()).isFalse();
		assertThat(result.clientData()).isEqualTo(WebhookAuthenticator.RETRIES_EXCEEDED);
	}

	@Test
	void warmUpSendsOneHeadAndNoLoginAndLoginsFollow() throws Exception {
		this.answers = (n) -> new Answer((n == 1) ? 405 : 200, "{\"id\":\"ann\"}", Duration.ZERO);
		WebhookAuthenticator authenticator = new WebhookAuthenticator(WebhookProperties.of(url()));
		StepVerifier.create(authenticator.warmUp()).expectComplete().verify(TIMEOUT);
		Request warmUp = this.requests.take();
		assertThat(warmUp.method()).isEqualTo("HEAD");
		assertThat(warmUp.body()).isEmpty();
		assertThat(authenticate(authenticator, "{}").userId()).isEqualTo("ann");
		assertThat(this.requests.take().method()).isEqualTo("POST");
		assertThat(this.count).hasValue(2);
	}

	@Test
	void warmUpCompletesWhenTheServiceIsDown() {
		URI closed = url();
		this.server.disposeNow();
		StepVerifier.create(new WebhookAuthenticator(WebhookProperties.of(closed)).warmUp())
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void warmUpCompletesWhenTheServiceDoesNotAnswerInTime() {
		this.answers = (n) -> new Answer(200, "{}", Duration.ofSeconds(5));
		WebhookProperties properties = new WebhookProperties(url(), List.of(200), List.of(), 0, Duration.ZERO,
				Duration.ofMillis(200), List.of());
		StepVerifier.create(new WebhookAuthenticator(properties).warmUp()).expectComplete().verify(TIMEOUT);
	}

	private AuthResult authenticate(Authenticator authenticator, String authData) {
		ConnectionData connection = new ConnectionData("10.0.0.1", Map.of("origin", "test"), "ws://gateway/deepstream");
		AuthResult[] result = new AuthResult[1];
		StepVerifier.create(authenticator.authenticate(connection, this.json.readTree(authData)))
			.consumeNextWith((answer) -> result[0] = answer)
			.expectComplete()
			.verify(TIMEOUT);
		return result[0];
	}

	private JsonNode json(byte[] bytes) {
		return this.json.readTree(bytes);
	}

	private URI url() {
		return URI.create("http://127.0.0.1:" + this.server.port() + "/auth");
	}

	record Request(String method, String body, String token) {
	}

	record Answer(int status, String body, Duration delay) {
	}

}
