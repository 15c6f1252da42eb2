package io.sluice.gateway.listen;

import io.sluice.gateway.protocol.JsonText;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.Topic;

/** The listen messages, shaped as deepstream shapes them: {@code name} is the pattern, {@code subscription} the name. */
final class ListenReplies {

	private ListenReplies() {
	}

	/** Matched by the client on topic, action and pattern: listen requests carry no correlation id. */
	static Message ack(ListenTopic topic, int action, String pattern) {
		return Message.builder(topic.topic, action).name(pattern).isAck(true).build();
	}

	static Message invalidRegex(ListenTopic topic, String pattern, String reason) {
		return Message.builder(topic.topic, topic.invalidRegex).name(pattern).originalAction(topic.listen)
			.isError(true).data(JsonText.quote(reason)).build();
	}

	static Message found(ListenTopic topic, Candidate candidate, String name) {
		return Message.builder(topic.topic, topic.found).name(candidate.pattern()).subscription(name).build();
	}

	static Message removed(ListenTopic topic, Candidate candidate, String name) {
		return Message.builder(topic.topic, topic.removed).name(candidate.pattern()).subscription(name).build();
	}

	static Message hasProvider(String name, boolean hasProvider) {
		return Message.builder(Topic.RECORD,
				hasProvider ? RecordAction.SUBSCRIPTION_HAS_PROVIDER : RecordAction.SUBSCRIPTION_HAS_NO_PROVIDER)
			.name(name).build();
	}

	static Message refused(ListenTopic topic, int action, Message request) {
		return Message.builder(topic.topic, action).name(request.name()).originalAction(request.action())
			.correlationId(request.correlationId()).build();
	}

}
