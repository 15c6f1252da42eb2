/**
 * The storage queue of one process journaled to files ({@code sluice.queue.type=file}), and its auto-configuration:
 * writes held in memory until committed, and in segment files that survive a crash of the process, and a power cut
 * as well unless {@code sluice.queue.file.fsync} says otherwise ({@link io.sluice.connector.file.Fsync}).
 */
package io.sluice.connector.file;
