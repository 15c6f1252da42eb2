package io.sluice.gateway.session;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import io.sluice.gateway.auth.Authenticator;
import io.sluice.gateway.protocol.ConnectionAction;
import io.sluice.gateway.protocol.FrameCodec;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.Topic;

/**
 * Runs the login path once at start-up, before the application reports itself ready, so that the first client does
 * not pay for what is loaded, compiled and connected on first use: the authenticator's warm-up (the webhook's HTTP
 * client and its connection), and one WebSocket connection of this server to its own endpoint that challenges,
 * is accepted and closes (the upgrade, the codec, the session), without logging in. Runs on the starting thread,
 * never an event loop; whatever fails is logged and start-up goes on.
 */
final class LoginWarmUp {

	private static final Logger logger = LoggerFactory.getLogger(LoginWarmUp.class);

	/** The longest start-up waits for the authenticator, which bounds its warm-up by its own timeouts. */
	private static final Duration AUTHENTICATOR_LIMIT = Duration.ofSeconds(30);

	/** The longest start-up waits for the connection to its own endpoint. */
	private static final Duration ENDPOINT_LIMIT = Duration.ofSeconds(5);

	private final GatewayProperties properties;

	private final Authenticator authenticator;

	LoginWarmUp(GatewayProperties properties, Authenticator authenticator) {
		this.properties = properties;
		this.authenticator = authenticator;
	}

	/** @param port the port the endpoint is served on, or a negative number when it is not known (no warm-up of it) */
	void run(int port) {
		long started = System.nanoTime();
		try {
			this.authenticator.warmUp().block(AUTHENTICATOR_LIMIT);
		}
		catch (RuntimeException ex) {
			logger.warn("Warming up {} failed; the first login will be slower", this.authenticator, ex);
		}
		if (port > 0) {
			try {
				challenge(port).block(ENDPOINT_LIMIT);
			}
			catch (RuntimeException ex) {
				// Say, a server bound to another address than loopback, or serving TLS only.
				logger.info("Could not warm up the deepstream endpoint on port {} ({}); the first connection will be "
						+ "slower", port, ex.toString());
			}
		}
		logger.debug("Login path warmed up in {} ms", (System.nanoTime() - started) / 1_000_000);
	}

	/** Connects to the endpoint, challenges, waits for the answer and closes. */
	private Mono<Void> challenge(int port) {
		String url = "ws://127.0.0.1:" + port + this.properties.path();
		byte[] challenge = FrameCodec.BINARY
			.encode(Message.builder(Topic.CONNECTION, ConnectionAction.CHALLENGE).url(url).build());
		return HttpClient.create()
			.websocket()
			.uri(url)
			.handle((in, out) -> out.sendByteArray(Mono.just(challenge))
				.then()
				.then(in.receive().next())
				.then(out.sendClose(1000, "Warmed up")))
			.then();
	}

}
