package io.sluice.gateway.auth;

import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.util.function.LongSupplier;

import com.nimbusds.jose.jwk.JWKSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * The keys a JWKS URL publishes, fetched with Reactor Netty's client (never blocking a thread) and kept: fetched again
 * when a token names a key id the set does not hold (the issuer rotated its keys) or when the set is older than its
 * maximum age, but never more often than once per {@code minRefetchInterval}, so that a flood of tokens with made-up
 * key ids cannot flood the URL. Logins that arrive during a fetch share it. A fetch that fails keeps the keys held.
 */
final class JwksKeys {

	private static final Logger logger = LoggerFactory.getLogger(JwksKeys.class);

	private final URI url;

	private final HttpClient http;

	private final long maxAge;

	private final long minRefetchInterval;

	private final Duration timeout;

	private final LongSupplier nanoTime;

	private volatile JWKSet keys = new JWKSet();

	private volatile long fetchedAt;

	/** When the last fetch started, or {@code null} before the first; guarded by {@code this}. */
	private Long fetchStartedAt;

	/** The fetch under way, shared by whoever waits for it; guarded by {@code this}. */
	private Mono<JWKSet> fetching;

	JwksKeys(URI url, HttpClient http, Duration maxAge, Duration minRefetchInterval, Duration timeout,
			LongSupplier nanoTime) {
		this.url = url;
		this.http = http;
		this.maxAge = maxAge.toNanos();
		this.minRefetchInterval = minRefetchInterval.toNanos();
		this.timeout = timeout;
		this.nanoTime = nanoTime;
	}

	/** The keys held now. */
	JWKSet current() {
		return this.keys;
	}

	/**
	 * The keys to verify a token naming {@code keyId} ({@code null} for none) with: those held, or, when they do not
	 * include that key or have grown old, those of a new fetch if one may start now. Never fails.
	 */
	Mono<JWKSet> keysFor(String keyId) {
		JWKSet held = this.keys;
		boolean known = (keyId != null) ? held.getKeyByKeyId(keyId) != null : !held.isEmpty();
		if (known && this.nanoTime.getAsLong() - this.fetchedAt < this.maxAge) {
			return Mono.just(held);
		}
		Mono<JWKSet> fetch = refetch();
		return (fetch != null) ? fetch.onErrorReturn(held) : Mono.just(held);
	}

	/** Fetches the keys now, whatever the limits say (at start-up). */
	Mono<JWKSet> fetch() {
		synchronized (this) {
			this.fetchStartedAt = null;
		}
		return refetch().onErrorResume((ex) -> Mono.just(this.keys));
	}

	/** The fetch under way, or a new one if the last started long enough ago, else {@code null}. */
	private synchronized Mono<JWKSet> refetch() {
		if (this.fetching != null) {
			return this.fetching;
		}
		long now = this.nanoTime.getAsLong();
		if (this.fetchStartedAt != null && now - this.fetchStartedAt < this.minRefetchInterval) {
			return null;
		}
		this.fetchStartedAt = now;
		this.fetching = get().doOnNext((fetched) -> {
			this.keys = fetched;
			this.fetchedAt = this.nanoTime.getAsLong();
			logger.debug("Fetched {} keys from {}", fetched.size(), LoggedUrl.of(this.url));
		}).doOnError((ex) -> logger.warn("Fetching the JWT keys from {} failed: {}", LoggedUrl.of(this.url),
				ex.toString()))
			.doFinally((signal) -> done())
			.cache();
		return this.fetching;
	}

	private synchronized void done() {
		this.fetching = null;
	}

	private Mono<JWKSet> get() {
		return this.http.get()
			.uri(this.url)
			.responseSingle((response, body) -> {
				if (response.status().code() != 200) {
					return Mono.error(new IllegalStateException("status " + response.status().code()));
				}
				return body.asString();
			})
			.timeout(this.timeout)
			.map((text) -> {
				try {
					return JWKSet.parse(text);
				}
				catch (ParseException ex) {
					throw new IllegalStateException("not a JWK set: " + ex.getMessage(), ex);
				}
			});
	}

}
