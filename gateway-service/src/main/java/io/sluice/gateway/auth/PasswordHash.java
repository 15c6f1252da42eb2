package io.sluice.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Passwords hashed as deepstream's file authentication and its {@code deepstream hash} command hash them, so that a
 * users file written for deepstream works unchanged and one written here works in deepstream: PBKDF2 with the HMAC of
 * {@code algorithm} (a Node.js digest name: {@code md5}, {@code sha1}, {@code sha256}, ...), {@code iterations} and
 * {@code keyLength} bytes, over the password's UTF-8 bytes and a salt; stored as the derived key in Base64 followed
 * by the salt. The salt is 16 random bytes in Base64, and it is that Base64 text (its 24 characters), not the bytes it
 * encodes, that goes into PBKDF2, as in deepstream.
 *
 * <p>PBKDF2 is written out over {@link Mac} because the JDK's {@code SecretKeyFactory} has no HMAC-MD5 variant, and
 * MD5 is deepstream's example setting. Costly by design: call it off the event loops.
 */
record PasswordHash(String algorithm, int iterations, int keyLength) {

	private static final Map<String, String> MACS = Map.of("md5", "HmacMD5", "sha1", "HmacSHA1", "sha224",
			"HmacSHA224", "sha256", "HmacSHA256", "sha384", "HmacSHA384", "sha512", "HmacSHA512", "sha3-256",
			"HmacSHA3-256", "sha3-384", "HmacSHA3-384", "sha3-512", "HmacSHA3-512");

	private static final SecureRandom random = new SecureRandom();

	PasswordHash {
		String mac = (algorithm != null) ? MACS.get(algorithm.toLowerCase(Locale.ROOT)) : null;
		if (mac == null) {
			throw new IllegalArgumentException(
					"Unknown hash '" + algorithm + "'; one of " + MACS.keySet().stream().sorted().toList());
		}
		if (iterations < 1) {
			throw new IllegalArgumentException("iterations must be at least 1, was " + iterations);
		}
		if (keyLength < 1) {
			throw new IllegalArgumentException("key length must be at least 1, was " + keyLength);
		}
		algorithm = algorithm.toLowerCase(Locale.ROOT);
	}

	/** A new hash of {@code password} with a random salt, as a users file holds it. */
	String hash(String password) {
		byte[] salt = new byte[16];
		random.nextBytes(salt);
		String saltText = Base64.getEncoder().encodeToString(salt);
		return Base64.getEncoder().encodeToString(derive(password, saltText)) + saltText;
	}

	/**
	 * Whether {@code password} is the one {@code stored} (a hash followed by its salt) was made from; compares in time
	 * that does not depend on where the two differ.
	 */
	boolean matches(String password, String stored) {
		int hashLength = encodedKeyLength();
		if (stored.length() <= hashLength) {
			return false;
		}
		byte[] expected = stored.substring(0, hashLength).getBytes(StandardCharsets.US_ASCII);
		byte[] actual = Base64.getEncoder()
			.encodeToString(derive(password, stored.substring(hashLength)))
			.getBytes(StandardCharsets.US_ASCII);
		return MessageDigest.isEqual(expected, actual);
	}

	/** Whether {@code stored} is long enough to hold a hash of these settings and a salt. */
	boolean fits(String stored) {
		return stored.length() > encodedKeyLength();
	}

	/** The length of the derived key in Base64, with padding: where the salt starts. */
	private int encodedKeyLength() {
		return 4 * ((this.keyLength + 2) / 3);
	}

	private byte[] derive(String password, String salt) {
		try {
			String name = MACS.get(this.algorithm);
			Mac mac = Mac.getInstance(name);
			byte[] key = password.getBytes(StandardCharsets.UTF_8);
			// HMAC pads its key with zeros, so an empty key is the key of one zero byte, which SecretKeySpec accepts.
			mac.init(new SecretKeySpec((key.length > 0) ? key : new byte[1], name));
			return pbkdf2(mac, salt.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("This JVM has no " + MACS.get(this.algorithm), ex);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Hashing with " + this.algorithm + " failed", ex);
		}
	}

	/** RFC 8018, section 5.2. */
	private byte[] pbkdf2(Mac mac, byte[] salt) {
		int blockLength = mac.getMacLength();
		byte[] derived = new byte[this.keyLength];
		byte[] t = new byte[blockLength];
		for (int block = 1, offset = 0; offset < this.keyLength; block++, offset += blockLength) {
			mac.update(salt);
			mac.update(new byte[] { (byte) (block >>> 24), (byte) (block >>> 16), (byte) (block >>> 8), (byte) block });
			byte[] u = mac.doFinal();
			System.arraycopy(u, 0, t, 0, blockLength);
			for (int i = 1; i < this.iterations; i++) {
				u = mac.doFinal(u);
				for (int j = 0; j < blockLength; j++) {
					t[j] ^= u[j];
				}
			}
			System.arraycopy(t, 0, derived, offset, Math.min(blockLength, this.keyLength - offset));
		}
		return derived;
	}

}
