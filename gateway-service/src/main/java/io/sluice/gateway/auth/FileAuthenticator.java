package io.sluice.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

/**
 * deepstream's {@code file} authentication: the auth data {@code {username, password}} is checked against a
 * {@link UsersFile}; the user id is the username, and the user's {@code clientData} and {@code serverData} are those
 * of the file. As in deepstream, a login without a username and a password is refused with
 * {@code {"error":"missing authentication parameter: username or/and password"}}, and a wrong password or an unknown
 * user is refused with no reason.
 *
 * <p>An unknown user costs the same hashing as a known one (a stand-in hash is checked), so the time of a refusal does
 * not tell which usernames exist. The hashing runs on a small pool of its own, as many threads as processors with a
 * bounded queue, never on the event loop that received the login; a login that finds the queue full is refused.
 */
public final class FileAuthenticator implements Authenticator, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(FileAuthenticator.class);

	static final byte[] MISSING_PARAMETERS = "{\"error\":\"missing authentication parameter: username or/and password\"}"
		.getBytes(StandardCharsets.UTF_8);

	/** Logins waiting for a hashing thread, beyond which one is refused rather than queued. */
	private static final int QUEUE_LIMIT = 10_000;

	private final UsersFile users;

	private final PasswordHash hash;

	/** Compared against when the user is unknown, to spend the time a known user costs. */
	private final String standIn;

	private final Scheduler hashing;

	public FileAuthenticator(UsersFileProperties properties) {
		this(UsersFile.read(properties.path(), properties.passwordHash()), properties.passwordHash(),
				Schedulers.newBoundedElastic(Runtime.getRuntime().availableProcessors(), QUEUE_LIMIT,
						"sluice-password-hash"));
		logger.info("Authentication: users file {} ({} users, {})", properties.path(), this.users.size(),
				(this.hash != null) ? "hashed with " + this.hash.algorithm() + ", " + this.hash.iterations()
						+ " iterations" : "passwords in clear text");
	}

	FileAuthenticator(UsersFile users, PasswordHash hash, Scheduler hashing) {
		this.users = users;
		this.hash = hash;
		this.standIn = (hash != null) ? hash.hash("stand-in for an unknown user") : "";
		this.hashing = hashing;
	}

	@Override
	public Mono<AuthResult> authenticate(ConnectionData connection, JsonNode authData) {
		if (!recognises(authData)) {
			return Mono.just(AuthResult.refused(MISSING_PARAMETERS));
		}
		String username = authData.get("username").asString();
		String password = authData.get("password").asString();
		return Mono.fromCallable(() -> check(username, password))
			// PBKDF2 is CPU work by design: off the event loop that received the login.
			.subscribeOn(this.hashing)
			.onErrorResume(RejectedExecutionException.class, (ex) -> {
				logger.warn("Too many logins waiting for password hashing; refusing one");
				return Mono.just(AuthResult.refused("Server busy, try again"));
			});
	}

	@Override
	public boolean recognises(JsonNode authData) {
		JsonNode username = authData.get("username");
		JsonNode password = authData.get("password");
		return username != null && username.isString() && password != null && password.isString();
	}

	private AuthResult check(String username, String password) {
		UsersFile.User user = this.users.user(username);
		if (user == null) {
			// The time of a known user's check, whose answer does not matter: a refusal does not tell who exists.
			matches(password, this.standIn);
		}
		if (user == null || !matches(password, user.password())) {
			logger.debug("File authentication refused a login as '{}'", username);
			return AuthResult.refused((byte[]) null);
		}
		return AuthResult.accepted(username, user.clientData(), user.serverData());
	}

	private boolean matches(String password, String stored) {
		if (this.hash != null) {
			return this.hash.matches(password, stored);
		}
		return MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8), stored.getBytes(StandardCharsets.UTF_8));
	}

	@Override
	public void close() {
		this.hashing.dispose();
	}

	@Override
	public String toString() {
		return "users file";
	}

}
