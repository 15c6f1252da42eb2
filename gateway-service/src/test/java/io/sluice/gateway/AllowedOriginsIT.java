package io.sluice.gateway;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Browser pages of origins not in sluice.gateway.allowed-origins are refused at the upgrade, on both endpoints. */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "sluice.gateway.allowed-origins=https://app.example.com, HTTPS://Admin.Example.com:8443/")
class AllowedOriginsIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Test
	void aPageOfAnAllowedOriginConnectsWhateverTheCase() {
		assertThat(upgrade("/deepstream", "https://app.example.com")).isEqualTo("connected");
		assertThat(upgrade("/deepstream-json", "https://admin.example.com:8443")).isEqualTo("connected");
	}

	@Test
	void aPageOfAnotherOriginIsRefusedWith403() {
		for (String path : new String[] { "/deepstream", "/deepstream-json" }) {
			assertThatThrownBy(() -> upgrade(path, "https://evil.example.com"))
				.isInstanceOf(WebSocketClientHandshakeException.class)
				.satisfies((ex) -> assertThat(((WebSocketClientHandshakeException) ex).response().status().code())
					.isEqualTo(403));
			assertThatThrownBy(() -> upgrade(path, "https://app.example.com:444"))
				.isInstanceOf(WebSocketClientHandshakeException.class);
		}
	}

	@Test
	void aClientThatIsNotABrowserSendsNoOriginAndConnects() throws Exception {
		// Netty's client always sends an Origin; the request is written by hand, as a Node or Java client sends it.
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout((int) TIMEOUT.toMillis());
			String key = Base64.getEncoder().encodeToString(new byte[16]);
			socket.getOutputStream().write(("GET /deepstream HTTP/1.1\r\nHost: 127.0.0.1:" + this.port
					+ "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
					+ "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			String status = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
			assertThat(status).startsWith("HTTP/1.1 101");
		}
	}

	private String upgrade(String path, String origin) {
		return HttpClient.create()
			.headers((headers) -> {
				if (origin != null) {
					headers.set("Origin", origin);
				}
			})
			.websocket()
			.uri("ws://127.0.0.1:" + this.port + path)
			.handle((in, out) -> out.sendClose(1000, "done").then(Mono.just("connected")))
			.next()
			.block(TIMEOUT);
	}

}
