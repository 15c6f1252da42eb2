/**
 * The MongoDB connectors: a {@link io.sluice.connector.RecordStore} with version-guarded bulk upserts, tombstones
 * and TTL expiry, and a cold {@link io.sluice.connector.StreamHistory}, over Spring Data MongoDB Reactive.
 */
package io.sluice.connector.mongodb;
