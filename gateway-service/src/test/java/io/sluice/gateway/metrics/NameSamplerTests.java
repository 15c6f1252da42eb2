package io.sluice.gateway.metrics;

import org.junit.jupiter.api.Test;

import io.sluice.gateway.metrics.NameSampler.Busy;
import io.sluice.gateway.protocol.Topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class NameSamplerTests {

	@Test
	void recordAndEventNamesAreCountedApartAndOtherTopicsAndMessagesWithoutANameAreNot() {
		NameSampler sampler = new NameSampler(1, () -> 0);
		sampler.sample(Topic.EVENT, "news");
		sampler.sample(Topic.EVENT, "news");
		sampler.sample(Topic.RECORD, "news");
		sampler.sample(Topic.RECORD, "user/1");
		sampler.sample(Topic.RPC, "add");
		sampler.sample(Topic.PRESENCE, "lobby");
		sampler.sample(Topic.EVENT, null);
		assertThat(sampler.busiestEvents(10)).containsExactly(new Busy("news", 2));
		assertThat(sampler.busiestRecords(10)).containsExactlyInAnyOrder(new Busy("news", 1), new Busy("user/1", 1));
	}

	@Test
	void aSampleCountsForTheMessagesItStandsFor() {
		NameSampler sampler = new NameSampler(8, () -> 0);
		for (int i = 0; i < 80_000; i++) {
			sampler.sample(Topic.EVENT, "ticks");
		}
		// One in eight, chosen at random: about 10,000 samples, each standing for eight messages.
		long messages = sampler.busiestEvents(1).get(0).messages();
		assertThat(messages % 8).isZero();
		assertThat(messages).isBetween(72_000L, 88_000L);
	}

	@Test
	void onlyTheInstalledSamplerIsFedAndNoneOnceItIsClosed() {
		NameSampler sampler = new NameSampler(1, () -> 0);
		NameSampler.offer(Topic.EVENT, "before");
		try (NameSampler installed = sampler.install()) {
			NameSampler.offer(Topic.EVENT, "while");
		}
		NameSampler.offer(Topic.EVENT, "after");
		assertThat(sampler.busiestEvents(10)).extracting(Busy::name).containsExactly("while");
	}

	@Test
	void sampleEveryMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> new NameSampler(0))
			.withMessageContaining("at least 1");
	}

}
