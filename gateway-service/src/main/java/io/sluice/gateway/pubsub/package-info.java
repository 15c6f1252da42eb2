/**
 * Who on this node subscribes to which name, for one topic, and the sending of a message to all of them
 * ({@code Subscriptions}); shared by the event, record and presence topics. Listening on subscriptions is in
 * {@code io.sluice.gateway.listen}.
 */
package io.sluice.gateway.pubsub;
