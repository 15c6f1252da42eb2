package io.sluice.record.remote;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RendezvousTests {

	private static final int NAMES = 10_000;

	@Test
	void removingOneOfThreeInstancesMovesOnlyItsShare() {
		List<String> three = List.of("10.0.0.1:7070", "10.0.0.2:7070", "10.0.0.3:7070");
		Map<String, String> before = owners(three);
		Map<String, String> after = owners(three.subList(0, 2));
		int moved = 0;
		for (Map.Entry<String, String> entry : before.entrySet()) {
			String name = entry.getKey();
			if (entry.getValue().equals("10.0.0.3:7070")) {
				moved++;
				assertThat(after.get(name)).isNotEqualTo("10.0.0.3:7070");
			}
			else {
				assertThat(after.get(name)).as("owner of %s", name).isEqualTo(entry.getValue());
			}
		}
		// About a third of the names were the removed instance's.
		assertThat(moved).isBetween(NAMES * 30 / 100, NAMES * 37 / 100);
	}

	@Test
	void addingAnInstanceTakesOnlyWhatItNowWins() {
		List<String> two = List.of("a:1", "b:1");
		List<String> three = List.of("a:1", "b:1", "c:1");
		Map<String, String> before = owners(two);
		Map<String, String> after = owners(three);
		before.forEach((name, owner) -> {
			if (!after.get(name).equals("c:1")) {
				assertThat(after.get(name)).isEqualTo(owner);
			}
		});
		long taken = after.values().stream().filter("c:1"::equals).count();
		assertThat(taken).isBetween((long) NAMES * 30 / 100, (long) NAMES * 37 / 100);
	}

	@Test
	void theRankingStartsWithTheOwnerAndHoldsEveryInstanceOnce() {
		List<String> instances = List.of("a:1", "b:1", "c:1", "d:1");
		for (int i = 0; i < 100; i++) {
			String name = "rendezvous/rank-" + i;
			List<String> ranked = Rendezvous.rank(name, instances, Rendezvous::seed);
			assertThat(ranked).containsExactlyInAnyOrderElementsOf(instances);
			assertThat(ranked.get(0)).isEqualTo(Rendezvous.owner(name, instances, Rendezvous::seed));
			// Without the owner, the next choice is the owner.
			List<String> rest = new ArrayList<>(instances);
			rest.remove(ranked.get(0));
			assertThat(Rendezvous.owner(name, rest, Rendezvous::seed)).isEqualTo(ranked.get(1));
		}
	}

	@Test
	void namesSpreadEvenly() {
		List<String> instances = List.of("a:1", "b:1", "c:1");
		Map<String, Integer> counts = new HashMap<>();
		owners(instances).values().forEach((owner) -> counts.merge(owner, 1, Integer::sum));
		assertThat(counts.values()).allSatisfy((count) -> assertThat(count).isBetween(NAMES * 30 / 100, NAMES * 37 / 100));
	}

	private static Map<String, String> owners(List<String> instances) {
		Map<String, String> owners = new HashMap<>();
		for (int i = 0; i < NAMES; i++) {
			String name = "rendezvous/record-" + i;
			owners.put(name, Rendezvous.owner(name, instances, Rendezvous::seed));
		}
		return owners;
	}

}
