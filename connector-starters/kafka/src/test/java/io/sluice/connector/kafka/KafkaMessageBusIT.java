package io.sluice.connector.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import io.sluice.connector.MessageBus;
import io.sluice.connector.tck.MessageBusContract;
import io.sluice.connector.tck.TckNames;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link KafkaMessageBus} on a real Kafka broker (KRaft, in this JVM): the contract, and what Kafka adds. */
class KafkaMessageBusIT extends MessageBusContract {

	private static final String PREFIX = "it.bus.";

	private static EmbeddedKafkaKraftBroker broker;

	private final List<KafkaMessageBus> nodes = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void startBroker() {
		broker = new EmbeddedKafkaKraftBroker(1, 1);
		broker.afterPropertiesSet();
	}

	@AfterAll
	static void stopBroker() {
		if (broker != null) {
			broker.destroy();
		}
	}

	@AfterEach
	void closeNodes() {
		this.nodes.forEach(KafkaMessageBus::close);
	}

	private static Map<String, Object> config() {
		return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
	}

	private static KafkaBusProperties properties(List<String> startupTopics) {
		return new KafkaBusProperties(PREFIX, startupTopics, 2, (short) 1, true, Duration.ofSeconds(30),
				Duration.ofMillis(50));
	}

	@Override
	protected MessageBus node(String nodeId) {
		KafkaMessageBus node = new KafkaMessageBus(nodeId, config(), config(), config(), properties(List.of()));
		this.nodes.add(node);
		return node;
	}

	@Override
	protected Duration timeout() {
		return Duration.ofSeconds(30);
	}

	@Test
	void startUpCreatesTheConfiguredTopicsWithThePrefix() throws Exception {
		String topic = TckNames.id("startup");
		this.nodes.add(new KafkaMessageBus(TckNames.id("node"), config(), config(), config(),
				properties(List.of(topic))));
		try (Admin admin = Admin.create(config())) {
			assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(PREFIX + topic);
			assertThat(admin.describeTopics(List.of(PREFIX + topic))
				.allTopicNames()
				.get(30, TimeUnit.SECONDS)
				.get(PREFIX + topic)
				.partitions()).hasSize(2);
		}
	}

	@Test
	void foreignRecordsOnTheTopicAreDroppedWithoutEndingTheSubscription() {
		String topic = TckNames.id("topic");
		MessageBus sender = node(TckNames.id("sender"));
		MessageBus receiver = node(TckNames.id("receiver"));
		// Keyed like the sender's own messages, so they share its partition and come in order between them.
		byte[] key = text(sender.nodeId());
		try (KafkaProducer<byte[], byte[]> foreign = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
				broker.getBrokersAsString(), ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
				ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
			Headers noSender = new RecordHeaders().add(KafkaBusEnvelope.FORMAT_HEADER, new byte[] { 1 });
			// Rounds of two foreign records and one message: the receiver may subscribe in the middle of one, so
			// it must see the message of two rounds, the second after the foreign records of its round.
			Flux<Void> rounds = Flux.interval(Duration.ZERO, Duration.ofMillis(100))
				.onBackpressureDrop()
				.concatMap((round) -> send(foreign,
						new ProducerRecord<>(PREFIX + topic, null, key, text("plain text"), new RecordHeaders()))
					.then(send(foreign, new ProducerRecord<>(PREFIX + topic, null, key, text("anonymous"), noSender)))
					.then(sender.publish(topic, text("after " + round))));
			Disposable sending = Mono.delay(Duration.ofMillis(200)).thenMany(rounds).subscribe();
			try {
				StepVerifier.create(receiver.subscribe(topic).take(2))
					.assertNext((message) -> assertThat(new String(message.payload(), StandardCharsets.UTF_8))
						.startsWith("after "))
					.assertNext((message) -> assertThat(message.from()).isEqualTo(sender.nodeId()))
					.expectComplete()
					.verify(timeout());
			}
			finally {
				sending.dispose();
			}
		}
	}

	private static Mono<Void> send(KafkaProducer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record) {
		return Mono.create((sink) -> producer.send(record, (metadata, error) -> {
			if (error != null) {
				sink.error(error);
			}
			else {
				sink.success();
			}
		}));
	}

	@Test
	void aTopicNameKafkaRefusesIsAnErrorNamingIt() {
		MessageBus node = node(TckNames.id("node"));
		StepVerifier.create(node.publish("no/slashes", text("x")))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("'" + PREFIX + "no/slashes'"))
			.verify(timeout());
		StepVerifier.create(node.subscribe("no spaces"))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("no spaces"))
			.verify(timeout());
	}

	private static byte[] text(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
