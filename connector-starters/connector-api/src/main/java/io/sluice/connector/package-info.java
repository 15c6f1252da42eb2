/**
 * The ports of Sluice's connectors: {@link io.sluice.connector.RecordCache}, {@link io.sluice.connector.RecordStore},
 * {@link io.sluice.connector.StorageQueue}, {@link io.sluice.connector.MessageBus} and
 * {@link io.sluice.connector.StreamHistory}, with the records they carry, and
 * {@link io.sluice.connector.ConnectorChoice}, the properties that choose their adapters. Services depend on this
 * package only; the technologies arrive through starters.
 */
package io.sluice.connector;
