/**
 * Who on this node subscribes to which name, for one topic, and the sending of a message to all of them
 * ({@code Subscriptions}); shared by the event, record and presence topics. {@code LifelongFeed} is the one
 * subscription, for the gateway's life, through which what other nodes send reaches them. Listening on subscriptions
 * is in {@code io.sluice.gateway.listen}.
 */
package io.sluice.gateway.pubsub;
