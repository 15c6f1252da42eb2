package io.sluice.gateway;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.RpcAction;
import io.sluice.gateway.protocol.Topic;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The REST resources under /api/v1 on the gateway's port, over the real record service and in-memory connectors,
 * with open authentication and permissions; what they do is checked over HTTP and, where a client would notice, on
 * WebSocket clients.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sluice.rpc.accept-timeout=300ms", "sluice.rpc.response-timeout=500ms" })
class RestResourcesIT {

	@LocalServerPort
	int port;

	WebTestClient http;

	@BeforeEach
	void client() {
		this.http = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.port)
			.responseTimeout(Duration.ofSeconds(10))
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
			.build();
	}

	@Test
	void putWritesARecordThatGetReadsWithItsVersionAsETagAndSubscribersHear() throws Exception {
		String name = "rest/put/users/alice";
		try (TestClient subscriber = TestClient.loggedIn(this.port, "put-subscriber")) {
			subscriber.openNewRecord(name);

			put(name, "{\"a\":1}").exchange().expectStatus().isNoContent().expectHeader().valueEquals("ETag", "\"1\"");

			Message update = subscriber.next();
			assertThat(update.action()).isEqualTo(RecordAction.UPDATE);
			assertThat(update.name()).isEqualTo(name);
			assertThat(update.version()).isEqualTo(1L);
			assertThat(update.dataText()).isEqualTo("{\"a\":1}");
		}
		this.http.get().uri("/api/v1/records/" + name).exchange()
			.expectStatus().isOk()
			.expectHeader().valueEquals("ETag", "\"1\"")
			.expectHeader().contentType(MediaType.APPLICATION_JSON)
			.expectBody().json("{\"a\":1}", true);
	}

	@Test
	void putWithATimeToLiveExpiresTheRecordAsADeleteSubscribersHearOf() throws Exception {
		String name = "rest/put/ttl";
		try (TestClient subscriber = TestClient.loggedIn(this.port, "ttl-subscriber")) {
			subscriber.openNewRecord(name);

			this.http.put().uri("/api/v1/records/" + name + "?ttl=1s").contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"a\":1}").exchange()
				.expectStatus().isNoContent()
				.expectHeader().valueEquals("ETag", "\"1\"");
			assertThat(subscriber.next().action()).isEqualTo(RecordAction.UPDATE);
			// The sweep deletes it within its interval of the deadline: no one reads it meanwhile.
			Message deleted = subscriber.next();
			assertThat(deleted.action()).isEqualTo(RecordAction.DELETED);
			assertThat(deleted.name()).isEqualTo(name);
		}
		this.http.get().uri("/api/v1/records/" + name).exchange().expectStatus().isNotFound();
		// A writer that still holds version 1 is refused: the expiry's tombstone took version 2.
		put(name, "{\"stale\":true}").header(HttpHeaders.IF_MATCH, "\"1\"").exchange()
			.expectStatus().isEqualTo(HttpStatus.PRECONDITION_FAILED)
			.expectBody()
			.jsonPath("$.code").isEqualTo("VERSION_EXISTS")
			.jsonPath("$.version").isEqualTo(2)
			.jsonPath("$.data").doesNotExist();
		// Versions go on: the record comes back above the tombstone, at version 3.
		put(name, "{\"b\":2}").exchange().expectStatus().isNoContent().expectHeader().valueEquals("ETag", "\"3\"");
	}

	@Test
	void aTimeToLiveThatIsNoDurationIsABadRequestNamingTheParameter() {
		this.http.put().uri("/api/v1/records/rest/put/bad-ttl?ttl=30").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}").exchange()
			.expectStatus().isBadRequest()
			.expectBody()
			.jsonPath("$.detail").isEqualTo("The query parameter ttl must be a positive duration with its unit, such as "
					+ "30s, 15m, 2h, 7d or PT30S; was '30'");
		this.http.get().uri("/api/v1/records/rest/put/bad-ttl").exchange().expectStatus().isNotFound();
	}

	@Test
	void putWithoutIfMatchForcesAndWithItWritesTheNextVersion() {
		String name = "rest/put/conditional";
		put(name, "{\"v\":1}").exchange().expectStatus().isNoContent();
		put(name, "{\"v\":2}").exchange().expectHeader().valueEquals("ETag", "\"2\"");
		put(name, "{\"v\":3}").header(HttpHeaders.IF_MATCH, "\"2\"").exchange()
			.expectStatus().isNoContent()
			.expectHeader().valueEquals("ETag", "\"3\"");
	}

	@Test
	void staleIfMatchIsRefusedWithTheCurrentVersionAndData() {
		String name = "rest/put/stale";
		put(name, "{\"v\":1}").exchange().expectStatus().isNoContent();
		put(name, "{\"v\":2}").exchange().expectStatus().isNoContent();
		put(name, "{\"v\":\"mine\"}").header(HttpHeaders.IF_MATCH, "\"1\"").exchange()
			.expectStatus().isEqualTo(HttpStatus.PRECONDITION_FAILED)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://sluice.io/problems/version-exists")
			.jsonPath("$.code").isEqualTo("VERSION_EXISTS")
			.jsonPath("$.status").isEqualTo(412)
			.jsonPath("$.version").isEqualTo(2)
			.jsonPath("$.data.v").isEqualTo(2);
	}

	@Test
	void ifMatchAheadOfTheRecordIsRefusedWithItsCurrentVersion() {
		String name = "rest/put/ahead";
		put(name, "{\"v\":1}").exchange().expectStatus().isNoContent();
		put(name, "{\"v\":9}").header(HttpHeaders.IF_MATCH, "\"7\"").exchange()
			.expectStatus().isEqualTo(HttpStatus.PRECONDITION_FAILED)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://sluice.io/problems/invalid-version")
			.jsonPath("$.version").isEqualTo(1);
	}

	@Test
	void ifNoneMatchOfTheCurrentVersionIsNotModified() {
		String name = "rest/get/cached";
		put(name, "{\"v\":1}").exchange().expectStatus().isNoContent();
		this.http.get().uri("/api/v1/records/" + name).header(HttpHeaders.IF_NONE_MATCH, "\"1\"").exchange()
			.expectStatus().isNotModified()
			.expectHeader().valueEquals("ETag", "\"1\"")
			.expectBody().isEmpty();
		this.http.get().uri("/api/v1/records/" + name).header(HttpHeaders.IF_NONE_MATCH, "\"0\"").exchange()
			.expectStatus().isOk();
	}

	@Test
	void headGivesTheVersionAlone() {
		String name = "rest/head/one";
		put(name, "{\"v\":1}").exchange().expectStatus().isNoContent();
		put(name, "{\"v\":2}").exchange().expectStatus().isNoContent();
		this.http.head().uri("/api/v1/records/" + name).exchange()
			.expectStatus().isOk()
			.expectHeader().valueEquals("ETag", "\"2\"")
			.expectBody().isEmpty();
		this.http.head().uri("/api/v1/records/rest/head/missing").exchange().expectStatus().isNotFound();
	}

	@Test
	void aRecordThatDoesNotExistIsNotFound() {
		this.http.get().uri("/api/v1/records/rest/get/missing").exchange()
			.expectStatus().isNotFound()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://sluice.io/problems/record-not-found")
			.jsonPath("$.title").isEqualTo("Record not found")
			.jsonPath("$.detail").isEqualTo("Record 'rest/get/missing' does not exist")
			.jsonPath("$.code").isEqualTo("RECORD_NOT_FOUND");
	}

	@Test
	void mergePatchSetsAndRemovesMembersAndSubscribersHearTheResult() throws Exception {
		String name = "rest/patch/merge";
		put(name, "{\"a\":1,\"b\":{\"c\":2,\"d\":3}}").exchange().expectStatus().isNoContent();
		try (TestClient subscriber = TestClient.loggedIn(this.port, "merge-subscriber")) {
			subscriber.send(Message.builder(Topic.RECORD, RecordAction.SUBSCRIBECREATEANDREAD).names(List.of(name))
				.correlationId("1").build());
			assertThat(subscriber.next().isAck()).isTrue();
			assertThat(subscriber.next().version()).isEqualTo(1L);
			this.http.patch().uri("/api/v1/records/" + name).contentType(MediaType.valueOf("application/merge-patch+json"))
				.bodyValue("{\"a\":null,\"b\":{\"c\":5},\"e\":[1]}").exchange()
				.expectStatus().isOk()
				.expectHeader().valueEquals("ETag", "\"2\"")
				.expectBody().json("{\"b\":{\"c\":5,\"d\":3},\"e\":[1]}", true);
			Message update = subscriber.next();
			assertThat(update.version()).isEqualTo(2L);
			assertThat(update.dataText()).isEqualTo("{\"b\":{\"c\":5,\"d\":3},\"e\":[1]}");
		}
		this.http.patch().uri("/api/v1/records/" + name).contentType(MediaType.valueOf("application/merge-patch+json"))
			.header(HttpHeaders.IF_MATCH, "\"1\"").bodyValue("{\"a\":2}").exchange()
			.expectStatus().isEqualTo(HttpStatus.PRECONDITION_FAILED)
			.expectBody().jsonPath("$.version").isEqualTo(2).jsonPath("$.data.b.c").isEqualTo(5);
	}

	@Test
	void mergePatchCreatesARecordThatDoesNotExist() {
		this.http.patch().uri("/api/v1/records/rest/patch/new").contentType(MediaType.valueOf("application/merge-patch+json"))
			.bodyValue("{\"a\":1,\"gone\":null}").exchange()
			.expectStatus().isOk()
			.expectHeader().valueEquals("ETag", "\"1\"")
			.expectBody().json("{\"a\":1}", true);
	}

	@Test
	void pathPatchSetsTheValueAtAPath() {
		String name = "rest/patch/path";
		put(name, "{\"a\":{\"b\":[1,2]}}").exchange().expectStatus().isNoContent();
		this.http.patch().uri("/api/v1/records/" + name).contentType(MediaType.APPLICATION_JSON)
			.header(HttpHeaders.IF_MATCH, "\"1\"").bodyValue("{\"path\":\"a.b[1]\",\"value\":{\"x\":true}}").exchange()
			.expectStatus().isOk()
			.expectHeader().valueEquals("ETag", "\"2\"")
			.expectBody().json("{\"a\":{\"b\":[1,{\"x\":true}]}}", true);
		this.http.patch().uri("/api/v1/records/" + name).contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"a\":1}").exchange()
			.expectStatus().isBadRequest()
			.expectBody().jsonPath("$.type").isEqualTo("https://sluice.io/problems/invalid-request");
	}

	@Test
	void deleteRemovesTheRecordAndDeletingNothingIsFine() throws Exception {
		String name = "rest/delete/one";
		put(name, "{\"v\":1}").exchange().expectStatus().isNoContent();
		try (TestClient subscriber = TestClient.loggedIn(this.port, "delete-subscriber")) {
			subscriber.send(Message.builder(Topic.RECORD, RecordAction.SUBSCRIBECREATEANDREAD).names(List.of(name))
				.correlationId("1").build());
			assertThat(subscriber.next().isAck()).isTrue();
			assertThat(subscriber.next().version()).isEqualTo(1L);
			this.http.delete().uri("/api/v1/records/" + name).exchange().expectStatus().isNoContent();
			assertThat(subscriber.next().action()).isEqualTo(RecordAction.DELETED);
		}
		this.http.get().uri("/api/v1/records/" + name).exchange().expectStatus().isNotFound();
		this.http.delete().uri("/api/v1/records/rest/delete/never").exchange().expectStatus().isNoContent();
	}

	@Test
	void anEventPostedReachesItsSubscribers() throws Exception {
		String name = "rest/events/news";
		try (TestClient subscriber = TestClient.loggedIn(this.port, "event-subscriber")) {
			subscriber.send(Message.builder(Topic.EVENT, EventAction.SUBSCRIBE).names(List.of(name)).correlationId("1")
				.build());
			assertThat(subscriber.next().isAck()).isTrue();
			this.http.post().uri("/api/v1/events/" + name).contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"headline\":\"hello\"}").exchange()
				.expectStatus().isNoContent();
			Message event = subscriber.next();
			assertThat(event.action()).isEqualTo(EventAction.EMIT);
			assertThat(event.name()).isEqualTo(name);
			assertThat(event.dataText()).isEqualTo("{\"headline\":\"hello\"}");
			this.http.post().uri("/api/v1/events/" + name).exchange().expectStatus().isNoContent();
			Message empty = subscriber.next();
			assertThat(empty.action()).isEqualTo(EventAction.EMIT);
			assertThat(empty.data()).isNull();
		}
	}

	@Test
	void anRpcIsAnsweredByAWebSocketProvider() throws Exception {
		String name = "rest/rpc/add";
		try (TestClient provider = TestClient.loggedIn(this.port, "rpc-provider")) {
			provider.send(Message.builder(Topic.RPC, RpcAction.PROVIDE).names(List.of(name)).correlationId("1").build());
			assertThat(provider.next().isAck()).isTrue();
			CompletableFuture<ResponseEntity<String>> call = post("/api/v1/rpc/" + name, "[1,2]");
			Message request = provider.next();
			assertThat(request.action()).isEqualTo(RpcAction.REQUEST);
			assertThat(request.dataText()).isEqualTo("[1,2]");
			provider.send(Message.builder(Topic.RPC, RpcAction.ACCEPT).name(name).correlationId(request.correlationId())
				.build());
			provider.send(Message.builder(Topic.RPC, RpcAction.RESPONSE).name(name)
				.correlationId(request.correlationId()).data("3").build());
			ResponseEntity<String> answer = call.get(10, TimeUnit.SECONDS);
			assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.OK);
			assertThat(answer.getBody()).isEqualTo("3");

			CompletableFuture<ResponseEntity<String>> failing = post("/api/v1/rpc/" + name, null);
			Message second = provider.next();
			provider.send(Message.builder(Topic.RPC, RpcAction.REQUEST_ERROR).name(name)
				.correlationId(second.correlationId()).data("\"out of numbers\"").build());
			ResponseEntity<String> error = failing.get(10, TimeUnit.SECONDS);
			assertThat(error.getStatusCode()).isEqualTo(HttpStatus.BAD_GATEWAY);
			assertThat(error.getBody()).contains("https://sluice.io/problems/request-error").contains("out of numbers");

			CompletableFuture<ResponseEntity<String>> unanswered = post("/api/v1/rpc/" + name, null);
			Message third = provider.next();
			provider.send(Message.builder(Topic.RPC, RpcAction.ACCEPT).name(name).correlationId(third.correlationId())
				.build());
			ResponseEntity<String> timeout = unanswered.get(10, TimeUnit.SECONDS);
			assertThat(timeout.getStatusCode()).isEqualTo(HttpStatus.GATEWAY_TIMEOUT);
			assertThat(timeout.getBody()).contains("https://sluice.io/problems/response-timeout");

			CompletableFuture<ResponseEntity<String>> unaccepted = post("/api/v1/rpc/" + name, null);
			assertThat(provider.next().action()).isEqualTo(RpcAction.REQUEST);
			ResponseEntity<String> acceptTimeout = unaccepted.get(10, TimeUnit.SECONDS);
			assertThat(acceptTimeout.getStatusCode()).isEqualTo(HttpStatus.GATEWAY_TIMEOUT);
			assertThat(acceptTimeout.getBody()).contains("https://sluice.io/problems/accept-timeout");
		}
	}

	@Test
	void anRpcNobodyProvidesIsUnavailable() {
		this.http.post().uri("/api/v1/rpc/rest/rpc/nobody").exchange()
			.expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://sluice.io/problems/no-rpc-provider")
			.jsonPath("$.code").isEqualTo("NO_RPC_PROVIDER");
	}

	@Test
	void presenceListsTheUsersOnline() throws Exception {
		try (TestClient alice = TestClient.loggedIn(this.port, "rest-presence-alice")) {
			this.http.get().uri("/api/v1/presence").exchange()
				.expectStatus().isOk()
				.expectBody().jsonPath("$.users[?(@ == 'rest-presence-alice')]").exists();
			this.http.get().uri("/api/v1/presence/rest-presence-alice").exchange()
				.expectStatus().isOk()
				.expectBody().json("{\"user\":\"rest-presence-alice\",\"online\":true}", true);
		}
		this.http.get().uri("/api/v1/presence/rest-presence-nobody").exchange()
			.expectStatus().isOk()
			.expectBody().json("{\"user\":\"rest-presence-nobody\",\"online\":false}", true);
	}

	@Test
	void batchGetAnswersEachNameInOrder() {
		put("rest/batch/get/a", "{\"v\":\"a\"}").exchange().expectStatus().isNoContent();
		put("rest/batch/get/b", "[1]").exchange().expectStatus().isNoContent();
		this.http.post().uri("/api/v1/records:batchGet").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"names\":[\"rest/batch/get/b\",\"rest/batch/get/missing\",\"\",\"rest/batch/get/a\"]}")
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.records.length()").isEqualTo(4)
			.jsonPath("$.records[0].name").isEqualTo("rest/batch/get/b")
			.jsonPath("$.records[0].version").isEqualTo(1)
			.jsonPath("$.records[0].data[0]").isEqualTo(1)
			.jsonPath("$.records[1].error.status").isEqualTo(404)
			.jsonPath("$.records[1].error.type").isEqualTo("https://sluice.io/problems/record-not-found")
			.jsonPath("$.records[2].error.status").isEqualTo(400)
			.jsonPath("$.records[3].data.v").isEqualTo("a");
	}

	@Test
	void batchSetWritesEachRecordAndAnswersEachInOrder() {
		put("rest/batch/set/stale", "{\"v\":1}").exchange().expectStatus().isNoContent();
		put("rest/batch/set/stale", "{\"v\":2}").exchange().expectStatus().isNoContent();
		this.http.post().uri("/api/v1/records:batchSet").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"records\":[{\"name\":\"rest/batch/set/a\",\"data\":{\"x\":1}},"
					+ "{\"name\":\"rest/batch/set/stale\",\"data\":{\"v\":3},\"ifMatch\":1},"
					+ "{\"name\":\"rest/batch/set/scalar\",\"data\":5}]}")
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.records[0].name").isEqualTo("rest/batch/set/a")
			.jsonPath("$.records[0].version").isEqualTo(1)
			.jsonPath("$.records[1].error.code").isEqualTo("VERSION_EXISTS")
			.jsonPath("$.records[1].error.version").isEqualTo(2)
			.jsonPath("$.records[2].error.status").isEqualTo(400);
		this.http.get().uri("/api/v1/records/rest/batch/set/a").exchange().expectBody().json("{\"x\":1}", true);
	}

	@Test
	void batchSetEntriesTakeATimeToLiveEachAndABadOneIsThatEntrysError() throws Exception {
		String expiring = "rest/batch/ttl/expiring";
		try (TestClient subscriber = TestClient.loggedIn(this.port, "batch-ttl-subscriber")) {
			subscriber.openNewRecord(expiring);

			this.http.post().uri("/api/v1/records:batchSet").contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"records\":[{\"name\":\"" + expiring + "\",\"data\":{\"x\":1},\"ttl\":\"1s\"},"
						+ "{\"name\":\"rest/batch/ttl/kept\",\"data\":{\"x\":2}},"
						+ "{\"name\":\"rest/batch/ttl/bad\",\"data\":{\"x\":3},\"ttl\":\"30\"},"
						+ "{\"name\":\"rest/batch/ttl/number\",\"data\":{\"x\":4},\"ttl\":30}]}")
				.exchange()
				.expectStatus().isOk()
				.expectBody()
				.jsonPath("$.records[0].version").isEqualTo(1)
				.jsonPath("$.records[1].version").isEqualTo(1)
				.jsonPath("$.records[2].error.status").isEqualTo(400)
				.jsonPath("$.records[2].error.detail").isEqualTo("ttl of record 'rest/batch/ttl/bad' must be a positive "
						+ "duration with its unit, such as 30s, 15m, 2h, 7d or PT30S; was '30'")
				.jsonPath("$.records[3].error.detail").isEqualTo("ttl of record 'rest/batch/ttl/number' must be a "
						+ "positive duration with its unit, such as 30s, 15m, 2h, 7d or PT30S, as a string; was 30");
			assertThat(subscriber.next().action()).isEqualTo(RecordAction.UPDATE);
			Message deleted = subscriber.next();
			assertThat(deleted.action()).isEqualTo(RecordAction.DELETED);
			assertThat(deleted.name()).isEqualTo(expiring);
		}
		this.http.get().uri("/api/v1/records/" + expiring).exchange().expectStatus().isNotFound();
		this.http.get().uri("/api/v1/records/rest/batch/ttl/kept").exchange().expectBody().json("{\"x\":2}", true);
		this.http.get().uri("/api/v1/records/rest/batch/ttl/bad").exchange().expectStatus().isNotFound();
	}

	@Test
	void aBatchOfTenThousandIsAnsweredAndOneOfMoreIsRefused() {
		StringBuilder names = new StringBuilder("{\"names\":[");
		for (int i = 0; i < 10_000; i++) {
			names.append((i == 0) ? "" : ",").append("\"rest/batch/big/").append(i).append('"');
		}
		this.http.post().uri("/api/v1/records:batchGet").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(names + "]}").exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.records.length()").isEqualTo(10_000)
			.jsonPath("$.records[9999].name").isEqualTo("rest/batch/big/9999")
			.jsonPath("$.records[9999].error.status").isEqualTo(404);
		this.http.post().uri("/api/v1/records:batchGet").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(names + ",\"one-too-many\"]}").exchange()
			.expectStatus().isBadRequest()
			.expectBody().jsonPath("$.detail").isEqualTo("A batch holds at most 10000 records, this one 10001");
	}

	private WebTestClient.RequestHeadersSpec<?> put(String name, String json) {
		return this.http.put().uri("/api/v1/records/" + name).contentType(MediaType.APPLICATION_JSON).bodyValue(json);
	}

	private CompletableFuture<ResponseEntity<String>> post(String path, String json) {
		WebClient.RequestBodySpec request = WebClient.create("http://localhost:" + this.port).post().uri(path);
		if (json != null) {
			request.contentType(MediaType.APPLICATION_JSON).bodyValue(json);
		}
		return request.exchangeToMono((response) -> response.toEntity(String.class)).toFuture();
	}

}
