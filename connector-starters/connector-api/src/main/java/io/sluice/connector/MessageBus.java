package io.sluice.connector;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The bus that nodes share state over: coarse topics (records, events, rpc, presence, listen, cluster) and messages
 * addressed to one node.
 *
 * <p>Guarantees every adapter gives:
 * <ul>
 * <li><b>Never to itself.</b> A node is never handed a message it published or sent.</li>
 * <li><b>Direct means direct.</b> A message {@link #send sent} to a node reaches that node only.</li>
 * <li><b>Order per sender.</b> Messages one node publishes on one topic arrive at each subscriber in the order
 * published.</li>
 * <li><b>At most once.</b> The bus does not store messages: a node that is not subscribed when a message
 * passes does not see it. State that must survive is re-synced by its owners.</li>
 * </ul>
 * Failures are signalled as {@link ConnectorException}.
 */
public interface MessageBus {

	/** This node's identity on the bus. */
	String nodeId();

	/** Publishes {@code payload} on {@code topic} to every other subscribed node. */
	Mono<Void> publish(String topic, byte[] payload);

	/** Sends {@code payload} on {@code topic} to {@code targetNode} only. */
	Mono<Void> send(String targetNode, String topic, byte[] payload);

	/**
	 * The messages other nodes publish on {@code topic}, and those sent on it to this node. The returned flux
	 * is hot: it sees what arrives while it is subscribed.
	 */
	Flux<BusMessage> subscribe(String topic);

}
