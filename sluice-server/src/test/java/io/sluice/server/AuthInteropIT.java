package io.sluice.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Users files and JWTs with the real {@code @deepstream/client} ({@code clients/node-interop/auth.js}) against a
 * Sluice server in a child JVM with {@code sluice.auth.type=file,jwt}: the users file is made afresh by deepstream's
 * own {@code deepstream hash} command ({@code @deepstream/server} 7.0.2, installed from {@code bench/peers/deepstream}),
 * the tokens by this test (HS256). A session is ended when its token expires. The server's log, with Sluice's
 * debug logging on, holds none of the secrets used: passwords, keys, tokens, serverData. Skipped, loudly, when Node.js 18+ and
 * npm are not on the PATH.
 */
class AuthInteropIT {

	private static final Pattern HASH_OUTPUT = Pattern.compile("Password hash: (\\S+)");

	private static final String SECRET = "the secret of AuthInteropIT, at least 32 bytes";

	private static final String OTHER_SECRET = "another secret, also at least 32 bytes";

	private static final String SERVER_DATA_SECRET = "users-file-server-data-" + Long.toString(System.nanoTime(), 36);

	private static final String TOKEN_SERVER_DATA_SECRET = "token-server-data-" + Long.toString(System.nanoTime(), 36);

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(60);

	@RegisterExtension
	static final InteropSupport interop = new InteropSupport("auth-interop");

	@TempDir
	Path directory;

	@Test
	void usersFileFromDeepstreamsToolAndJwtsLogInAndAnExpiredTokenEndsTheSession() throws Exception {
		String password = "correct horse " + Long.toString(System.nanoTime(), 36);
		Path users = this.directory.resolve("users.yml");
		String hash = deepstreamHash(password);
		Files.writeString(users, """
				alice:
				  password: "%s"
				  serverData: { role: admin, apiKey: "%s" }
				  clientData: { favouriteColor: red }
				""".formatted(hash, SERVER_DATA_SECRET));
		try {
			ServerProcess server = interop.start(ServerProcess.freePort(), "server.log", STARTUP_TIMEOUT,
					List.of("--sluice.data-dir=" + this.directory.resolve("data"), "--sluice.auth.type=file,jwt",
							"--sluice.auth.file.path=" + users, "--sluice.auth.jwt.secret=" + SECRET,
							"--sluice.auth.jwt.clock-skew=0s", SecretsInLogs.TRACE));
			Instant shortExp = Instant.now().plusSeconds(6);
			String good = token(SECRET, "jay", Instant.now().plusSeconds(600));
			String bad = token(OTHER_SECRET, "jay", Instant.now().plusSeconds(600));
			String shortLived = token(SECRET, "kim", shortExp);
			String fresh = token(SECRET, "kim", Instant.now().plusSeconds(600));
			NodeInterop.Run run = interop.node()
				.run("auth.js", "auth",
						List.of(server.webSocketUrl(), password, good, bad, shortLived,
								Long.toString(shortExp.getEpochSecond()), fresh),
						Map.of(), SCENARIO_TIMEOUT);
			assertThat(run.failed()).as(run::describe).isEmpty();
			assertThat(run.checks()).as(run::describe)
				.extracting(NodeInterop.Check::name)
				.containsExactly("file-login", "file-wrong-password-refused", "jwt-login", "jwt-bad-signature-refused",
						"jwt-short-login", "jwt-session-ends-at-exp", "jwt-expired-token-refused-on-reconnect",
						"jwt-login-again-with-a-fresh-token");
			assertThat(run.exitStatus()).as(run::describe).isZero();
			SecretsInLogs.assertNoneIn(server.log(),
					Map.of("the password", password, "its hash", hash, "the JWT key", SECRET,
							"the other JWT key", OTHER_SECRET, "serverData of the users file", SERVER_DATA_SECRET,
							"serverData of the tokens", TOKEN_SERVER_DATA_SECRET, "a token", good,
							"another token's signature", bad.substring(bad.lastIndexOf('.') + 1),
							"a short-lived token", shortLived, "a fresh token", fresh));
		}
		catch (AssertionError | Exception failure) {
			throw interop.withServerOutput(failure);
		}
	}

	/** The hash deepstream's own {@code deepstream hash} command makes, with the settings Sluice defaults to. */
	private String deepstreamHash(String password) throws Exception {
		Path config = this.directory.resolve("deepstream-config.yml");
		Files.writeString(this.directory.resolve("deepstream-users.yml"), "unused: { password: unused }\n");
		Files.writeString(config, """
				auth:
				  - type: file
				    options:
				      users: fileLoad(deepstream-users.yml)
				      hash: md5
				      iterations: 100
				      keyLength: 32
				""");
		Path out = interop.log("deepstream-hash.out");
		Process hash = interop.deepstream(List.of("hash", password, "-c", config.toString()))
			.redirectErrorStream(true)
			.redirectOutput(out.toFile())
			.start();
		assertThat(hash.waitFor(60, TimeUnit.SECONDS)).as("deepstream hash finished").isTrue();
		String output = Files.readString(out, StandardCharsets.UTF_8);
		Matcher matcher = HASH_OUTPUT.matcher(output);
		assertThat(matcher.find()).as(output).isTrue();
		return matcher.group(1);
	}

	private static String token(String secret, String subject, Instant expiresAt) throws Exception {
		JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject)
			.expirationTime(Date.from(expiresAt))
			.claim("clientData", Map.of("plan", "pro"))
			.claim("serverData", Map.of("tier", "gold", "apiKey", TOKEN_SERVER_DATA_SECRET))
			.build();
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
		jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
		return jwt.serialize();
	}

}
