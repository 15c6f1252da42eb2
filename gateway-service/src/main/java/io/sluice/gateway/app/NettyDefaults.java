package io.sluice.gateway.app;

/**
 * Netty settings that Sluice's deployables start with unless the JVM was given them: set as system properties in
 * {@code main}, before any Netty class reads them.
 *
 * <ul>
 * <li>{@code io.netty.recycler.maxCapacityPerThread=0}: no object pool behind Netty's recycled objects, chiefly the
 * outbound buffer's entry that every write takes. A fan-out writes one entry per subscriber, and taking and
 * returning pooled entries costs more than allocating them, which the young generation takes cheaply
 * ({@code docs/decisions/netty-recycler.md}).</li>
 * </ul>
 */
public final class NettyDefaults {

	/** The property that sizes Netty's per-thread object pools. */
	public static final String RECYCLER_CAPACITY = "io.netty.recycler.maxCapacityPerThread";

	private NettyDefaults() {
	}

	/** Sets each default that the JVM was not given; a value given with {@code -D} stays. */
	public static void apply() {
		if (System.getProperty(RECYCLER_CAPACITY) == null) {
			System.setProperty(RECYCLER_CAPACITY, "0");
		}
	}

}
