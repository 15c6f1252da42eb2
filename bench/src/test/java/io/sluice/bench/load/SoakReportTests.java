package io.sluice.bench.load;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The soak's verdict: the trend after the warm-up, the allowance, and which classes grew between two histograms.
 */
class SoakReportTests {

	@Test
	void flatSeriesWithNoiseIsBounded() {
		List<SoakReport.Sample> samples = samples(0, 60, (i) -> 40 + ((i % 2 == 0) ? 1.5 : -1.5));
		SoakReport.Trend trend = SoakReport.trend("heap", SoakReport.window(samples),
				SoakReport.Sample::heapAfterGcMib, 4);
		assertThat(trend.growthMib()).isCloseTo(0, within(0.5));
		assertThat(trend.min()).isEqualTo(38.5);
		assertThat(trend.max()).isEqualTo(41.5);
		assertThat(trend.bounded()).isTrue();
	}

	@Test
	void steadyGrowthAfterTheWarmUpIsNotBounded() {
		// 0.1 MiB per 10 s sample: 36 MiB an hour, 12 MiB over the 40 samples after the warm-up.
		List<SoakReport.Sample> samples = samples(0, 60, (i) -> 40 + 0.1 * i);
		SoakReport.Trend trend = SoakReport.trend("heap", SoakReport.window(samples),
				SoakReport.Sample::heapAfterGcMib, 4);
		assertThat(trend.slopeMibPerHour()).isCloseTo(36, within(0.01));
		assertThat(trend.growthMib()).isCloseTo(3.9, within(0.01));
		assertThat(trend.allowedMib()).isEqualTo(4);
		assertThat(trend.bounded()).isTrue();
		List<SoakReport.Sample> faster = samples(0, 60, (i) -> 40 + 0.2 * i);
		assertThat(SoakReport.trend("heap", SoakReport.window(faster), SoakReport.Sample::heapAfterGcMib, 4)
			.bounded()).isFalse();
	}

	@Test
	void growthDuringTheWarmUpIsNotCounted() {
		List<SoakReport.Sample> samples = samples(0, 60, (i) -> (i < 20) ? 10 + 2 * i : 50);
		SoakReport.Trend trend = SoakReport.trend("rss", SoakReport.window(samples), SoakReport.Sample::rssMib, 16);
		assertThat(trend.growthMib()).isZero();
		assertThat(trend.bounded()).isTrue();
	}

	@Test
	void allowanceIsFivePercentOfTheMeanAboveTheFloor() {
		List<SoakReport.Sample> samples = samples(0, 30, (i) -> 1000);
		assertThat(SoakReport.trend("rss", samples, SoakReport.Sample::rssMib, 16).allowedMib()).isEqualTo(50);
	}

	@Test
	void theVerdictJudgesAnonymousRssAndOnlyReportsTheWholeRss() {
		// The whole RSS grows by a mapped file's pages, 0.5 MiB a sample (20 MiB over the window); the rest is flat.
		List<SoakReport.Sample> samples = new ArrayList<>();
		for (int i = 0; i < 60; i++) {
			samples.add(new SoakReport.Sample(10.0 * i, 40, 60, 100, 300 + 0.5 * i, 280, 50, 60, 0.1, 0, 0, 0, 0, 0,
					0, 0, "1 1 1"));
		}
		List<SoakReport.Trend> trends = SoakReport.trends(SoakReport.window(samples));
		assertThat(trends).extracting(SoakReport.Trend::name)
			.containsExactly("heap after full GC (MiB)", "anonymous RSS (MiB)", "RSS (MiB)", "non-heap (MiB)");
		SoakReport.Trend rss = trends.get(2);
		assertThat(rss.bounded()).isFalse();
		assertThat(rss.judged()).isFalse();
		assertThat(rss.row()).endsWith("| GROWS (not judged) |");
		assertThat(trends.get(1).row()).endsWith("| bounded |");
		assertThat(SoakReport.bounded(trends)).isTrue();
		samples.replaceAll((s) -> new SoakReport.Sample(s.seconds(), 40, 60, 100, s.rssMib(), s.rssMib() - 20, 50,
				60, 0.1, 0, 0, 0, 0, 0, 0, 0, "1 1 1"));
		assertThat(SoakReport.bounded(SoakReport.trends(SoakReport.window(samples)))).isFalse();
	}

	@Test
	void histogramGrowthListsTheClassesThatGrewMostFirst() {
		String before = """
				 num     #instances         #bytes  class name (module)
				-------------------------------------------------------
				   1:          1000          64000  [B (java.base@17)
				   2:           500          12000  java.lang.String (java.base@17)
				   3:            10            320  io.sluice.Thing
				Total          1510          76320
				""";
		String after = """
				 num     #instances         #bytes  class name (module)
				-------------------------------------------------------
				   1:          1000          64000  [B (java.base@17)
				   2:          2500          60000  java.lang.String (java.base@17)
				   3:            20            640  io.sluice.Thing
				   4:             5            160  io.sluice.New
				Total          3525         124800
				""";
		List<String> rows = SoakReport.histogramGrowth(before, after, 2);
		assertThat(rows).hasSize(2);
		assertThat(rows.get(0)).startsWith("| `java.lang.String` | +2000 | +46.9 KiB |");
		assertThat(rows.get(1)).startsWith("| `io.sluice.Thing` | +10 | +0.3 KiB |");
	}

	private static List<SoakReport.Sample> samples(int from, int count, java.util.function.IntToDoubleFunction value) {
		List<SoakReport.Sample> samples = new ArrayList<>();
		for (int i = from; i < from + count; i++) {
			double v = value.applyAsDouble(i);
			samples.add(new SoakReport.Sample(10.0 * i, v, v, v, v, v, 50, 60, 0.1, 0, 0, 0, 0, 0, 0, 0, "1 1 1"));
		}
		return samples;
	}

}
