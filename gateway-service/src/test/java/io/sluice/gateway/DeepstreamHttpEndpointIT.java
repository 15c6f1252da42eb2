package io.sluice.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.sluice.gateway.http.HttpTokens;
import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.Topic;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deepstream's HTTP endpoint with the options deepstream's own comparison ({@code HttpApiInteropIT} in sluice-server)
 * leaves at their defaults: auth data not allowed, so only Sluice's tokens (or none, with open authentication); the
 * auth path not served, so a request to it is one to the batch path, as deepstream's prefix match makes it. The
 * effects reach a WebSocket client of the same gateway.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sluice.http.allow-auth-data=false", "sluice.http.enable-auth-endpoint=false" })
class DeepstreamHttpEndpointIT {

	private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@LocalServerPort
	int port;

	@Autowired
	HttpTokens tokens;

	@Test
	void authDataIsRefusedWhenNotAllowed() throws Exception {
		HttpResponse<String> answer = post("/api",
				"{\"authData\":{\"username\":\"ann\"},\"body\":[{\"topic\":\"presence\",\"action\":\"query\"}]}");
		assertThat(answer.statusCode()).isEqualTo(400);
		assertThat(answer.body())
			.isEqualTo("Authentication using authData is disabled. Try using a token instead.\r\n\r\n");
	}

	@Test
	void aTokenOfThisClusterActsForItsUserAndTheEventReachesWebSocketSubscribers() throws Exception {
		String token = this.tokens.issue("http-ann", null, null);
		try (TestClient bob = TestClient.loggedIn(this.port, "http-bob")) {
			bob.send(Message.builder(Topic.EVENT, EventAction.SUBSCRIBE).names(List.of("http/news"))
				.correlationId("1").build());
			assertThat(bob.next().isAck()).isTrue();
			HttpResponse<String> answer = post("/api", "{\"token\":\"" + token + "\",\"body\":["
					+ "{\"topic\":\"event\",\"action\":\"emit\",\"eventName\":\"http/news\",\"data\":{\"n\":1}},"
					+ "{\"topic\":\"presence\",\"action\":\"query\",\"names\":[\"http-bob\",\"http-ann\"]}]}");
			assertThat(answer.statusCode()).isEqualTo(200);
			assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
			assertThat(answer.body()).isEqualTo("{\"result\":\"SUCCESS\",\"body\":[{\"success\":true},"
					+ "{\"users\":{\"http-bob\":true,\"http-ann\":false},\"success\":true}]}\r\n\r\n");
			Message event = bob.next();
			assertThat(event.action()).isEqualTo(EventAction.EMIT);
			assertThat(event.name()).isEqualTo("http/news");
			assertThat(event.dataText()).isEqualTo("{\"n\":1}");
		}
	}

	@Test
	void aForeignTokenGoesToTheAuthenticationWhichOpenAuthenticationAccepts() throws Exception {
		HttpResponse<String> answer = post("/api",
				"{\"token\":\"not-ours\",\"body\":[{\"topic\":\"record\",\"action\":\"head\",\"recordName\":\"http/none\"}]}");
		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(answer.body()).isEqualTo("{\"result\":\"SUCCESS\",\"body\":[{\"version\":-1,\"success\":true}]}\r\n\r\n");
	}

	@Test
	void aRecordWriteWithATimeToLiveExpiresAsADeleteSubscribersHearOf() throws Exception {
		String name = "http/ttl/write";
		try (TestClient subscriber = TestClient.loggedIn(this.port, "http-ttl-subscriber")) {
			subscriber.openNewRecord(name);

			HttpResponse<String> answer = post("/api", "{\"body\":[{\"topic\":\"record\",\"action\":\"write\","
					+ "\"recordName\":\"" + name + "\",\"data\":{\"a\":1},\"ttl\":\"1s\"}]}");
			assertThat(answer.body()).isEqualTo("{\"result\":\"SUCCESS\",\"body\":[{\"success\":true}]}\r\n\r\n");
			assertThat(subscriber.next().action()).isEqualTo(RecordAction.UPDATE);
			// The sweep deletes it within its interval of the deadline: no one reads it meanwhile.
			Message deleted = subscriber.next();
			assertThat(deleted.action()).isEqualTo(RecordAction.DELETED);
			assertThat(deleted.name()).isEqualTo(name);
		}
	}

	@Test
	void aTimeToLiveThatIsNoDurationFailsTheCommandWithItsReason() throws Exception {
		HttpResponse<String> answer = post("/api", "{\"body\":[{\"topic\":\"record\",\"action\":\"write\","
				+ "\"recordName\":\"http/ttl/bad\",\"data\":{},\"ttl\":\"30\"},"
				+ "{\"topic\":\"record\",\"action\":\"head\",\"recordName\":\"http/ttl/bad\"}]}");
		assertThat(answer.statusCode()).isEqualTo(400);
		assertThat(answer.body()).contains("property '.ttl' must be a positive duration with its unit, such as 30s, "
				+ "15m, 2h, 7d or PT30S; was '30'");
	}

	@Test
	void malformedJsonIsRefusedWithWhereItWentWrong() throws Exception {
		HttpResponse<String> answer = post("/api", "{\"body\": [}");
		assertThat(answer.statusCode()).isEqualTo(400);
		assertThat(answer.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
		assertThat(answer.body()).startsWith("Failed to parse body of request: Unexpected close marker '}'")
			.endsWith(" at position 10\r\n\r\n");
	}

	@Test
	void withoutItsEndpointTheAuthPathIsTheBatchPath() throws Exception {
		HttpResponse<String> answer = post("/api/auth", "{\"username\":\"ann\"}");
		assertThat(answer.statusCode()).isEqualTo(400);
		assertThat(answer.body()).isEqualTo("Invalid message: the \"body\" parameter must exist.\r\n\r\n");
	}

	@Test
	void aBatchRunsInOrderSoAReadSeesTheWriteBeforeIt() throws Exception {
		HttpResponse<String> answer = post("/api", "{\"body\":["
				+ "{\"topic\":\"record\",\"action\":\"write\",\"recordName\":\"http/ordered\",\"data\":{\"a\":1}},"
				+ "{\"topic\":\"record\",\"action\":\"write\",\"recordName\":\"http/ordered\",\"path\":\"b\",\"data\":2},"
				+ "{\"topic\":\"record\",\"action\":\"read\",\"recordName\":\"http/ordered\"}]}");
		assertThat(answer.body()).isEqualTo("{\"result\":\"SUCCESS\",\"body\":[{\"success\":true},{\"success\":true},"
				+ "{\"version\":2,\"data\":{\"a\":1,\"b\":2},\"success\":true}]}\r\n\r\n");
	}

	private HttpResponse<String> post(String path, String body) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
	}

}
