package io.sluice.gateway.rpc;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import io.sluice.gateway.protocol.JsonFrameCodec;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.RpcAction;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.session.Outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class RpcHandlerTests {

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final RecordingNodes nodes = new RecordingNodes();

	private final List<Outbox> outboxes = new ArrayList<>();

	private RpcHandler handler = handler(false);

	private final Outbox requestor = outbox("requestor");

	@AfterEach
	void disposeTime() {
		this.time.dispose();
	}

	@Test
	void requestGoesToTheProviderAndItsAcceptAndResponseBackToTheRequestor() {
		Outbox provider = provider("provider", "add");
		request("add", "c1", "[1,2]");
		Message forwarded = provider.takeOnly();
		assertThat(forwarded.action()).isEqualTo(RpcAction.REQUEST);
		assertThat(forwarded.name()).isEqualTo("add");
		assertThat(forwarded.correlationId()).isEqualTo("c1");
		assertThat(forwarded.dataText()).isEqualTo("[1,2]");
		handle(provider, Message.builder(Topic.RPC, RpcAction.ACCEPT).name("add").correlationId("c1").build());
		assertThat(this.requestor.takeOnly().action()).isEqualTo(RpcAction.ACCEPT);
		handle(provider, Message.builder(Topic.RPC, RpcAction.RESPONSE).name("add").correlationId("c1").data("3").build());
		Message response = this.requestor.takeOnly();
		assertThat(response.action()).isEqualTo(RpcAction.RESPONSE);
		assertThat(response.correlationId()).isEqualTo("c1");
		assertThat(response.dataText()).isEqualTo("3");
		assertThat(this.handler.callsInFlight()).isZero();
		this.time.advanceTimeBy(Duration.ofSeconds(30));
		assertThat(this.requestor.take()).as("no timeout after the response").isEmpty();
	}

	@Test
	void requestorNameAClientClaimsIsNotPassedOn() {
		Outbox provider = provider("provider", "add");
		handle(this.requestor, Message.builder(Topic.RPC, RpcAction.REQUEST).name("add").correlationId("c1")
			.requestorName("admin").build());
		// the test's connection never authenticated, so it has no user id to be named by
		assertThat(provider.takeOnly().requestorName()).isNull();
	}

	@Test
	void providerIsToldNeitherRequestorNameNorDataByDefault() {
		this.handler = handler(RpcProperties.defaults());
		Outbox provider = provider("provider", "add");
		this.requestor.login("alice", "{\"role\":\"admin\"}");
		handle(this.requestor, Message.builder(Topic.RPC, RpcAction.REQUEST).name("add").correlationId("c1")
			.requestorName("mallory").requestorData("{\"forged\":true}".getBytes(StandardCharsets.UTF_8)).build());
		Message forwarded = provider.takeOnly();
		assertThat(forwarded.requestorName()).isNull();
		assertThat(forwarded.requestorData()).isNull();
	}

	@Test
	void providerIsToldTheRequestorNameOnlyWhenThatIsOn() {
		this.handler = handler(requestor(true, false));
		Outbox provider = provider("provider", "add");
		this.requestor.login("alice", "{\"role\":\"admin\"}");
		request("add", "c1", "1");
		Message forwarded = provider.takeOnly();
		assertThat(forwarded.requestorName()).isEqualTo("alice");
		assertThat(forwarded.requestorData()).isNull();
	}

	@Test
	void providerIsToldTheRequestorClientDataOnlyWhenThatIsOn() {
		this.handler = handler(requestor(false, true));
		Outbox provider = provider("provider", "add");
		this.requestor.login("alice", "{\"role\":\"admin\"}");
		request("add", "c1", "1");
		Message forwarded = provider.takeOnly();
		assertThat(forwarded.requestorName()).isNull();
		assertThat(new String(forwarded.requestorData(), StandardCharsets.UTF_8)).isEqualTo("{\"role\":\"admin\"}");
	}

	@Test
	void providerIsToldBothWhenBothAreOnAndNoDataWhenTheLoginGaveNone() {
		this.handler = handler(requestor(true, true));
		Outbox provider = provider("provider", "add");
		this.requestor.login("bob", null);
		request("add", "c1", "1");
		Message forwarded = provider.takeOnly();
		assertThat(forwarded.requestorName()).isEqualTo("bob");
		assertThat(forwarded.requestorData()).isNull();
	}

	@Test
	void requestorDataTravelsInTheRequestAsTheClientReadsIt() {
		// field 11, a string holding the JSON, which the client parses before handing it to the provider
		Message request = Message.builder(Topic.RPC, RpcAction.REQUEST).name("add").correlationId("c1").data("1")
			.requestorData("{\"role\":\"admin\"}".getBytes(StandardCharsets.UTF_8)).build();
		byte[] encoded = MessageCodec.encode(request);
		assertThat(MessageCodec.decode(encoded)).isEqualTo(request);
		byte[] field = "{\"role\":\"admin\"}".getBytes(StandardCharsets.UTF_8);
		byte[] expected = new byte[field.length + 2];
		expected[0] = (11 << 3) | 2;
		expected[1] = (byte) field.length;
		System.arraycopy(field, 0, expected, 2, field.length);
		assertThat(encoded).containsSubsequence(expected);
	}

	@Test
	void requestorDataReachesAJsonEndpointClientAsTheValueItself() {
		// as the binary client hands it to the provider once parsed: the JSON client does no parsing of its own
		Message request = Message.builder(Topic.RPC, RpcAction.REQUEST).name("add").correlationId("c1").data("1")
			.requestorName("alice").requestorData("{\"role\":\"admin\"}".getBytes(StandardCharsets.UTF_8)).build();
		String frame = new String(new JsonFrameCodec(64).encode(request), StandardCharsets.UTF_8);
		assertThat(frame).contains("\"requestorName\":\"alice\"").contains("\"requestorData\":{\"role\":\"admin\"}");
	}

	@Test
	void requestorNameTravelsInTheRequestAsTheClientReadsIt() {
		Message request = Message.builder(Topic.RPC, RpcAction.REQUEST).name("add").correlationId("c1").data("1")
			.requestorName("alice").build();
		Message decoded = MessageCodec.decode(MessageCodec.encode(request));
		assertThat(decoded).isEqualTo(request);
		assertThat(decoded.requestorName()).isEqualTo("alice");
	}

	@Test
	void requestErrorOfTheProviderReachesTheRequestorWithItsData() {
		Outbox provider = provider("provider", "fail");
		request("fail", "c1", null);
		provider.take();
		handle(provider, Message.builder(Topic.RPC, RpcAction.REQUEST_ERROR).name("fail").correlationId("c1")
			.data("\"boom\"").build());
		Message error = this.requestor.takeOnly();
		assertThat(error.action()).isEqualTo(RpcAction.REQUEST_ERROR);
		assertThat(error.dataText()).isEqualTo("\"boom\"");
	}

	@Test
	void rejectedRequestGoesToAProviderNotTriedYetAndThenNoProviderIsLeft() {
		Outbox first = provider("first", "work");
		Outbox second = provider("second", "work");
		request("work", "c1", null);
		assertThat(first.takeOnly().action()).isEqualTo(RpcAction.REQUEST);
		assertThat(second.take()).isEmpty();
		reject(first, "work", "c1");
		assertThat(second.takeOnly().action()).isEqualTo(RpcAction.REQUEST);
		reject(second, "work", "c1");
		assertThat(first.take()).as("a provider is tried once").isEmpty();
		Message noProvider = this.requestor.takeOnly();
		assertThat(noProvider.action()).isEqualTo(RpcAction.NO_RPC_PROVIDER);
		assertThat(noProvider.correlationId()).isEqualTo("c1");
		assertThat(noProvider.name()).isEqualTo("work");
	}

	@Test
	void shuffledRoutingStillTriesEveryProviderExactlyOnce() {
		this.handler = handler(true);
		List<Outbox> providers = List.of(provider("a", "work"), provider("b", "work"), provider("c", "work"));
		request("work", "c1", null);
		Set<String> tried = new HashSet<>();
		for (int i = 0; i < providers.size(); i++) {
			Outbox current = providers.stream().filter((outbox) -> !outbox.take().isEmpty()).findFirst().orElseThrow();
			assertThat(tried.add(current.connection.id())).isTrue();
			reject(current, "work", "c1");
		}
		assertThat(tried).containsExactlyInAnyOrder("a", "b", "c");
		assertThat(this.requestor.takeOnly().action()).isEqualTo(RpcAction.NO_RPC_PROVIDER);
	}

	@Test
	void requestWithoutProviderGetsNoRpcProvider() {
		request("nobody", "c1", null);
		assertThat(this.requestor.takeOnly().action()).isEqualTo(RpcAction.NO_RPC_PROVIDER);
		assertThat(this.handler.callsInFlight()).isZero();
	}

	@Test
	void providerThatDoesNotAcceptInTimeGivesAcceptTimeoutAndItsLateAnswerIsRefused() {
		Outbox provider = provider("provider", "slow");
		request("slow", "c1", null);
		provider.take();
		this.time.advanceTimeBy(Duration.ofMillis(999));
		assertThat(this.requestor.take()).isEmpty();
		this.time.advanceTimeBy(Duration.ofMillis(1));
		Message timeout = this.requestor.takeOnly();
		assertThat(timeout.action()).isEqualTo(RpcAction.ACCEPT_TIMEOUT);
		assertThat(timeout.correlationId()).isEqualTo("c1");
		handle(provider, Message.builder(Topic.RPC, RpcAction.ACCEPT).name("slow").correlationId("c1").build());
		assertThat(provider.takeOnly().action()).isEqualTo(RpcAction.INVALID_RPC_CORRELATION_ID);
		assertThat(this.requestor.take()).isEmpty();
	}

	@Test
	void acceptedRequestWithoutResponseInTimeGivesResponseTimeout() {
		Outbox provider = provider("provider", "slow");
		request("slow", "c1", null);
		provider.take();
		this.time.advanceTimeBy(Duration.ofMillis(500));
		handle(provider, Message.builder(Topic.RPC, RpcAction.ACCEPT).name("slow").correlationId("c1").build());
		assertThat(this.requestor.takeOnly().action()).isEqualTo(RpcAction.ACCEPT);
		this.time.advanceTimeBy(Duration.ofMillis(9499));
		assertThat(this.requestor.take()).as("no accept timeout once accepted").isEmpty();
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(this.requestor.takeOnly().action()).isEqualTo(RpcAction.RESPONSE_TIMEOUT);
		assertThat(this.handler.callsInFlight()).isZero();
	}

	@Test
	void timersStartAgainForTheProviderARequestIsReroutedTo() {
		Outbox first = provider("first", "work");
		Outbox second = provider("second", "work");
		request("work", "c1", null);
		this.time.advanceTimeBy(Duration.ofMillis(900));
		reject(first, "work", "c1");
		assertThat(second.takeOnly().action()).isEqualTo(RpcAction.REQUEST);
		this.time.advanceTimeBy(Duration.ofMillis(100));
		assertThat(this.requestor.take()).as("the first provider's accept timer was cancelled").isEmpty();
		this.time.advanceTimeBy(Duration.ofMillis(899));
		assertThat(this.requestor.take()).isEmpty();
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(this.requestor.takeOnly().action()).isEqualTo(RpcAction.ACCEPT_TIMEOUT);
	}

	@Test
	void responseTimeoutShorterThanTheAcceptTimeoutEndsACallNotYetAccepted() {
		this.handler = handler(Duration.ofSeconds(5), Duration.ofSeconds(2));
		Outbox provider = provider("provider", "slow");
		request("slow", "c1", null);
		provider.take();
		this.time.advanceTimeBy(Duration.ofMillis(1999));
		assertThat(this.requestor.take()).isEmpty();
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(this.requestor.takeOnly().action()).isEqualTo(RpcAction.RESPONSE_TIMEOUT);
		this.time.advanceTimeBy(Duration.ofSeconds(10));
		assertThat(this.requestor.take()).as("one timeout per call").isEmpty();
		assertThat(this.handler.callsInFlight()).isZero();
	}

	@Test
	void equalTimeoutsGiveAnAcceptTimeoutToACallNotAcceptedAndAResponseTimeoutToOneAccepted() {
		this.handler = handler(Duration.ofSeconds(3), Duration.ofSeconds(3));
		Outbox provider = provider("provider", "slow");
		request("slow", "c1", null);
		request("slow", "c2", null);
		provider.take();
		handle(provider, Message.builder(Topic.RPC, RpcAction.ACCEPT).name("slow").correlationId("c2").build());
		assertThat(this.requestor.takeOnly().action()).isEqualTo(RpcAction.ACCEPT);
		this.time.advanceTimeBy(Duration.ofSeconds(3));
		assertThat(this.requestor.take()).extracting(Message::correlationId, Message::action).containsExactlyInAnyOrder(
				tuple("c1", RpcAction.ACCEPT_TIMEOUT),
				tuple("c2", RpcAction.RESPONSE_TIMEOUT));
		assertThat(this.handler.callsInFlight()).isZero();
	}

	@Test
	void aCallAnsweredAtOnceArmsOneTimerAndLeavesNothingToFire() {
		Outbox provider = provider("provider", "fast");
		long armedBefore = this.time.getScheduledTaskCount();
		for (int i = 0; i < 3; i++) {
			request("fast", "c" + i, null);
			handle(provider, Message.builder(Topic.RPC, RpcAction.RESPONSE).name("fast").correlationId("c" + i)
				.data("1").build());
		}
		assertThat(this.requestor.take()).extracting(Message::action).containsOnly(RpcAction.RESPONSE).hasSize(3);
		assertThat(this.time.getScheduledTaskCount() - armedBefore).as("timers armed for three calls").isEqualTo(3);
		this.time.advanceTimeBy(Duration.ofSeconds(30));
		assertThat(this.requestor.take()).isEmpty();
	}

	@Test
	void providerThatDisconnectsMidCallFailsTheCallAtOnce() {
		Outbox provider = provider("provider", "work");
		request("work", "c1", null);
		handle(provider, Message.builder(Topic.RPC, RpcAction.ACCEPT).name("work").correlationId("c1").build());
		this.requestor.take();
		provider.close();
		this.handler.onClose(provider.connection);
		Message error = this.requestor.takeOnly();
		assertThat(error.action()).isEqualTo(RpcAction.REQUEST_ERROR);
		assertThat(error.correlationId()).isEqualTo("c1");
		assertThat(error.dataText()).isEqualTo("\"" + RpcCall.PROVIDER_GONE + "\"");
		this.time.advanceTimeBy(Duration.ofSeconds(30));
		assertThat(this.requestor.take()).isEmpty();
		request("work", "c2", null);
		assertThat(this.requestor.takeOnly().action()).as("a closed provider is no longer a provider")
			.isEqualTo(RpcAction.NO_RPC_PROVIDER);
	}

	@Test
	void requestorThatDisconnectsEndsTheCallAndTheLateResponseIsRefused() {
		Outbox provider = provider("provider", "work");
		request("work", "c1", null);
		provider.take();
		this.requestor.close();
		this.handler.onClose(this.requestor.connection);
		assertThat(this.handler.callsInFlight()).isZero();
		handle(provider, Message.builder(Topic.RPC, RpcAction.RESPONSE).name("work").correlationId("c1").data("1").build());
		assertThat(provider.takeOnly().action()).isEqualTo(RpcAction.INVALID_RPC_CORRELATION_ID);
	}

	@Test
	void onlyTheProviderThatHasTheCallMayAnswerIt() {
		Outbox provider = provider("provider", "work");
		Outbox intruder = outbox("intruder");
		request("work", "c1", null);
		provider.take();
		handle(intruder, Message.builder(Topic.RPC, RpcAction.RESPONSE).name("work").correlationId("c1").data("1").build());
		assertThat(intruder.takeOnly().action()).isEqualTo(RpcAction.INVALID_RPC_CORRELATION_ID);
		assertThat(this.requestor.take()).isEmpty();
		assertThat(this.handler.callsInFlight()).isOne();
	}

	@Test
	void secondAcceptIsAnErrorToTheProvider() {
		Outbox provider = provider("provider", "work");
		request("work", "c1", null);
		provider.take();
		handle(provider, Message.builder(Topic.RPC, RpcAction.ACCEPT).name("work").correlationId("c1").build());
		handle(provider, Message.builder(Topic.RPC, RpcAction.ACCEPT).name("work").correlationId("c1").build());
		assertThat(provider.takeOnly().action()).isEqualTo(RpcAction.MULTIPLE_ACCEPT);
		assertThat(this.requestor.takeOnly().action()).isEqualTo(RpcAction.ACCEPT);
	}

	@Test
	void provideTwiceAndUnprovideUnknownAreReportedAndStillAcknowledged() {
		Outbox provider = provider("provider", "work");
		handle(provider, Message.builder(Topic.RPC, RpcAction.PROVIDE).names(List.of("work")).correlationId("1").build());
		List<Message> replies = provider.take();
		assertThat(replies).extracting(Message::action).containsExactly(RpcAction.MULTIPLE_PROVIDERS, RpcAction.PROVIDE);
		assertThat(replies.get(0).name()).isEqualTo("work");
		assertThat(replies.get(1).isAck()).isTrue();
		assertThat(replies.get(1).correlationId()).isEqualTo("1");
		handle(provider, Message.builder(Topic.RPC, RpcAction.UNPROVIDE).names(List.of("work", "other"))
			.correlationId("2").build());
		replies = provider.take();
		assertThat(replies).extracting(Message::action).containsExactly(RpcAction.NOT_PROVIDED, RpcAction.UNPROVIDE);
		assertThat(replies.get(0).name()).isEqualTo("other");
		request("work", "c1", null);
		assertThat(this.requestor.takeOnly().action()).as("unprovided").isEqualTo(RpcAction.NO_RPC_PROVIDER);
	}

	@Test
	void otherNodesAreToldOfTheFirstAndLastProviderOfAName() {
		Outbox first = provider("first", "work");
		Outbox second = provider("second", "work");
		assertThat(this.nodes.provided).containsExactly(List.of("work"));
		handle(first, Message.builder(Topic.RPC, RpcAction.UNPROVIDE).names(List.of("work")).correlationId("2").build());
		assertThat(this.nodes.unprovided).isEmpty();
		second.close();
		this.handler.onClose(second.connection);
		assertThat(this.nodes.unprovided).containsExactly(List.of("work"));
	}

	@Test
	void requestGoesToAnotherNodeOnlyWhenNoLocalProviderIsLeft() {
		Outbox local = provider("local", "work");
		this.nodes.providing.add("node-2");
		request("work", "c1", null);
		assertThat(local.takeOnly().action()).isEqualTo(RpcAction.REQUEST);
		assertThat(this.nodes.sent).isEmpty();
		reject(local, "work", "c1");
		assertThat(this.nodes.sent).singleElement().satisfies((sent) -> {
			assertThat(sent.node()).isEqualTo("node-2");
			assertThat(sent.message().action()).isEqualTo(RpcAction.REQUEST);
		});
		RpcEndpoint node = new RpcEndpoint.Node("node-2", this.nodes);
		this.handler.fromProvider(node, Message.builder(Topic.RPC, RpcAction.NO_RPC_PROVIDER).name("work")
			.correlationId("c1").build());
		assertThat(this.requestor.takeOnly().action()).isEqualTo(RpcAction.NO_RPC_PROVIDER);
	}

	@Test
	void requestRelayedByAnotherNodeIsNotSentToOtherNodes() {
		this.nodes.providing.add("node-3");
		RpcEndpoint origin = new RpcEndpoint.Node("node-2", this.nodes);
		this.handler.request(origin, Message.builder(Topic.RPC, RpcAction.REQUEST).name("work").correlationId("c1")
			.build(), false);
		assertThat(this.nodes.sent).singleElement().satisfies((sent) -> {
			assertThat(sent.node()).isEqualTo("node-2");
			assertThat(sent.message().action()).isEqualTo(RpcAction.NO_RPC_PROVIDER);
		});
	}

	private RpcHandler handler(Duration acceptTimeout, Duration responseTimeout) {
		return handler(new RpcProperties(acceptTimeout, responseTimeout, false, true, false));
	}

	private RpcHandler handler(boolean shuffle) {
		return handler(new RpcProperties(Duration.ofSeconds(1), Duration.ofSeconds(10), shuffle, true, false));
	}

	private RpcHandler handler(RpcProperties properties) {
		return new RpcHandler(new LocalProviders(), this.nodes, properties, this.time);
	}

	private static RpcProperties requestor(boolean name, boolean data) {
		return new RpcProperties(Duration.ofSeconds(1), Duration.ofSeconds(10), false, name, data);
	}

	private Outbox outbox(String id) {
		Outbox outbox = new Outbox(id);
		this.outboxes.add(outbox);
		return outbox;
	}

	private Outbox provider(String id, String name) {
		Outbox provider = outbox(id);
		handle(provider, Message.builder(Topic.RPC, RpcAction.PROVIDE).names(List.of(name)).correlationId("0").build());
		assertThat(provider.takeOnly().isAck()).isTrue();
		return provider;
	}

	private void request(String name, String correlationId, String data) {
		handle(this.requestor, Message.builder(Topic.RPC, RpcAction.REQUEST).name(name).correlationId(correlationId)
			.data(data).build());
	}

	private void reject(Outbox provider, String name, String correlationId) {
		handle(provider, Message.builder(Topic.RPC, RpcAction.REJECT).name(name).correlationId(correlationId).build());
	}

	private void handle(Outbox outbox, Message message) {
		StepVerifier.create(this.handler.handle(outbox.connection, message)).expectComplete()
			.verify(Duration.ofSeconds(5));
	}

	/** Other nodes as a test sees them: it says who provides, and records what it is told and sent. */
	static final class RecordingNodes implements RpcNodes {

		final List<String> providing = new ArrayList<>();

		final List<List<String>> provided = new ArrayList<>();

		final List<List<String>> unprovided = new ArrayList<>();

		final List<Sent> sent = new ArrayList<>();

		@Override
		public List<String> providing(String name) {
			return this.providing;
		}

		@Override
		public void send(String node, Message message) {
			this.sent.add(new Sent(node, message));
		}

		@Override
		public void provided(List<String> names) {
			this.provided.add(names);
		}

		@Override
		public void unprovided(List<String> names) {
			this.unprovided.add(names);
		}

		record Sent(String node, Message message) {

		}

	}

}
