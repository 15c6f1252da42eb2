package io.sluice.gateway.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One deepstream message, of any topic. Which fields go on the wire depends on the topic (see {@link MessageCodec});
 * an absent field is {@code null}, {@code false}, {@code 0} or empty.
 *
 * @param topic the {@link Topic}
 * @param action the action within the topic ({@link RecordAction}, {@link EventAction}, ...)
 * @param name a record or event name
 * @param data UTF-8 JSON, as the client sends it in the {@code data} string; not copied
 * @param correlationId the id a client matches responses by
 * @param isAck whether this acknowledges a request
 * @param isError whether this reports an error
 * @param isWriteAck whether the writer asked for (or this is) a write acknowledgement
 * @param path a record path such as {@code a.b[2].c}
 * @param version a record version; {@code null} when absent, because the client sends and expects an explicit 0
 * @param names record or event names of a bulk request
 * @param versions record versions by name, in a bulk head response
 * @param originalTopic the topic of the message an error is about, or 0
 * @param originalAction the action of the message a response or error is about, or 0
 * @param url the URL a client connected to (connection challenge)
 * @param protocolVersion the client's protocol version (connection challenge)
 * @param sdkVersion the client's version (connection challenge)
 * @param sdkType the client's kind, such as {@code javascript} (connection challenge)
 * @param subscription the name a listen message is about, its {@code name} being the listener's pattern
 * @param requestorName the user who made an RPC request, as its provider is told
 * @param requestorData the client data of the user who made an RPC request (UTF-8 JSON), as its provider is told
 * @param position where an event stands in its name's history, where a subscribe asks to recover from, or what a
 * subscribe's acknowledgement says of the recovery ({@link EventPosition}); {@code null} for none
 */
public record Message(int topic, int action, String name, byte[] data, String correlationId, boolean isAck,
		boolean isError, boolean isWriteAck, String path, Long version, List<String> names, Map<String, Long> versions,
		int originalTopic, int originalAction, String url, String protocolVersion, String sdkVersion, String sdkType,
		String subscription, String requestorName, byte[] requestorData, EventPosition position) {

	public Message {
		names = (names != null) ? names : Collections.emptyList();
		versions = (versions != null) ? versions : Collections.emptyMap();
	}

	/** A message without a {@code position}, which only events of names that keep history carry. */
	public Message(int topic, int action, String name, byte[] data, String correlationId, boolean isAck,
			boolean isError, boolean isWriteAck, String path, Long version, List<String> names,
			Map<String, Long> versions, int originalTopic, int originalAction, String url, String protocolVersion,
			String sdkVersion, String sdkType, String subscription, String requestorName, byte[] requestorData) {
		this(topic, action, name, data, correlationId, isAck, isError, isWriteAck, path, version, names, versions,
				originalTopic, originalAction, url, protocolVersion, sdkVersion, sdkType, subscription, requestorName,
				requestorData, null);
	}

	/** A message without {@code requestorData}, which only RPC requests to providers carry. */
	public Message(int topic, int action, String name, byte[] data, String correlationId, boolean isAck,
			boolean isError, boolean isWriteAck, String path, Long version, List<String> names,
			Map<String, Long> versions, int originalTopic, int originalAction, String url, String protocolVersion,
			String sdkVersion, String sdkType, String subscription, String requestorName) {
		this(topic, action, name, data, correlationId, isAck, isError, isWriteAck, path, version, names, versions,
				originalTopic, originalAction, url, protocolVersion, sdkVersion, sdkType, subscription, requestorName,
				null);
	}

	/** A message of any topic but the listen actions, which alone carry a {@code subscription}. */
	public Message(int topic, int action, String name, byte[] data, String correlationId, boolean isAck,
			boolean isError, boolean isWriteAck, String path, Long version, List<String> names,
			Map<String, Long> versions, int originalTopic, int originalAction, String url, String protocolVersion,
			String sdkVersion, String sdkType) {
		this(topic, action, name, data, correlationId, isAck, isError, isWriteAck, path, version, names, versions,
				originalTopic, originalAction, url, protocolVersion, sdkVersion, sdkType, null, null);
	}

	/** A message without a {@code requestorName}, which only RPC requests to providers carry. */
	public Message(int topic, int action, String name, byte[] data, String correlationId, boolean isAck,
			boolean isError, boolean isWriteAck, String path, Long version, List<String> names,
			Map<String, Long> versions, int originalTopic, int originalAction, String url, String protocolVersion,
			String sdkVersion, String sdkType, String subscription) {
		this(topic, action, name, data, correlationId, isAck, isError, isWriteAck, path, version, names, versions,
				originalTopic, originalAction, url, protocolVersion, sdkVersion, sdkType, subscription, null);
	}

	public static Builder builder(int topic, int action) {
		return new Builder(topic, action);
	}

	/** A builder starting from this message. */
	public Builder toBuilder() {
		Builder builder = new Builder(this.topic, this.action);
		builder.name = this.name;
		builder.data = this.data;
		builder.correlationId = this.correlationId;
		builder.isAck = this.isAck;
		builder.isError = this.isError;
		builder.isWriteAck = this.isWriteAck;
		builder.path = this.path;
		builder.version = this.version;
		builder.names = this.names;
		builder.versions = this.versions;
		builder.originalTopic = this.originalTopic;
		builder.originalAction = this.originalAction;
		builder.url = this.url;
		builder.protocolVersion = this.protocolVersion;
		builder.sdkVersion = this.sdkVersion;
		builder.sdkType = this.sdkType;
		builder.subscription = this.subscription;
		builder.requestorName = this.requestorName;
		builder.requestorData = this.requestorData;
		builder.position = this.position;
		return builder;
	}

	/** The data as text, or {@code null}. */
	public String dataText() {
		return (this.data != null) ? new String(this.data, StandardCharsets.UTF_8) : null;
	}

	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof Message)) {
			return false;
		}
		Message that = (Message) other;
		return this.topic == that.topic && this.action == that.action && this.isAck == that.isAck
				&& this.isError == that.isError && this.isWriteAck == that.isWriteAck
				&& this.originalTopic == that.originalTopic && this.originalAction == that.originalAction
				&& Objects.equals(this.name, that.name) && Arrays.equals(this.data, that.data)
				&& Objects.equals(this.correlationId, that.correlationId) && Objects.equals(this.path, that.path)
				&& Objects.equals(this.version, that.version) && this.names.equals(that.names)
				&& this.versions.equals(that.versions) && Objects.equals(this.url, that.url)
				&& Objects.equals(this.protocolVersion, that.protocolVersion)
				&& Objects.equals(this.sdkVersion, that.sdkVersion) && Objects.equals(this.sdkType, that.sdkType)
				&& Objects.equals(this.subscription, that.subscription)
				&& Objects.equals(this.requestorName, that.requestorName)
				&& Arrays.equals(this.requestorData, that.requestorData)
				&& Objects.equals(this.position, that.position);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.topic, this.action, this.name, Arrays.hashCode(this.data), this.correlationId,
				this.version, this.names);
	}

	/** Names the topic and action and leaves the data out, so that payloads stay out of logs. */
	@Override
	public String toString() {
		StringBuilder text = new StringBuilder(Topic.describe(this.topic, this.action));
		append(text, "name", this.name);
		append(text, "correlationId", this.correlationId);
		append(text, "version", this.version);
		append(text, "path", this.path);
		append(text, "subscription", this.subscription);
		append(text, "requestorName", this.requestorName);
		if (!this.names.isEmpty()) {
			append(text, "names", this.names);
		}
		if (this.originalAction != 0) {
			append(text, "originalAction", Topic.actionName(this.topic, this.originalAction));
		}
		if (this.isAck) {
			text.append(" ack");
		}
		if (this.isError) {
			text.append(" error");
		}
		if (this.isWriteAck) {
			text.append(" writeAck");
		}
		append(text, "position", this.position);
		if (this.data != null) {
			text.append(" data ").append(this.data.length).append(" bytes");
		}
		return text.toString();
	}

	private static void append(StringBuilder text, String label, Object value) {
		if (value != null) {
			text.append(' ').append(label).append(' ').append(value);
		}
	}

	/** Builds a {@link Message}; only the fields a message needs are set. */
	public static final class Builder {

		private final int topic;

		private final int action;

		private String name;

		private byte[] data;

		private String correlationId;

		private boolean isAck;

		private boolean isError;

		private boolean isWriteAck;

		private String path;

		private Long version;

		private List<String> names;

		private Map<String, Long> versions;

		private int originalTopic;

		private int originalAction;

		private String url;

		private String protocolVersion;

		private String sdkVersion;

		private String sdkType;

		private String subscription;

		private String requestorName;

		private byte[] requestorData;

		private EventPosition position;

		private Builder(int topic, int action) {
			this.topic = topic;
			this.action = action;
		}

		public Builder name(String name) {
			this.name = name;
			return this;
		}

		public Builder data(byte[] data) {
			this.data = data;
			return this;
		}

		public Builder data(String json) {
			this.data = (json != null) ? json.getBytes(StandardCharsets.UTF_8) : null;
			return this;
		}

		public Builder correlationId(String correlationId) {
			this.correlationId = correlationId;
			return this;
		}

		public Builder isAck(boolean isAck) {
			this.isAck = isAck;
			return this;
		}

		public Builder isError(boolean isError) {
			this.isError = isError;
			return this;
		}

		public Builder isWriteAck(boolean isWriteAck) {
			this.isWriteAck = isWriteAck;
			return this;
		}

		public Builder path(String path) {
			this.path = path;
			return this;
		}

		public Builder version(Long version) {
			this.version = version;
			return this;
		}

		public Builder version(long version) {
			this.version = version;
			return this;
		}

		public Builder names(List<String> names) {
			this.names = names;
			return this;
		}

		public Builder versions(Map<String, Long> versions) {
			this.versions = new LinkedHashMap<>(versions);
			return this;
		}

		public Builder originalTopic(int originalTopic) {
			this.originalTopic = originalTopic;
			return this;
		}

		public Builder originalAction(int originalAction) {
			this.originalAction = originalAction;
			return this;
		}

		public Builder url(String url) {
			this.url = url;
			return this;
		}

		public Builder protocolVersion(String protocolVersion) {
			this.protocolVersion = protocolVersion;
			return this;
		}

		public Builder sdkVersion(String sdkVersion) {
			this.sdkVersion = sdkVersion;
			return this;
		}

		public Builder sdkType(String sdkType) {
			this.sdkType = sdkType;
			return this;
		}

		public Builder subscription(String subscription) {
			this.subscription = subscription;
			return this;
		}

		public Builder requestorName(String requestorName) {
			this.requestorName = requestorName;
			return this;
		}

		public Builder requestorData(byte[] requestorData) {
			this.requestorData = requestorData;
			return this;
		}

		public Builder position(EventPosition position) {
			this.position = position;
			return this;
		}

		public Message build() {
			return new Message(this.topic, this.action, this.name, this.data, this.correlationId, this.isAck,
					this.isError, this.isWriteAck, this.path, this.version, this.names, this.versions,
					this.originalTopic, this.originalAction, this.url, this.protocolVersion, this.sdkVersion,
					this.sdkType, this.subscription, this.requestorName, this.requestorData, this.position);
		}

	}

}
