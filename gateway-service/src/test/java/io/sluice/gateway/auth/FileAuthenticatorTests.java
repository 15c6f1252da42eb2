package io.sluice.gateway.auth;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class FileAuthenticatorTests {

	private static final Duration VERIFY = Duration.ofSeconds(10);

	private static final ConnectionData CONNECTION = new ConnectionData("127.0.0.1", Map.of(), null);

	private static final JsonMapper json = JsonMapper.builder().build();

	private final Scheduler hashing = Schedulers.newSingle("test-password-hash");

	@TempDir
	Path directory;

	@AfterEach
	void stopHashing() {
		this.hashing.dispose();
	}

	@Test
	void userOfAFileMadeByDeepstreamsHashCommandLogsInWithItsData() throws Exception {
		FileAuthenticator file = deepstreamMd5File();
		StepVerifier.create(file.authenticate(CONNECTION, login("alice", "correct horse"))).assertNext((result) -> {
			assertThat(result.accepted()).isTrue();
			assertThat(result.userId()).isEqualTo("alice");
			assertThat(text(result.clientData())).isEqualTo("{\"favouriteColor\":\"red\"}");
			assertThat(text(result.serverData())).isEqualTo("{\"role\":\"admin\"}");
			assertThat(result.expiresAt()).isNull();
		}).expectComplete().verify(VERIFY);
		StepVerifier.create(file.authenticate(CONNECTION, login("bob", "battery staple"))).assertNext((result) -> {
			assertThat(result.accepted()).isTrue();
			assertThat(result.clientData()).as("none in the file").isNull();
			assertThat(result.serverData()).isNull();
		}).expectComplete().verify(VERIFY);
	}

	@Test
	void deepstreamHashWithOtherSettingsIsReadWithThoseSettings() throws Exception {
		UsersFileProperties settings = new UsersFileProperties(resource("deepstream-sha512-users.json"), "sha512", 1000,
				64);
		FileAuthenticator file = new FileAuthenticator(UsersFile.read(settings.path(), settings.passwordHash()),
				settings.passwordHash(), this.hashing);
		StepVerifier.create(file.authenticate(CONNECTION, login("carol", "correct horse")))
			.assertNext((result) -> assertThat(text(result.serverData())).isEqualTo("{\"team\":\"blue\"}"))
			.expectComplete()
			.verify(VERIFY);
		StepVerifier.create(file.authenticate(CONNECTION, login("carol", "battery staple")))
			.assertNext((result) -> assertThat(result.accepted()).isFalse())
			.expectComplete()
			.verify(VERIFY);
	}

	@Test
	void wrongPasswordAndUnknownUserAreRefusedAlikeWithoutAReason() throws Exception {
		FileAuthenticator file = deepstreamMd5File();
		for (ObjectNode attempt : new ObjectNode[] { login("alice", "correct horse!"), login("mallory", "correct horse"),
				login("alice", "") }) {
			StepVerifier.create(file.authenticate(CONNECTION, attempt)).assertNext((result) -> {
				assertThat(result.accepted()).isFalse();
				assertThat(result.clientData()).isNull();
			}).expectComplete().verify(VERIFY);
		}
	}

	@Test
	void loginWithoutUsernameOrPasswordIsRefusedAsDeepstreamDoes() throws Exception {
		FileAuthenticator file = deepstreamMd5File();
		ObjectNode noPassword = json.createObjectNode().put("username", "alice");
		assertThat(file.recognises(noPassword)).isFalse();
		StepVerifier.create(file.authenticate(CONNECTION, noPassword))
			.assertNext((result) -> assertThat(text(result.clientData()))
				.isEqualTo("{\"error\":\"missing authentication parameter: username or/and password\"}"))
			.expectComplete()
			.verify(VERIFY);
	}

	@Test
	void passwordsAreHashedOffTheCallingThread() throws Exception {
		FileAuthenticator file = new FileAuthenticator(new UsersFileProperties(resource("deepstream-md5-users.yml"),
				"md5", 100, 32));
		try {
			StepVerifier.create(file.authenticate(CONNECTION, login("alice", "correct horse"))
				.map((result) -> Thread.currentThread().getName()))
				.assertNext((thread) -> assertThat(thread).startsWith("sluice-password-hash"))
				.expectComplete()
				.verify(VERIFY);
		}
		finally {
			file.close();
		}
	}

	@Test
	void hashPasswordCommandMakesWhatTheFileAccepts() throws Exception {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int status = HashPassword.run(new String[] { "--hash=sha256", "--iterations=2000", "--key-length=48", "s3cret é" },
				new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
		assertThat(status).isZero();
		String hash = out.toString(StandardCharsets.UTF_8).trim();
		Path users = Files.writeString(this.directory.resolve("users.yml"), "dora:\n  password: \"" + hash + "\"\n");
		PasswordHash settings = new PasswordHash("sha256", 2000, 48);
		FileAuthenticator file = new FileAuthenticator(UsersFile.read(users, settings), settings, this.hashing);
		StepVerifier.create(file.authenticate(CONNECTION, login("dora", "s3cret é")))
			.assertNext((result) -> assertThat(result.accepted()).isTrue())
			.expectComplete()
			.verify(VERIFY);
	}

	@Test
	void hashPasswordCommandRefusesAnUnknownHash() throws Exception {
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int status = HashPassword.run(new String[] { "--hash=md4", "pw" }, new PrintStream(new ByteArrayOutputStream()),
				new PrintStream(err, true, StandardCharsets.UTF_8));
		assertThat(status).isEqualTo(2);
		assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown hash 'md4'");
	}

	@Test
	void pbkdf2IsTheStandardOne() throws Exception {
		// The JDK's own PBKDF2 (which has no HMAC-MD5, hence ours) over the same password and salt text.
		PasswordHash hash = new PasswordHash("sha256", 1234, 40);
		String stored = hash.hash("pässword");
		String salt = stored.substring(56);
		byte[] expected = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
			.generateSecret(new PBEKeySpec("pässword".toCharArray(), salt.getBytes(StandardCharsets.UTF_8), 1234, 40 * 8))
			.getEncoded();
		assertThat(stored.substring(0, 56)).isEqualTo(Base64.getEncoder().encodeToString(expected));
		assertThat(hash.matches("pässword", stored)).isTrue();
		assertThat(hash.matches("password", stored)).isFalse();
		assertThat(new PasswordHash("md5", 100, 32).matches("", new PasswordHash("md5", 100, 32).hash(""))).isTrue();
	}

	@Test
	void clearTextPasswordsAreComparedAsTheyAre() throws Exception {
		Path users = Files.writeString(this.directory.resolve("users.json"), "{\"eve\": {\"password\": \"plain\"}}");
		FileAuthenticator file = new FileAuthenticator(UsersFile.read(users, null), null, this.hashing);
		StepVerifier.create(file.authenticate(CONNECTION, login("eve", "plain")))
			.assertNext((result) -> assertThat(result.accepted()).isTrue())
			.expectComplete()
			.verify(VERIFY);
		StepVerifier.create(file.authenticate(CONNECTION, login("eve", "plain ")))
			.assertNext((result) -> assertThat(result.accepted()).isFalse())
			.expectComplete()
			.verify(VERIFY);
	}

	@Test
	void fileThatCannotBeUsedIsRefusedNamingTheProblem() throws Exception {
		PasswordHash md5 = new PasswordHash("md5", 100, 32);
		Path missing = this.directory.resolve("missing.yml");
		assertThatIllegalArgumentException().isThrownBy(() -> UsersFile.read(missing, md5))
			.withMessageContaining("sluice.auth.file.path")
			.withMessageContaining("cannot read " + missing);
		Path list = Files.writeString(this.directory.resolve("list.yml"), "- alice\n- bob\n");
		assertThatIllegalArgumentException().isThrownBy(() -> UsersFile.read(list, md5))
			.withMessageContaining("must map each username");
		Path broken = Files.writeString(this.directory.resolve("broken.json"), "{\"alice\": {");
		assertThatIllegalArgumentException().isThrownBy(() -> UsersFile.read(broken, md5))
			.withMessageContaining("is not YAML or JSON");
		Path noPassword = Files.writeString(this.directory.resolve("nopassword.yml"), "alice:\n  serverData: {}\n");
		assertThatIllegalArgumentException().isThrownBy(() -> UsersFile.read(noPassword, md5))
			.withMessageContaining("user 'alice'")
			.withMessageContaining("has no password");
		Path notHashed = Files.writeString(this.directory.resolve("clear.yml"), "alice:\n  password: secret\n");
		assertThatIllegalArgumentException().isThrownBy(() -> UsersFile.read(notHashed, md5))
			.withMessageContaining("is not a hash of sluice.auth.file.key-length=32");
	}

	@Test
	void settingsAreCheckedNamingTheProperty() {
		Path users = this.directory.resolve("users.yml");
		assertThatIllegalArgumentException().isThrownBy(() -> new UsersFileProperties(null, "md5", 100, 32))
			.withMessageContaining("sluice.auth.file.path");
		assertThatIllegalArgumentException().isThrownBy(() -> new UsersFileProperties(users, "md4", 100, 32))
			.withMessageContaining("sluice.auth.file.hash: Unknown hash 'md4'");
		assertThatIllegalArgumentException().isThrownBy(() -> new UsersFileProperties(users, "md5", 0, 32))
			.withMessageContaining("sluice.auth.file.iterations");
		assertThatIllegalArgumentException().isThrownBy(() -> new UsersFileProperties(users, "md5", 100, 0))
			.withMessageContaining("sluice.auth.file.key-length");
	}

	private FileAuthenticator deepstreamMd5File() throws URISyntaxException {
		PasswordHash md5 = new PasswordHash("md5", 100, 32);
		return new FileAuthenticator(UsersFile.read(resource("deepstream-md5-users.yml"), md5), md5, this.hashing);
	}

	static Path resource(String name) throws URISyntaxException {
		return Path.of(FileAuthenticatorTests.class.getResource("/auth/" + name).toURI());
	}

	private static ObjectNode login(String username, String password) {
		return json.createObjectNode().put("username", username).put("password", password);
	}

	static String text(byte[] bytes) {
		return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : null;
	}

}
