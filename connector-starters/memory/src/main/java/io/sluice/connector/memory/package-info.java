/**
 * In-memory adapters for every connector port, and their auto-configuration: the defaults when no other
 * starter provides an adapter. Fast and thread-safe, but neither durable nor shared beyond one process.
 */
package io.sluice.connector.memory;
