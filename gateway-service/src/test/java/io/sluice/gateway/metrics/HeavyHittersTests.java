package io.sluice.gateway.metrics;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.sluice.gateway.metrics.HeavyHitters.Counted;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class HeavyHittersTests {

	private static final long HALF_LIFE = Duration.ofSeconds(30).toNanos();

	private final AtomicLong now = new AtomicLong();

	private final HeavyHitters table = new HeavyHitters(4, HALF_LIFE, this.now::get);

	@Test
	void namesSeenMostComeFirstWithTheirCounts() {
		add("quiet", 1);
		add("busy", 5);
		add("middling", 3);
		assertThat(this.table.top(10)).containsExactly(new Counted("busy", 5), new Counted("middling", 3),
				new Counted("quiet", 1));
		assertThat(this.table.top(1)).containsExactly(new Counted("busy", 5));
	}

	@Test
	void aBusyNameStaysInTheTableWhileManyOthersPassThroughIt() {
		for (int i = 0; i < 10_000; i++) {
			this.table.add("busy");
			this.table.add("once-" + i);
		}
		assertThat(this.table.top(10)).hasSizeLessThanOrEqualTo(4);
		assertThat(this.table.top(1)).extracting(Counted::name).containsExactly("busy");
		assertThat(this.table.top(1).get(0).count()).isGreaterThanOrEqualTo(10_000);
	}

	@Test
	void countsHalveEveryHalfLifeSoThatANameNoLongerUsedDropsOut() {
		add("earlier", 8);
		this.now.addAndGet(HALF_LIFE);
		add("now", 5);
		assertThat(this.table.top(10)).containsExactly(new Counted("now", 5), new Counted("earlier", 4));
		this.now.addAndGet(3 * HALF_LIFE);
		assertThat(this.table.top(10)).isEmpty();
	}

	@Test
	void aTableNeedsASlot() {
		assertThatIllegalArgumentException().isThrownBy(() -> new HeavyHitters(0, HALF_LIFE, this.now::get))
			.withMessageContaining("at least one slot");
	}

	private void add(String name, int times) {
		for (int i = 0; i < times; i++) {
			this.table.add(name);
		}
	}

}
