/**
 * The record change feed: this node's changes handed to its subscribers at once and announced to other nodes on the
 * message bus, and theirs received from it ({@code RecordChangeFeed}), in one wire format ({@code RecordChangeCodec}).
 */
package io.sluice.record.feed;
