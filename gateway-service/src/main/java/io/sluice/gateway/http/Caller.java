package io.sluice.gateway.http;

import io.sluice.gateway.permission.Permissions;

/**
 * Who an HTTP request acts for, once authenticated: as rules see them, and what an RPC provider may be told.
 * @param subject the user id and server data permission rules read
 * @param clientData the client data the authenticator gave (JSON), or {@code null}
 */
public record Caller(Permissions.Subject subject, byte[] clientData) {

	public String userId() {
		return this.subject.userId();
	}

}
