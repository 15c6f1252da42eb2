/**
 * The local record service and its auto-configuration: writes through the cache, made durable through the storage
 * queue or straight to the store by group commit ({@code WriteThroughRecordService}, {@code DurablePipeline},
 * {@code DurableWrites}, {@code StoreGroupCommit}), one record's writes at a time ({@code RecordLanes}), and reads
 * that fall through to the store ({@code StoreReads}).
 */
package io.sluice.record.write;
