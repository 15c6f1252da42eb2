package io.sluice.connector;

/**
 * Where a stream stands: its epoch and its last offset (0 when it has no events yet).
 *
 * @param epoch the stream's epoch
 * @param offset the last offset appended
 */
public record StreamPosition(String epoch, long offset) {
}
