package io.sluice.gateway.auth;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * deepstream's {@code file} authentication: users and their hashed passwords in a YAML or JSON file, read at
 * start-up. The hash settings are those of deepstream's {@code auth} entry of type {@code file} (its {@code hash},
 * {@code iterations} and {@code keyLength}); the defaults are the ones deepstream's configuration ships with, so its
 * example users file works as it is.
 *
 * @param path the users file, {@code {username: {password, serverData, clientData}}}; required
 * @param hash the HMAC digest of PBKDF2, by its Node.js name ({@code md5}, {@code sha1}, {@code sha256},
 *     {@code sha512}, ...), or {@code none} for passwords in clear text (deepstream without {@code hash})
 * @param iterations PBKDF2's iterations
 * @param keyLength the length of the derived key in bytes
 */
@ConfigurationProperties("sluice.auth.file")
public record UsersFileProperties(Path path, @DefaultValue("md5") String hash, @DefaultValue("100") int iterations,
		@DefaultValue("32") int keyLength) {

	/** The {@code hash} of passwords kept in clear text. */
	static final String CLEAR_TEXT = "none";

	public UsersFileProperties {
		if (path == null) {
			throw new IllegalArgumentException("sluice.auth.file.path must name the users file when sluice.auth.type "
					+ "includes file");
		}
		if (iterations < 1) {
			throw new IllegalArgumentException("sluice.auth.file.iterations must be at least 1, was " + iterations);
		}
		if (keyLength < 1) {
			throw new IllegalArgumentException("sluice.auth.file.key-length must be at least 1, was " + keyLength);
		}
		if (!CLEAR_TEXT.equalsIgnoreCase(hash)) {
			try {
				new PasswordHash(hash, iterations, keyLength);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("sluice.auth.file.hash: " + ex.getMessage() + ", or " + CLEAR_TEXT,
						ex);
			}
		}
	}

	/** How the file's passwords are hashed, or {@code null} when they are in clear text. */
	PasswordHash passwordHash() {
		return CLEAR_TEXT.equalsIgnoreCase(this.hash) ? null : new PasswordHash(this.hash, this.iterations,
				this.keyLength);
	}

}
