package io.sluice.record.remote;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Rendezvous (highest-random-weight) hashing: a record belongs to the instance whose weight for the record's name
 * is highest, each weight a hash of the name and the instance. Taking an instance away moves only the names it
 * owned, each to its next choice; adding one takes from every other only the names it now wins.
 */
final class Rendezvous {

	private Rendezvous() {
	}

	/**
	 * The instances in the order a call for {@code name} tries them: its owner first, then the next choices.
	 * @param seedOf each instance's {@link #seed(String) seed}
	 */
	static <T> List<T> rank(String name, Collection<T> instances, ToLongFunction<T> seedOf) {
		long nameHash = hash(name);
		List<T> ranked = new ArrayList<>(instances);
		if (ranked.size() > 1) {
			ranked.sort((a, b) -> Long.compareUnsigned(weight(nameHash, seedOf.applyAsLong(b)),
					weight(nameHash, seedOf.applyAsLong(a))));
		}
		return ranked;
	}

	/** The owner of {@code name} among {@code instances}, or {@code null} if there are none. */
	static <T> T owner(String name, Collection<T> instances, ToLongFunction<T> seedOf) {
		long nameHash = hash(name);
		T best = null;
		long bestWeight = 0;
		for (T instance : instances) {
			long weight = weight(nameHash, seedOf.applyAsLong(instance));
			if (best == null || Long.compareUnsigned(weight, bestWeight) > 0) {
				best = instance;
				bestWeight = weight;
			}
		}
		return best;
	}

	/** An instance's seed, from its identity (such as {@code host:port}): the same everywhere it is computed. */
	static long seed(String instanceId) {
		return hash(instanceId);
	}

	private static long weight(long nameHash, long seed) {
		return mix(nameHash ^ seed);
	}

	/** FNV-1a over the UTF-16 code units, finished with a full avalanche: the same on every JVM. */
	private static long hash(String text) {
		long hash = 0xcbf29ce484222325L;
		for (int i = 0; i < text.length(); i++) {
			hash ^= text.charAt(i);
			hash *= 0x100000001b3L;
		}
		return mix(hash);
	}

	/** MurmurHash3's 64-bit finaliser. */
	private static long mix(long value) {
		long h = value;
		h ^= h >>> 33;
		h *= 0xff51afd7ed558ccdL;
		h ^= h >>> 33;
		h *= 0xc4ceb9fe1a85ec53L;
		h ^= h >>> 33;
		return h;
	}

}
