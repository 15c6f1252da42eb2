package io.sluice.gateway.listen;

import java.time.Duration;
import java.util.List;

import reactor.test.scheduler.VirtualTimeScheduler;

import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.pubsub.Subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A registry for one topic over real subscriptions, with its timers on virtual time, and what clients do to it, as
 * the topic handlers pass it on: listen, answer, subscribe, close.
 */
final class ListenFixture implements AutoCloseable {

	final VirtualTimeScheduler time;

	final Subscriptions subscriptions = new Subscriptions();

	final ListenTopic topic;

	final ListenRegistry registry;

	/** Listeners asked in the order they listened, deepstream's other timings. */
	ListenFixture(ListenTopic topic) {
		this(topic, new ListenProperties(Duration.ofMillis(500), false, Duration.ofSeconds(30), Duration.ofSeconds(10)));
	}

	ListenFixture(ListenTopic topic, ListenProperties properties) {
		this(topic, properties, VirtualTimeScheduler.create());
	}

	/** @param time the clock, which {@link #close()} disposes of */
	ListenFixture(ListenTopic topic, ListenProperties properties, VirtualTimeScheduler time) {
		this.time = time;
		this.topic = topic;
		this.registry = new ListenRegistry(topic, this.subscriptions, properties, this.time);
		this.subscriptions.setListener(this.registry);
	}

	void listen(Peer peer, String pattern) {
		acknowledged(peer, this.topic.listen, pattern);
	}

	/** Listens on a pattern that a subscribed name no one provides matches: offered it with the acknowledgement. */
	void listenAndAssertFound(Peer peer, String pattern, String name) {
		send(peer, this.topic.listen, pattern, null);
		List<Message> messages = peer.take();
		assertThat(messages).as("%s listens on %s and is offered %s", peer, pattern, name).hasSize(2);
		assertThat(messages.get(0).isAck()).isTrue();
		assertFound(messages.subList(1, 2), peer, pattern, name);
	}

	void unlisten(Peer peer, String pattern) {
		acknowledged(peer, this.topic.unlisten, pattern);
	}

	private void acknowledged(Peer peer, int action, String pattern) {
		send(peer, action, pattern, null);
		assertThat(peer.take()).as("%s: %d %s acknowledged", peer, action, pattern).singleElement().satisfies((ack) -> {
			assertThat(ack.action()).isEqualTo(action);
			assertThat(ack.isAck()).isTrue();
		});
	}

	void accept(Peer peer, String pattern, String name) {
		send(peer, this.topic.accept, pattern, name);
	}

	void reject(Peer peer, String pattern, String name) {
		send(peer, this.topic.reject, pattern, name);
	}

	void send(Peer peer, int action, String pattern, String subscription) {
		this.registry.handle(peer.connection,
				Message.builder(this.topic.topic, action).name(pattern).subscription(subscription).build());
	}

	void subscribe(Peer peer, String name) {
		this.subscriptions.subscribe(name, peer.connection);
	}

	void unsubscribe(Peer peer, String name) {
		this.subscriptions.unsubscribe(name, peer.connection);
	}

	/** What the topic handlers do when a connection closes. */
	void close(Peer peer) {
		this.registry.onClose(peer.connection);
		this.subscriptions.removeAll(peer.connection);
	}

	void advance(Duration duration) {
		this.time.advanceTimeBy(duration);
	}

	void assertFound(Peer peer, String pattern, String name) {
		assertFound(peer.take(), peer, pattern, name);
	}

	private void assertFound(List<Message> messages, Peer peer, String pattern, String name) {
		assertThat(messages).as("%s is offered %s for %s", peer, name, pattern).singleElement().satisfies((found) -> {
			assertThat(found.topic()).isEqualTo(this.topic.topic);
			assertThat(found.action()).isEqualTo(this.topic.found);
			assertThat(found.name()).isEqualTo(pattern);
			assertThat(found.subscription()).isEqualTo(name);
		});
	}

	void assertRemoved(Peer peer, String pattern, String name) {
		assertThat(peer.take()).as("%s is told %s is no longer needed", peer, name).singleElement()
			.satisfies((removed) -> {
				assertThat(removed.action()).isEqualTo(this.topic.removed);
				assertThat(removed.name()).isEqualTo(pattern);
				assertThat(removed.subscription()).isEqualTo(name);
			});
	}

	static void assertHasProvider(Peer peer, String name, boolean hasProvider) {
		assertThat(peer.take()).as("%s hears whether %s has a provider", peer, name).singleElement()
			.satisfies((message) -> {
				assertThat(message.action()).isEqualTo(hasProvider ? RecordAction.SUBSCRIPTION_HAS_PROVIDER
						: RecordAction.SUBSCRIPTION_HAS_NO_PROVIDER);
				assertThat(message.name()).isEqualTo(name);
			});
	}

	@Override
	public void close() {
		this.time.dispose();
	}

}
