/**
 * The record service's API: {@code RecordService}, the changes it hands out ({@code RecordChange}), the paths into a
 * record's data ({@code RecordPath}) and the exceptions it fails with. The local implementation is in
 * {@link io.sluice.record.write}, the change feed in {@link io.sluice.record.feed}, the client of remote instances
 * in {@link io.sluice.record.remote} and the records API those instances serve in {@link io.sluice.record.api}.
 */
package io.sluice.record;
