package io.sluice.gateway.admin;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.context.ApplicationContext;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import io.sluice.connector.memory.MemoryConnectorAutoConfiguration;
import io.sluice.gateway.GatewayAutoConfiguration;
import io.sluice.gateway.metrics.NameSampler;
import io.sluice.record.write.RecordServiceAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin page's routes as the gateway's auto-configuration sets them up: served only when enabled, only with its
 * credentials, and a snapshot of the node as JSON.
 */
class AdminEndpointTests {

	private static final String PASSWORD = "a-password-for-the-admin-page";

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(MemoryConnectorAutoConfiguration.class, RecordServiceAutoConfiguration.class,
					GatewayAutoConfiguration.class));

	@Test
	void disabledByDefaultSoThePathIsNotFound() {
		this.runner.run(http((client) -> {
			client.get().uri("/admin/api/snapshot").exchange().expectStatus().isNotFound();
			client.get()
				.uri("/admin/")
				.header(HttpHeaders.AUTHORIZATION, basic("admin", PASSWORD))
				.exchange()
				.expectStatus()
				.isNotFound();
		}));
	}

	@Test
	void withoutCredentialsOrWithWrongOnesTheSnapshotIsRefusedWithAChallenge() {
		enabled().run(http((client) -> {
			client.get()
				.uri("/admin/api/snapshot")
				.exchange()
				.expectStatus()
				.isUnauthorized()
				.expectHeader()
				.valueMatches(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"Sluice admin\".*");
			client.get()
				.uri("/admin/api/snapshot")
				.header(HttpHeaders.AUTHORIZATION, basic("admin", PASSWORD + "-not"))
				.exchange()
				.expectStatus()
				.isUnauthorized();
			client.get()
				.uri("/admin/api/snapshot")
				.header(HttpHeaders.AUTHORIZATION, "Basic not-base64!")
				.exchange()
				.expectStatus()
				.isUnauthorized();
			client.get().uri("/admin/").exchange().expectStatus().isUnauthorized();
		}));
	}

	@Test
	void withCredentialsTheSnapshotDescribesThisNode() {
		enabled().run(http((client) -> client.get()
			.uri("/admin/api/snapshot")
			.header(HttpHeaders.AUTHORIZATION, basic("admin", PASSWORD))
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
			.expectHeader()
			.cacheControl(CacheControl.noStore())
			.expectBody()
			.jsonPath("$.nodes[0].self")
			.isEqualTo(true)
			.jsonPath("$.nodes[0].connections")
			.isEqualTo(0)
			.jsonPath("$.totals.messagesIn")
			.isNumber()
			.jsonPath("$.busiest.sampleEvery")
			.isEqualTo(16)
			.jsonPath("$.busiest.events")
			.isArray()
			.jsonPath("$.rpcProviders.total")
			.isEqualTo(0)
			.jsonPath("$.listeners.record.rows")
			.isArray()
			.jsonPath("$.storage")
			.exists()));
	}

	@Test
	void thePageAndItsFilesAreServedAtTheConfiguredPath() {
		enabled().withPropertyValues("sluice.admin.path=/ops/sluice", "sluice.admin.username=ops").run(http((client) -> {
			String credentials = basic("ops", PASSWORD);
			client.get()
				.uri("/ops/sluice")
				.header(HttpHeaders.AUTHORIZATION, credentials)
				.exchange()
				.expectStatus()
				.isFound()
				.expectHeader()
				.location("/ops/sluice/");
			client.get()
				.uri("/ops/sluice/")
				.header(HttpHeaders.AUTHORIZATION, credentials)
				.exchange()
				.expectStatus()
				.isOk()
				.expectHeader()
				.contentTypeCompatibleWith(MediaType.TEXT_HTML)
				.expectHeader()
				.valueMatches("Content-Security-Policy", "default-src 'self'.*")
				.expectBody(String.class)
				.value((html) -> assertThat(html).contains("<script src=\"admin.js\""));
			client.get()
				.uri("/ops/sluice/admin.js")
				.header(HttpHeaders.AUTHORIZATION, credentials)
				.exchange()
				.expectStatus()
				.isOk();
			client.get().uri("/admin/").exchange().expectStatus().isNotFound();
		}));
	}

	@Test
	void enabledWithoutAPasswordStopsStartUpNamingTheProperty() {
		this.runner.withPropertyValues("sluice.admin.enabled=true").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("sluice.admin.password must be set when sluice.admin.enabled=true");
		});
	}

	@Test
	void theSamplerIsInstalledWhileThePageIsOn() {
		enabled().run((context) -> assertThat(context).hasSingleBean(NameSampler.class));
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(NameSampler.class));
	}

	private ApplicationContextRunner enabled() {
		return this.runner.withPropertyValues("sluice.admin.enabled=true", "sluice.admin.password=" + PASSWORD);
	}

	/** Runs {@code requests} against every route the context defines. */
	@SuppressWarnings("unchecked")
	private static ContextConsumer<AssertableApplicationContext> http(
			Consumer<WebTestClient> requests) {
		return (context) -> {
			assertThat(context).hasNotFailed();
			requests.accept(WebTestClient.bindToRouterFunction(routes(context)).build());
		};
	}

	private static RouterFunction<ServerResponse> routes(ApplicationContext context) {
		RouterFunction<ServerResponse> all = (request) -> Mono.empty();
		for (RouterFunction<?> route : context.getBeansOfType(RouterFunction.class).values()) {
			all = all.and((RouterFunction<ServerResponse>) route);
		}
		return all;
	}

	private static String basic(String username, String password) {
		return "Basic " + Base64.getEncoder()
			.encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

}
