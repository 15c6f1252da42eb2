package io.sluice.gateway.rpc;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import io.sluice.gateway.cluster.TestCluster;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.RpcAction;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.session.Outbox;

import static org.assertj.core.api.Assertions.assertThat;

/** Two gateway nodes on one in-memory bus, which delivers on the sender's thread, and one virtual clock. */
class RpcRelayTests {

	private static final Duration HEARTBEAT = TestCluster.HEARTBEAT;

	private final TestCluster cluster = new TestCluster();

	private final Node a = new Node("a");

	private final Node b = new Node("b");

	@AfterEach
	void stop() {
		this.cluster.close();
	}

	@Test
	void requestGoesToAProviderOnAnotherNodeAndItsAnswersComeBack() {
		this.a.member.start();
		this.b.member.start();
		Outbox provider = this.b.provider("provider", "work");
		assertThat(this.a.relay.providing("work")).containsExactly("b");
		Outbox requestor = new Outbox("requestor");
		this.a.handle(requestor, Message.builder(Topic.RPC, RpcAction.REQUEST).name("work").correlationId("c1")
			.data("\"x\"").build());
		Message request = provider.takeOnly();
		assertThat(request.action()).isEqualTo(RpcAction.REQUEST);
		assertThat(request.dataText()).isEqualTo("\"x\"");
		this.b.handle(provider, Message.builder(Topic.RPC, RpcAction.ACCEPT).name("work").correlationId("c1").build());
		assertThat(requestor.takeOnly().action()).isEqualTo(RpcAction.ACCEPT);
		this.b.handle(provider, Message.builder(Topic.RPC, RpcAction.RESPONSE).name("work").correlationId("c1")
			.data("42").build());
		Message response = requestor.takeOnly();
		assertThat(response.action()).isEqualTo(RpcAction.RESPONSE);
		assertThat(response.dataText()).isEqualTo("42");
		assertThat(this.a.handler.callsInFlight()).isZero();
		assertThat(this.b.handler.callsInFlight()).isZero();
	}

	@Test
	void aRelayStoppedAndStartedAgainRelaysAsBefore() {
		this.a.member.start();
		this.b.member.start();
		// what a paused application context does to its lifecycle beans
		this.a.member.stop();
		this.a.member.start();
		Outbox provider = this.b.provider("provider", "work");
		this.cluster.time().advanceTimeBy(Duration.ZERO);
		assertThat(this.a.relay.providing("work")).containsExactly("b");
		Outbox requestor = new Outbox("requestor");
		this.a.handle(requestor, Message.builder(Topic.RPC, RpcAction.REQUEST).name("work").correlationId("c1")
			.build());
		this.cluster.time().advanceTimeBy(Duration.ZERO);
		assertThat(provider.takeOnly().action()).isEqualTo(RpcAction.REQUEST);
	}

	@Test
	void localProvidersComeFirstAndAnotherNodeIsTriedAfterTheyReject() {
		this.a.member.start();
		this.b.member.start();
		Outbox local = this.a.provider("local", "work");
		Outbox remote = this.b.provider("remote", "work");
		Outbox requestor = new Outbox("requestor");
		this.a.handle(requestor, Message.builder(Topic.RPC, RpcAction.REQUEST).name("work").correlationId("c1").build());
		assertThat(local.takeOnly().action()).isEqualTo(RpcAction.REQUEST);
		assertThat(remote.take()).isEmpty();
		this.a.handle(local, Message.builder(Topic.RPC, RpcAction.REJECT).name("work").correlationId("c1").build());
		assertThat(remote.takeOnly().action()).isEqualTo(RpcAction.REQUEST);
		this.b.handle(remote, Message.builder(Topic.RPC, RpcAction.REJECT).name("work").correlationId("c1").build());
		assertThat(requestor.takeOnly().action()).isEqualTo(RpcAction.NO_RPC_PROVIDER);
		assertThat(local.take()).as("no provider is tried twice").isEmpty();
	}

	@Test
	void providerThatDisconnectsOnAnotherNodeFailsTheCall() {
		this.a.member.start();
		this.b.member.start();
		Outbox provider = this.b.provider("provider", "work");
		Outbox requestor = new Outbox("requestor");
		this.a.handle(requestor, Message.builder(Topic.RPC, RpcAction.REQUEST).name("work").correlationId("c1").build());
		provider.take();
		provider.close();
		this.b.handler.onClose(provider.connection);
		Message error = requestor.takeOnly();
		assertThat(error.action()).isEqualTo(RpcAction.REQUEST_ERROR);
		assertThat(error.dataText()).isEqualTo("\"" + RpcCall.PROVIDER_GONE + "\"");
		assertThat(this.a.relay.providing("work")).as("the last provider left node b").isEmpty();
	}

	@Test
	void nodeThatStartsLaterLearnsTheProvidersOfTheOthers() {
		this.a.member.start();
		this.a.provider("provider", "work");
		this.b.member.start();
		assertThat(this.b.relay.providing("work")).containsExactly("a");
	}

	@Test
	void silentNodeIsForgottenAndItsCallsFail() {
		this.a.member.start();
		this.b.member.start();
		this.b.provider("provider", "work");
		Outbox requestor = new Outbox("requestor");
		this.a.handle(requestor, Message.builder(Topic.RPC, RpcAction.REQUEST).name("work").correlationId("c1").build());
		this.cluster.time().advanceTimeBy(Duration.ofMillis(500));
		this.b.handle(this.b.providerOutbox, Message.builder(Topic.RPC, RpcAction.ACCEPT).name("work")
			.correlationId("c1").build());
		assertThat(requestor.takeOnly().action()).isEqualTo(RpcAction.ACCEPT);
		this.b.member.sever();
		this.cluster.time().advanceTimeBy(HEARTBEAT.multipliedBy(3));
		assertThat(this.a.relay.providing("work")).as("heard from within three intervals").containsExactly("b");
		this.cluster.time().advanceTimeBy(HEARTBEAT);
		assertThat(this.a.relay.providing("work")).isEmpty();
		Message error = requestor.takeOnly();
		assertThat(error.action()).isEqualTo(RpcAction.REQUEST_ERROR);
		assertThat(error.correlationId()).isEqualTo("c1");
	}

	@Test
	void nodeThatStopsIsForgottenAtOnceAndItsCallsFail() {
		this.a.member.start();
		this.b.member.start();
		this.b.provider("provider", "work");
		Outbox requestor = new Outbox("requestor");
		this.a.handle(requestor, Message.builder(Topic.RPC, RpcAction.REQUEST).name("work").correlationId("c1").build());
		this.b.member.stop();
		assertThat(this.a.relay.providing("work")).isEmpty();
		Message error = requestor.takeOnly();
		assertThat(error.action()).isEqualTo(RpcAction.REQUEST_ERROR);
		assertThat(error.dataText()).isEqualTo("\"" + RpcCall.PROVIDER_GONE + "\"");
	}

	private final class Node {

		final TestCluster.Member member;

		final RpcRelay relay;

		final RpcHandler handler;

		Outbox providerOutbox;

		Node(String id) {
			// a response timeout beyond the test's clock moves, so that only what the test does ends a call
			RpcProperties properties = new RpcProperties(Duration.ofSeconds(1), Duration.ofMinutes(10), false, true,
					false);
			this.member = RpcRelayTests.this.cluster.member(id);
			this.relay = this.member.relay(new RpcRelay(this.member.membership()));
			this.handler = new RpcHandler(new LocalProviders(), this.relay, properties,
					RpcRelayTests.this.cluster.time());
		}

		Outbox provider(String id, String name) {
			Outbox provider = new Outbox(id);
			handle(provider, Message.builder(Topic.RPC, RpcAction.PROVIDE).names(List.of(name)).correlationId("0")
				.build());
			assertThat(provider.takeOnly().isAck()).isTrue();
			this.providerOutbox = provider;
			return provider;
		}

		void handle(Outbox outbox, Message message) {
			StepVerifier.create(this.handler.handle(outbox.connection, message)).expectComplete()
				.verify(Duration.ofSeconds(5));
		}

	}

}
