package io.sluice.gateway.rpc;

import reactor.core.publisher.Mono;

import io.sluice.gateway.session.Connection;

/**
 * A procedure the server itself provides, under a name no client can take: a client's request for it is accepted at
 * once and answered by the server, on whichever node the client is connected to.
 */
public interface BuiltInProcedure {

	/** The procedure's name, such as {@code sluice/history}. */
	String name();

	/**
	 * Answers a request.
	 * @param requestor the connection that asked, for its permissions
	 * @param data the request's data as JSON, or {@code null}
	 * @return the answer's data as JSON; an error's message is what the requestor is told
	 */
	Mono<byte[]> call(Connection requestor, byte[] data);

}
