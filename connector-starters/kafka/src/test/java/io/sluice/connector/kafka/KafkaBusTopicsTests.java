package io.sluice.connector.kafka;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class KafkaBusTopicsTests {

	@Test
	void busTopicTravelsOnThePrefixedKafkaTopic() {
		assertThat(KafkaBusTopics.kafkaTopic("sluice.bus.", "records", "test")).isEqualTo("sluice.bus.records");
		assertThat(KafkaBusTopics.kafkaTopic("", "a_b-c.d", "test")).isEqualTo("a_b-c.d");
	}

	@Test
	void namesKafkaWouldRefuseAreRejectedNamingTheTopic() {
		assertThatIllegalArgumentException().isThrownBy(() -> KafkaBusTopics.kafkaTopic("p.", "a/b", "Bus topic 'a/b'"))
			.withMessageContaining("Bus topic 'a/b'")
			.withMessageContaining("'p.a/b'")
			.withMessageContaining("only ASCII letters");
		assertThatIllegalArgumentException().isThrownBy(() -> KafkaBusTopics.kafkaTopic("p.", "", "x"))
			.withMessageContaining("must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> KafkaBusTopics.kafkaTopic("", "..", "x"));
		assertThatIllegalArgumentException().isThrownBy(() -> KafkaBusTopics.kafkaTopic("p.", "x".repeat(248), "x"))
			.withMessageContaining("249");
		assertThat(KafkaBusTopics.kafkaTopic("p.", "x".repeat(247), "x")).hasSize(249);
	}

}
