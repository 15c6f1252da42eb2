package io.sluice.gateway.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The users of deepstream's file authentication, as its users file lists them:
 * {@code {username: {password, serverData, clientData}}}, in YAML or JSON (JSON is YAML too). Read once; a file that
 * cannot be read, or is not such a map of users each with a password, is refused with what is wrong and where.
 */
final class UsersFile {

	private static final YAMLMapper yaml = YAMLMapper.builder().build();

	private static final JsonMapper json = JsonMapper.builder().build();

	private final Map<String, User> users;

	private UsersFile(Map<String, User> users) {
		this.users = Map.copyOf(users);
	}

	/**
	 * Reads the users of {@code path}, whose passwords are hashed by {@code hash} ({@code null} for clear text).
	 * @throws IllegalArgumentException naming the file and the problem
	 */
	static UsersFile read(Path path, PasswordHash hash) {
		JsonNode root;
		try {
			root = yaml.readTree(Files.readAllBytes(path));
		}
		catch (IOException ex) {
			throw new IllegalArgumentException("sluice.auth.file.path: cannot read " + path + ": " + ex, ex);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException(
					"sluice.auth.file.path: " + path + " is not YAML or JSON: " + ex.getOriginalMessage(), ex);
		}
		if (root == null || !root.isObject() || root.isEmpty()) {
			throw new IllegalArgumentException("sluice.auth.file.path: " + path
					+ " must map each username to {password, serverData, clientData}, and list at least one user");
		}
		Map<String, User> users = new HashMap<>();
		for (Map.Entry<String, JsonNode> entry : root.properties()) {
			JsonNode password = entry.getValue().path("password");
			if (!password.isString()) {
				throw new IllegalArgumentException(
						"sluice.auth.file.path: user '" + entry.getKey() + "' in " + path + " has no password");
			}
			if (hash != null && !hash.fits(password.asString())) {
				throw new IllegalArgumentException("sluice.auth.file.path: the password of user '" + entry.getKey()
						+ "' in " + path + " is not a hash of sluice.auth.file.key-length=" + hash.keyLength()
						+ " followed by its salt");
			}
			users.put(entry.getKey(), new User(password.asString(), data(entry.getValue(), "serverData"),
					data(entry.getValue(), "clientData")));
		}
		return new UsersFile(users);
	}

	/** The user of that name, or {@code null}. */
	User user(String username) {
		return this.users.get(username);
	}

	int size() {
		return this.users.size();
	}

	private static byte[] data(JsonNode user, String field) {
		JsonNode value = user.get(field);
		return (value != null && !value.isNull() && !value.isMissingNode()) ? json.writeValueAsBytes(value) : null;
	}

	/** One user: the password as the file holds it (hashed, or in clear text), and the data of its logins (JSON). */
	record User(String password, byte[] serverData, byte[] clientData) {

	}

}
