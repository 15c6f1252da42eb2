package io.sluice.connector.file;

/**
 * When the journal's entries are forced to the disk ({@code sluice.queue.file.fsync}), and so what an acknowledged
 * write survives. Every mode survives the process being killed: an entry is in the operating system's file cache
 * before its offer completes. They differ over a power cut or a crash of the operating system.
 */
public enum Fsync {

	/**
	 * An offer completes only once its entry is on the disk: nothing acknowledged is lost to a power cut. Entries are
	 * forced in groups, one force for every entry appended since the last one began, so a busy journal forces less
	 * often than it appends.
	 */
	ALWAYS,

	/**
	 * An offer completes once its entry is appended, and the journal is forced every {@code fsync-interval}: a power
	 * cut loses what was acknowledged since the last force began, at most the interval plus the time a force takes.
	 */
	INTERVAL,

	/**
	 * The journal is never forced: a power cut loses what the operating system has not written back yet (by
	 * Linux's defaults, writes up to about 30 s old), and may damage the journal's tail.
	 */
	NEVER

}
