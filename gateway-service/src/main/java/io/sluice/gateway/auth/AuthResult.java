package io.sluice.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * An authenticator's answer.
 *
 * @param accepted whether the client is logged in
 * @param userId who it is, when accepted
 * @param clientData JSON sent to the client: in {@code AUTH_SUCCESSFUL} when accepted (its {@code clientData}), in
 *     {@code AUTH_UNSUCCESSFUL} when refused (the reason); {@code null} for none
 * @param serverData JSON kept on the server for permission rules, when accepted; {@code null} for none
 * @param expiresAt when the login stops being valid (a token's expiry): the session is closed then; {@code null} for
 *     never
 */
public record AuthResult(boolean accepted, String userId, byte[] clientData, byte[] serverData, Instant expiresAt) {

	public AuthResult(boolean accepted, String userId, byte[] clientData, byte[] serverData) {
		this(accepted, userId, clientData, serverData, null);
	}

	public static AuthResult accepted(String userId, byte[] clientData, byte[] serverData) {
		return new AuthResult(true, userId, clientData, serverData, null);
	}

	/** Accepted until {@code expiresAt}, when the session is closed ({@code null} for never). */
	public static AuthResult accepted(String userId, byte[] clientData, byte[] serverData, Instant expiresAt) {
		return new AuthResult(true, userId, clientData, serverData, expiresAt);
	}

	public static AuthResult refused(byte[] reason) {
		return new AuthResult(false, null, reason, null, null);
	}

	/** Refused with a reason the client receives as a JSON string. */
	public static AuthResult refused(String reason) {
		StringBuilder json = new StringBuilder("\"");
		for (char c : reason.toCharArray()) {
			if (c == '"' || c == '\\') {
				json.append('\\');
			}
			json.append((c < 0x20) ? ' ' : c);
		}
		return refused(json.append('"').toString().getBytes(StandardCharsets.UTF_8));
	}

}
