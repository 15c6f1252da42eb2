package io.sluice.connector;

import java.util.Arrays;
import java.util.Objects;

/**
 * A message on the {@link MessageBus}: the envelope {@code {from, to?, payload}} with its topic.
 *
 * @param topic the topic it travelled on
 * @param from the node that published or sent it
 * @param to the node it was sent to, or {@code null} if it was published to all
 * @param payload the bytes, as the sender gave them
 */
public record BusMessage(String topic, String from, String to, byte[] payload) {

	public BusMessage {
		Objects.requireNonNull(topic, "topic");
		Objects.requireNonNull(from, "from");
		Objects.requireNonNull(payload, "payload");
	}

	/** Whether this message was addressed to one node. */
	public boolean isDirect() {
		return this.to != null;
	}

	@Override
	public boolean equals(Object other) {
		return this == other || (other instanceof BusMessage that && this.topic.equals(that.topic)
				&& this.from.equals(that.from) && Objects.equals(this.to, that.to)
				&& Arrays.equals(this.payload, that.payload));
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.topic, this.from, this.to, Arrays.hashCode(this.payload));
	}

	@Override
	public String toString() {
		return "BusMessage[" + this.topic + " from " + this.from + (this.to != null ? " to " + this.to : "") + ", "
				+ this.payload.length + " bytes]";
	}

}
