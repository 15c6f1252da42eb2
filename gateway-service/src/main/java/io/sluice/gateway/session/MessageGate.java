package io.sluice.gateway.session;

import reactor.core.publisher.Mono;

import io.sluice.gateway.protocol.Message;

/**
 * Decides, before its topic's handler sees it, whether an authenticated client may do what a message asks: the
 * permission check. Called on the connection's event loop, once per message.
 *
 * <p>The result is the message to handle: the same one, one that names fewer records, events or users (when the
 * client may act on only some of those it named), or empty when nothing is left, in which case the gate has already
 * told the client why. A decision made at once should be returned as {@code Mono.just} or {@code Mono.empty()}: the
 * message is then handled in the same call, in arrival order with the messages around it. A decision that needs a
 * record read completes later; like deepstream, such a message may then be handled after ones sent after it.
 * Never fails.
 */
public interface MessageGate {

	Mono<Message> admit(Connection connection, Message message);

}
