package io.sluice.gateway.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import io.sluice.gateway.auth.OpenAuthenticator;
import io.sluice.gateway.protocol.AuthAction;
import io.sluice.gateway.protocol.ConnectionAction;
import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.Topic;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection's messages reach their handler in the order they came, also when the gate decides some of them later
 * (a permission rule reading a record that is not at hand): pipelined writes of a record must not overtake each
 * other, or each after the first is refused as a version conflict.
 */
class AdmissionOrderTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	/** The decisions the test makes later, by the message's data; every other message is decided at once. */
	private final Map<String, Sinks.One<Message>> later = new HashMap<>();

	private final List<String> handled = new ArrayList<>();

	private final MessageGate gate = (connection, message) -> {
		Sinks.One<Message> decision = this.later.get(message.dataText());
		return (decision != null) ? decision.asMono() : Mono.just(message);
	};

	private final TopicHandler events = new TopicHandler() {

		@Override
		public int topic() {
			return Topic.EVENT;
		}

		@Override
		public Mono<Void> handle(Connection connection, Message message) {
			// As a record write is: sent on when its work is subscribed to.
			return Mono.fromRunnable(() -> {
				synchronized (AdmissionOrderTests.this.handled) {
					AdmissionOrderTests.this.handled.add(message.dataText());
				}
			});
		}

		@Override
		public void onClose(Connection connection) {
		}

	};

	private final SessionDispatcher dispatcher = new SessionDispatcher(List.of(this.events), new OpenAuthenticator(),
			GatewayProperties.defaults(), this.gate);

	private final Connection connection = new Outbox("c", 16).connection;

	@BeforeEach
	void logIn() {
		run(this.dispatcher.dispatch(this.connection, Message.builder(Topic.CONNECTION, ConnectionAction.CHALLENGE)
			.build()));
		run(this.dispatcher.dispatch(this.connection, Message.builder(Topic.AUTH, AuthAction.REQUEST).data("{}")
			.build()));
	}

	@Test
	void messagesAfterADecisionMadeLaterWaitForIt() {
		Sinks.One<Message> first = decidedLater("1");
		Sinks.One<Message> third = decidedLater("3");
		List<Mono<Void>> works = dispatchStarted(1, 4);
		assertThat(handled()).isEmpty();

		first.tryEmitValue(emit(1));
		assertThat(handled()).containsExactly("1", "2");
		third.tryEmitValue(emit(3));
		assertThat(handled()).containsExactly("1", "2", "3", "4");
		works.forEach(this::run);
		// Nothing waits any more: the next message is admitted at once.
		run(this.dispatcher.dispatch(this.connection, emit(5)));
		assertThat(handled()).containsExactly("1", "2", "3", "4", "5");
	}

	@Test
	void aDenialOrAFailureMadeLaterLetsTheMessagesBehindItThrough() {
		Sinks.One<Message> denied = decidedLater("1");
		Sinks.One<Message> failed = decidedLater("3");
		List<Mono<Void>> works = dispatchStarted(1, 4);
		denied.tryEmitEmpty();
		assertThat(handled()).containsExactly("2");
		failed.tryEmitError(new IllegalStateException("a record could not be read"));
		assertThat(handled()).containsExactly("2", "4");
		works.forEach(this::run);
	}

	@Test
	void manyMessagesWaitingAreAdmittedOneAfterTheOtherWithoutNesting() {
		Sinks.One<Message> first = decidedLater("0");
		int waiting = 100_000;
		List<Mono<Void>> works = dispatchStarted(0, waiting);
		first.tryEmitValue(emit(0));
		List<String> handled = handled();
		assertThat(handled).hasSize(waiting + 1);
		for (int i = 0; i <= waiting; i++) {
			assertThat(handled.get(i)).isEqualTo(Integer.toString(i));
		}
		works.forEach(this::run);
	}

	private Sinks.One<Message> decidedLater(String data) {
		Sinks.One<Message> decision = Sinks.one();
		this.later.put(data, decision);
		return decision;
	}

	/** Dispatches a message and starts its work, as a connection's inbound pipeline does; its work, to wait for. */
	private Mono<Void> dispatchStarted(Message message) {
		Mono<Void> work = this.dispatcher.dispatch(this.connection, message).cache();
		work.subscribe();
		return work;
	}

	/** Dispatches the emits of {@code from} to {@code to} and starts their work: their works, to wait for. */
	private List<Mono<Void>> dispatchStarted(int from, int to) {
		List<Mono<Void>> works = new ArrayList<>();
		for (int i = from; i <= to; i++) {
			works.add(dispatchStarted(emit(i)));
		}
		return works;
	}

	private void run(Mono<Void> work) {
		StepVerifier.create(work).expectComplete().verify(TIMEOUT);
	}

	private List<String> handled() {
		synchronized (this.handled) {
			return List.copyOf(this.handled);
		}
	}

	private static Message emit(int i) {
		return Message.builder(Topic.EVENT, EventAction.EMIT).name("e").data(Integer.toString(i)).build();
	}

}
