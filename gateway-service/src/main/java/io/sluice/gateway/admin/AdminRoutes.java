package io.sluice.gateway.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.HandlerFilterFunction;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The admin page at {@code sluice.admin.path}: three static files (the page, its script and its style, read from the
 * jar once, at start-up) and the JSON endpoint {@code <path>/api/snapshot} the script polls. All of it is behind HTTP
 * Basic with the page's own credentials: a request without them, or with others, is answered 401 with a challenge,
 * which is what makes a browser ask for them once and send them with the script's requests after.
 */
final class AdminRoutes {

	private static final String PAGE = "io/sluice/gateway/admin/page/";

	private static final String REALM = "Basic realm=\"Sluice admin\", charset=\"UTF-8\"";

	/** The page loads only its own script and style, and talks only to its own server. */
	private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; "
			+ "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

	private AdminRoutes() {
	}

	static RouterFunction<ServerResponse> routes(AdminProperties properties, AdminSnapshot snapshot) {
		String path = properties.path();
		byte[] page = read("index.html");
		byte[] script = read("admin.js");
		byte[] style = read("admin.css");
		byte[] expected = credentials(properties);
		return RouterFunctions.route()
			.GET(path, (request) -> ServerResponse.status(HttpStatus.FOUND).location(URI.create(path + "/")).build())
			.GET(path + "/", (request) -> file(MediaType.TEXT_HTML, page))
			.GET(path + "/admin.js", (request) -> file(MediaType.parseMediaType("text/javascript"), script))
			.GET(path + "/admin.css", (request) -> file(MediaType.parseMediaType("text/css"), style))
			// In-memory reads of bounded size: answered on the event loop.
			.GET(path + "/api/snapshot",
					(request) -> ServerResponse.ok()
						.contentType(MediaType.APPLICATION_JSON)
						.headers(AdminRoutes::noStore)
						.bodyValue(JsonMapper.shared().writeValueAsBytes(snapshot.take())))
			.filter(basic(expected))
			.build();
	}

	/** Lets through a request with the page's credentials, and answers any other 401 with a challenge. */
	private static HandlerFilterFunction<ServerResponse, ServerResponse> basic(byte[] expected) {
		return (request, next) -> {
			String authorization = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
			if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
				byte[] given;
				try {
					given = Base64.getDecoder().decode(authorization.substring(6).trim());
				}
				catch (IllegalArgumentException ex) {
					given = new byte[0];
				}
				if (MessageDigest.isEqual(given, expected)) {
					return next.handle(request);
				}
			}
			return ServerResponse.status(HttpStatus.UNAUTHORIZED)
				.header(HttpHeaders.WWW_AUTHENTICATE, REALM)
				.headers(AdminRoutes::noStore)
				.contentType(MediaType.TEXT_PLAIN)
				.bodyValue("The admin page needs the user name and password of sluice.admin.username and "
						+ "sluice.admin.password\n");
		};
	}

	private static Mono<ServerResponse> file(MediaType type, byte[] content) {
		return ServerResponse.ok()
			.contentType(new MediaType(type, StandardCharsets.UTF_8))
			.headers(AdminRoutes::noStore)
			.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
			.bodyValue(content);
	}

	private static void noStore(HttpHeaders headers) {
		headers.setCacheControl("no-store");
		headers.set("X-Content-Type-Options", "nosniff");
		headers.set("X-Frame-Options", "DENY");
	}

	private static byte[] credentials(AdminProperties properties) {
		return (properties.username() + ":" + properties.password()).getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] read(String name) {
		try (InputStream in = AdminRoutes.class.getClassLoader().getResourceAsStream(PAGE + name)) {
			if (in == null) {
				throw new IllegalStateException("The admin page's " + name + " is missing from the jar: no " + PAGE
						+ name);
			}
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read " + PAGE + name, ex);
		}
	}

}
