package io.sluice.gateway.http.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Properties;

import org.springframework.core.env.Environment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import tools.jackson.databind.json.JsonMapper;

/**
 * The browsable UI of the REST API: Swagger UI's own files, served from its webjar, opened on the OpenAPI document.
 *
 * <p>springdoc's UI module does the same, but sets itself up at start-up with swagger's own JSON mappers (several
 * hundred classes and a few tenths of a second on two cores) for a page that nobody needs before someone reads the
 * documentation; the document itself stays springdoc's, created on its first request.
 */
final class ApiDocsUi {

	private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";

	private static final String WEBJAR_VERSION = "META-INF/maven/org.webjars/swagger-ui/pom.properties";

	private ApiDocsUi() {
	}

	/**
	 * The UI at {@code springdoc.swagger-ui.path} ({@value RestDocsDefaults#UI_PATH} unless set), showing the
	 * document at {@code springdoc.api-docs.path}: the path itself redirects to its {@code index.html}.
	 */
	static RouterFunction<ServerResponse> routes(Environment environment) {
		String ui = environment.getProperty("springdoc.swagger-ui.path", RestDocsDefaults.UI_PATH);
		String document = environment.getProperty("springdoc.api-docs.path", RestDocsDefaults.OPENAPI_PATH);
		String initializer = "window.onload = function() {\n  window.ui = SwaggerUIBundle({\n    url: "
				+ JsonMapper.shared().writeValueAsString(document) + ",\n    dom_id: '#swagger-ui',\n"
				+ "    deepLinking: true,\n    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],\n"
				+ "    plugins: [SwaggerUIBundle.plugins.DownloadUrl],\n    layout: 'StandaloneLayout'\n  });\n};\n";
		return RouterFunctions.route()
			.GET(ui, (request) -> ServerResponse.status(302).location(URI.create(ui + "/index.html")).build())
			.GET(ui + "/swagger-initializer.js",
					(request) -> ServerResponse.ok()
						.contentType(MediaType.parseMediaType("text/javascript;charset=UTF-8"))
						.bodyValue(initializer))
			.build()
			.and(RouterFunctions.resources(ui + "/**", new ClassPathResource(WEBJAR + version() + "/")));
	}

	/** The version of the Swagger UI webjar on the class path, which names the directory of its files. */
	private static String version() {
		try (InputStream in = ApiDocsUi.class.getClassLoader().getResourceAsStream(WEBJAR_VERSION)) {
			if (in == null) {
				throw new IllegalStateException("The Swagger UI webjar (org.webjars:swagger-ui) is not on the class "
						+ "path: no " + WEBJAR_VERSION);
			}
			Properties properties = new Properties();
			properties.load(in);
			return properties.getProperty("version");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read " + WEBJAR_VERSION, ex);
		}
	}

}
