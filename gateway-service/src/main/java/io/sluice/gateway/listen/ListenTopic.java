package io.sluice.gateway.listen;

import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.Topic;

/** The two topics that can be listened on, and the numbers each gives the listen actions. */
public enum ListenTopic {

	RECORD(Topic.RECORD, RecordAction.LISTEN, RecordAction.UNLISTEN, RecordAction.LISTEN_ACCEPT,
			RecordAction.LISTEN_REJECT, RecordAction.SUBSCRIPTION_FOR_PATTERN_FOUND,
			RecordAction.SUBSCRIPTION_FOR_PATTERN_REMOVED, RecordAction.INVALID_LISTEN_REGEX,
			RecordAction.MULTIPLE_SUBSCRIPTIONS, RecordAction.NOT_SUBSCRIBED, true),

	EVENT(Topic.EVENT, EventAction.LISTEN, EventAction.UNLISTEN, EventAction.LISTEN_ACCEPT, EventAction.LISTEN_REJECT,
			EventAction.SUBSCRIPTION_FOR_PATTERN_FOUND, EventAction.SUBSCRIPTION_FOR_PATTERN_REMOVED,
			EventAction.INVALID_LISTEN_REGEX, EventAction.MULTIPLE_SUBSCRIPTIONS, EventAction.NOT_SUBSCRIBED, false);

	final int topic;

	final int listen;

	final int unlisten;

	final int accept;

	final int reject;

	final int found;

	final int removed;

	final int invalidRegex;

	final int multipleSubscriptions;

	final int notSubscribed;

	/** Whether subscribers are told when a name gains or loses its provider: records only, as in deepstream. */
	final boolean tellsSubscribers;

	ListenTopic(int topic, int listen, int unlisten, int accept, int reject, int found, int removed, int invalidRegex,
			int multipleSubscriptions, int notSubscribed, boolean tellsSubscribers) {
		this.topic = topic;
		this.listen = listen;
		this.unlisten = unlisten;
		this.accept = accept;
		this.reject = reject;
		this.found = found;
		this.removed = removed;
		this.invalidRegex = invalidRegex;
		this.multipleSubscriptions = multipleSubscriptions;
		this.notSubscribed = notSubscribed;
		this.tellsSubscribers = tellsSubscribers;
	}

	/** Whether {@code action} is one of the four a listening client sends. */
	public boolean isListenAction(int action) {
		return action == this.listen || action == this.unlisten || action == this.accept || action == this.reject;
	}

}
