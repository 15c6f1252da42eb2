package io.sluice.gateway;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests the REST resources refuse, each with a problem that names what is wrong; and the OpenAPI document and UI.
 * An application context of its own: the gateway's relays start once per context, so no two test classes share one.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "sluice.gateway.max-name-length=100")
class RestBadInputIT {

	private static final String RECORD = "/api/v1/records/rest/bad/input";

	@LocalServerPort
	int port;

	WebTestClient http;

	@BeforeEach
	void client() {
		this.http = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.port)
			.responseTimeout(Duration.ofSeconds(10))
			.build();
	}

	@Test
	void aBodyOverTheMaximumMessageSizeIsTooLarge() {
		String big = "{\"s\":\"" + "x".repeat(1024 * 1024) + "\"}";
		problem(this.http.put().uri(RECORD).contentType(MediaType.APPLICATION_JSON).bodyValue(big),
				HttpStatus.CONTENT_TOO_LARGE, "body-too-large")
			.jsonPath("$.detail").isEqualTo("The body is larger than 1048576 bytes (sluice.gateway.max-message-size)");
	}

	@Test
	void aChunkedBodyOverTheMaximumIsCutOffToo() {
		byte[] chunk = "x".repeat(64 * 1024).getBytes(StandardCharsets.UTF_8);
		Flux<DataBuffer> body = Flux.concat(Flux.just("{\"s\":\"".getBytes(StandardCharsets.UTF_8)),
				Flux.range(0, 32).map((i) -> chunk)).map(DefaultDataBufferFactory.sharedInstance::wrap);
		problem(this.http.post().uri("/api/v1/events/rest/bad/chunked").contentType(MediaType.APPLICATION_JSON)
			.body(body, DataBuffer.class), HttpStatus.CONTENT_TOO_LARGE, "body-too-large");
	}

	@Test
	void invalidJsonIsABadRequestThatSaysWhere() {
		problem(this.http.put().uri(RECORD).contentType(MediaType.APPLICATION_JSON).bodyValue("{\"a\":1,}"),
				HttpStatus.BAD_REQUEST, "invalid-json")
			.jsonPath("$.detail").value((String detail) -> assertThat(detail).startsWith("The body is not valid JSON: "));
		problem(this.http.put().uri(RECORD).contentType(MediaType.APPLICATION_JSON).bodyValue("{} {}"),
				HttpStatus.BAD_REQUEST, "invalid-json");
		problem(this.http.put().uri(RECORD).contentType(MediaType.APPLICATION_JSON).bodyValue("   "),
				HttpStatus.BAD_REQUEST, "invalid-json");
	}

	@Test
	void aWrongOrMissingContentTypeIsUnsupported() {
		problem(this.http.put().uri(RECORD).contentType(MediaType.TEXT_PLAIN).bodyValue("{}"),
				HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type")
			.jsonPath("$.detail").value((String detail) -> assertThat(detail).contains("text/plain"));
		problem(this.http.post().uri("/api/v1/events/rest/bad/untyped").bodyValue("{}".getBytes(StandardCharsets.UTF_8)),
				HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type");
	}

	@Test
	void jsonNestedTooDeeplyIsRefusedBeforeItIsParsed() {
		String deep = "[".repeat(65) + "]".repeat(65);
		problem(this.http.put().uri(RECORD).contentType(MediaType.APPLICATION_JSON).bodyValue("{\"a\":" + deep + "}"),
				HttpStatus.BAD_REQUEST, "json-too-deep")
			.jsonPath("$.detail").isEqualTo("The body's JSON nests deeper than 64 levels");
		problem(this.http.post().uri("/api/v1/rpc/rest/bad/deep").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("[".repeat(100_000)), HttpStatus.BAD_REQUEST, "json-too-deep");
	}

	@Test
	void aRecordMustBeAnObjectOrArray() {
		problem(this.http.put().uri(RECORD).contentType(MediaType.APPLICATION_JSON).bodyValue("42"),
				HttpStatus.BAD_REQUEST, "invalid-message-data");
	}

	@Test
	void badIfMatchAndBadNamesAreBadRequests() {
		problem(this.http.put().uri(RECORD).contentType(MediaType.APPLICATION_JSON).header(HttpHeaders.IF_MATCH, "W/\"1\"")
			.bodyValue("{}"), HttpStatus.BAD_REQUEST, "invalid-request")
			.jsonPath("$.detail").value((String detail) -> assertThat(detail).startsWith("If-Match must be one version"));
		problem(this.http.get().uri(URI.create("http://localhost:" + this.port + "/api/v1/records/a%01b")), HttpStatus.BAD_REQUEST, "invalid-request")
			.jsonPath("$.detail").value((String detail) -> assertThat(detail).contains("U+0001"));
		problem(this.http.get().uri("/api/v1/records/" + "n".repeat(101)), HttpStatus.BAD_REQUEST, "invalid-request")
			.jsonPath("$.detail").value((String detail) -> assertThat(detail).startsWith("Name of 101 characters"));
		problem(this.http.post().uri("/api/v1/records:batchGet").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"names\":\"a\"}"), HttpStatus.BAD_REQUEST, "invalid-request");
	}

	@Test
	void aHistoryReadThatIsNoneOfItsShapesIsABadRequest() {
		problem(this.http.get().uri("/api/v1/events/chat/a/history?last=1&since=0"), HttpStatus.BAD_REQUEST,
				"invalid-request")
			.jsonPath("$.detail").value((String detail) -> assertThat(detail).contains("exactly one of last, from or since"));
		problem(this.http.get().uri("/api/v1/events/chat/a/history?last=1"), HttpStatus.BAD_REQUEST, "invalid-request")
			.jsonPath("$.detail").value((String detail) -> assertThat(detail).contains("keep no history"));
		this.http.get().uri("/api/v1/events/chat/a").exchange()
			.expectStatus().isNotFound()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void theOpenApiDocumentDescribesEveryResource() {
		this.http.get().uri("/api/v1/openapi.json").exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.openapi").value((String version) -> assertThat(version).startsWith("3.1"))
			.jsonPath("$.info.title").isEqualTo("Sluice REST API")
			.jsonPath("$.paths['/api/v1/records/{name}'].get").exists()
			.jsonPath("$.paths['/api/v1/records/{name}'].head").exists()
			.jsonPath("$.paths['/api/v1/records/{name}'].put").exists()
			.jsonPath("$.paths['/api/v1/records/{name}'].patch").exists()
			.jsonPath("$.paths['/api/v1/records/{name}'].delete").exists()
			.jsonPath("$.paths['/api/v1/records:batchGet'].post").exists()
			.jsonPath("$.paths['/api/v1/records:batchSet'].post").exists()
			.jsonPath("$.paths['/api/v1/events/{name}'].post").exists()
			.jsonPath("$.paths['/api/v1/events/{name}'].get").exists()
			.jsonPath("$.paths['/api/v1/rpc/{name}'].post").exists()
			.jsonPath("$.paths['/api/v1/presence'].get").exists()
			.jsonPath("$.paths['/api/v1/presence/{user}'].get").exists();
	}

	@Test
	void theBrowsableUiIsServed() {
		String location = this.http.get().uri("/api/v1/docs").exchange()
			.expectStatus().is3xxRedirection()
			.returnResult(Void.class).getResponseHeaders().getLocation().toString();
		this.http.get().uri(location).exchange()
			.expectStatus().isOk()
			.expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML);
	}

	private WebTestClient.BodyContentSpec problem(WebTestClient.RequestHeadersSpec<?> request, HttpStatus status,
			String type) {
		return request.exchange()
			.expectStatus().isEqualTo(status)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://sluice.io/problems/" + type)
			.jsonPath("$.status").isEqualTo(status.value())
			.jsonPath("$.title").exists();
	}

}
