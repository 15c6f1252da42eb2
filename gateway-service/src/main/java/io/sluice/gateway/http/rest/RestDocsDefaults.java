package io.sluice.gateway.http.rest;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Where the REST resources' OpenAPI document and its UI are served, unless the application says otherwise: springdoc
 * reads these paths from the environment when it maps its endpoints, so they are defaults there, after every other
 * property source. Both are off when the HTTP API is. springdoc's own UI is always off: {@link ApiDocsUi} serves the
 * same page without its start-up cost.
 */
public final class RestDocsDefaults implements EnvironmentPostProcessor {

	static final String OPENAPI_PATH = "/api/v1/openapi.json";

	static final String UI_PATH = "/api/v1/docs";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		environment.getPropertySources()
			.addLast(new MapPropertySource("sluiceRestDefaults",
					Map.of("springdoc.api-docs.path", OPENAPI_PATH, "springdoc.api-docs.version", "openapi_3_1",
							"springdoc.swagger-ui.path", UI_PATH, "springdoc.api-docs.enabled",
							"${sluice.http.enabled:true}", "springdoc.swagger-ui.enabled", "false")));
	}

}
