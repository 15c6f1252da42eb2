package io.sluice.gateway.pubsub;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.JsonFrameCodec;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.session.Outbox;

import static org.assertj.core.api.Assertions.assertThat;

class SubscriptionsTests {

	private final Subscriptions subscriptions = new Subscriptions();

	private final byte[] frame = MessageCodec.encodeNamed(Topic.EVENT, EventAction.EMIT, "news",
			"{\"a\":1}".getBytes(StandardCharsets.UTF_8));

	@Test
	void sendReachesEverySubscriberButTheOneExcepted() {
		Outbox a = subscribed("a", "news");
		Outbox b = subscribed("b", "news");
		Outbox other = subscribed("c", "sport");
		assertThat(this.subscriptions.send("news", this.frame, "a")).isEqualTo(1);
		assertThat(a.takePayloads()).isEmpty();
		assertThat(b.takePayloads()).containsExactly(this.frame);
		assertThat(other.takePayloads()).isEmpty();
		assertThat(this.subscriptions.send("nobody", this.frame, null)).isZero();
	}

	@Test
	void sendSeesEveryChangeMadeSinceTheLastSend() {
		Outbox a = subscribed("a", "news");
		assertThat(this.subscriptions.send("news", this.frame, null)).isEqualTo(1);
		Outbox b = subscribed("b", "news");
		assertThat(this.subscriptions.send("news", this.frame, null)).as("a subscriber added").isEqualTo(2);
		assertThat(this.subscriptions.unsubscribe("news", a.connection)).isTrue();
		assertThat(this.subscriptions.send("news", this.frame, null)).as("a subscriber removed").isEqualTo(1);
		this.subscriptions.removeAll(b.connection);
		assertThat(this.subscriptions.send("news", this.frame, null)).as("the last one gone").isZero();
		Outbox c = subscribed("c", "news");
		assertThat(this.subscriptions.send("news", this.frame, null)).as("the name used again").isEqualTo(1);
		assertThat(a.takePayloads()).hasSize(2);
		assertThat(b.takePayloads()).hasSize(2);
		assertThat(c.takePayloads()).containsExactly(this.frame);
	}

	@Test
	void aSubscriberOfTheJsonEndpointGetsTheFrameAsJsonText() {
		Outbox binary = subscribed("binary", "news");
		Outbox json = new Outbox("json", 64, new JsonFrameCodec(32));
		this.subscriptions.subscribe("news", json.connection);
		this.subscriptions.send("news", this.frame, null);
		assertThat(binary.takePayloads()).containsExactly(this.frame);
		List<byte[]> text = json.takePayloads();
		assertThat(text).hasSize(1);
		Message received = new JsonFrameCodec(32).decode(text.get(0));
		assertThat(received.topic()).isEqualTo(Topic.EVENT);
		assertThat(received.action()).isEqualTo(EventAction.EMIT);
		assertThat(received.name()).isEqualTo("news");
		assertThat(received.dataText()).isEqualTo("{\"a\":1}");
	}

	@Test
	void aClosedSubscriberIsCountedButNotWrittenTo() {
		Outbox open = subscribed("open", "news");
		Outbox closed = subscribed("closed", "news");
		closed.close();
		assertThat(this.subscriptions.send("news", this.frame, null)).isEqualTo(2);
		assertThat(open.takePayloads()).containsExactly(this.frame);
		assertThat(closed.takePayloads()).isEmpty();
	}

	private Outbox subscribed(String id, String name) {
		Outbox outbox = new Outbox(id);
		assertThat(this.subscriptions.subscribe(name, outbox.connection)).isTrue();
		return outbox;
	}

}
