/**
 * Which gateway nodes are alive ({@code ClusterMembership}: hello, heartbeats, expiry, leave, on the bus topic
 * {@code cluster}), and what a capability that keeps a copy of every node's state implements to build on it
 * ({@code ClusterCapability}), with the bus topic it speaks on ({@code ClusterTopic}).
 */
package io.sluice.gateway.cluster;
