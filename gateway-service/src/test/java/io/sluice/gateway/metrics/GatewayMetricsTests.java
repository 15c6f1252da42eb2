package io.sluice.gateway.metrics;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.sluice.gateway.auth.OpenAuthenticator;
import io.sluice.gateway.metrics.GatewayCounters.Limit;
import io.sluice.gateway.metrics.GatewayCounters.RpcOutcome;
import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.Topic;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's counters as meters. The counters belong to the process, which other tests share, so each check
 * compares a meter before and after what it counts.
 */
class GatewayMetricsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final GatewayMetrics metrics = new GatewayMetrics(() -> 3, () -> 4096);

	GatewayMetricsTests() {
		this.metrics.bindTo(this.registry);
	}

	@AfterEach
	void unbind() {
		this.metrics.close();
	}

	@Test
	void messagesAreCountedByTopicAndActionWithMetersRegisteredOnFirstUse() {
		// An action never counted before in this process: its meter appears with its first count.
		GatewayCounters.messageIn(Topic.RECORD, RecordAction.SUBSCRIBECREATEANDUPDATE);
		double before = counter(GatewayCounters.MESSAGES_IN, "record", "subscribecreateandupdate");
		GatewayCounters.messageIn(Topic.RECORD, RecordAction.SUBSCRIBECREATEANDUPDATE);
		GatewayCounters.messageIn(Topic.RECORD, RecordAction.SUBSCRIBECREATEANDUPDATE);
		assertThat(counter(GatewayCounters.MESSAGES_IN, "record", "subscribecreateandupdate")).isEqualTo(before + 2);
	}

	@Test
	void anActionTheProtocolDoesNotNameCountsAsOther() {
		GatewayCounters.messageOut(Topic.EVENT, 127);
		double before = counter(GatewayCounters.MESSAGES_OUT, "event", "other");
		GatewayCounters.messageOut(Topic.EVENT, 10_000);
		GatewayCounters.messageOut(Topic.EVENT, -3);
		assertThat(counter(GatewayCounters.MESSAGES_OUT, "event", "other")).isEqualTo(before + 2);
	}

	@Test
	void aFanoutCountsItsDeliveriesAndEachAsAMessageOutByTheFramesTopicAndAction() {
		byte[] frame = MessageCodec
			.encode(Message.builder(Topic.EVENT, EventAction.EMIT).name("metrics/fanned").data("{\"a\":1}").build());
		GatewayCounters.fanout(frame, 0);
		double out = counter(GatewayCounters.MESSAGES_OUT, "event", "emit");
		double fanouts = topicCounter(GatewayCounters.FANOUTS, "event");
		double deliveries = topicCounter(GatewayCounters.FANOUT_DELIVERIES, "event");
		GatewayCounters.fanout(frame, 5);
		GatewayCounters.frameOut(frame);
		assertThat(counter(GatewayCounters.MESSAGES_OUT, "event", "emit")).isEqualTo(out + 6);
		assertThat(topicCounter(GatewayCounters.FANOUTS, "event")).isEqualTo(fanouts + 1);
		assertThat(topicCounter(GatewayCounters.FANOUT_DELIVERIES, "event")).isEqualTo(deliveries + 5);
	}

	@Test
	void theFixedSetsExistAtZeroBeforeTheirFirstCount() {
		assertThat(this.registry.find(GatewayCounters.REFUSALS).meters()).hasSize(Limit.values().length);
		assertThat(this.registry.find(GatewayCounters.RPC_CALLS).meters()).hasSize(RpcOutcome.values().length);
		assertThat(this.registry.find(GatewayCounters.CONNECTIONS_CLOSED).tag("reason", "slow_consumer").meters())
			.isEmpty();
		assertThat(this.registry.find(GatewayCounters.CONNECTIONS_CLOSED).tag("reason", "client").meters()).hasSize(1);
		assertThat(this.registry.find(GatewayCounters.LOGINS).tags("strategy", "jwt", "result", "refused").meters())
			.hasSize(1);
	}

	@Test
	void loginsClosesRefusalsAndRpcsAreCountedByTheirTags() {
		double logins = this.registry.get(GatewayCounters.LOGINS).tags("strategy", "open", "result", "accepted")
			.functionCounter().count();
		double closed = this.registry.get(GatewayCounters.CONNECTIONS_CLOSED).tag("reason", "message_too_big")
			.functionCounter().count();
		double refused = this.registry.get(GatewayCounters.REFUSALS).tag("limit", "json_depth")
			.functionCounter().count();
		double calls = this.registry.get(GatewayCounters.RPC_CALLS).tag("outcome", "accept_timeout")
			.functionTimer().count();
		double seconds = this.registry.get(GatewayCounters.RPC_CALLS).tag("outcome", "accept_timeout")
			.functionTimer().totalTime(TimeUnit.SECONDS);
		GatewayCounters.login(new OpenAuthenticator(), true);
		GatewayCounters.connectionClosed(1009);
		GatewayCounters.refused(Limit.JSON_DEPTH);
		GatewayCounters.rpcFinished(RpcOutcome.ACCEPT_TIMEOUT, 2_000_000_000L);
		assertThat(this.registry.get(GatewayCounters.LOGINS).tags("strategy", "open", "result", "accepted")
			.functionCounter().count()).isEqualTo(logins + 1);
		assertThat(this.registry.get(GatewayCounters.CONNECTIONS_CLOSED).tag("reason", "message_too_big")
			.functionCounter().count()).isEqualTo(closed + 1);
		assertThat(this.registry.get(GatewayCounters.REFUSALS).tag("limit", "json_depth").functionCounter().count())
			.isEqualTo(refused + 1);
		assertThat(this.registry.get(GatewayCounters.RPC_CALLS).tag("outcome", "accept_timeout").functionTimer()
			.count()).isEqualTo(calls + 1);
		assertThat(this.registry.get(GatewayCounters.RPC_CALLS).tag("outcome", "accept_timeout").functionTimer()
			.totalTime(TimeUnit.SECONDS)).isEqualTo(seconds + 2);
	}

	@Test
	void theConnectionGaugesReadTheNode() {
		assertThat(this.registry.get(GatewayMetrics.CONNECTIONS_OPEN).gauge().value()).isEqualTo(3);
		assertThat(this.registry.get(GatewayMetrics.OUTBOUND_QUEUE_MAX).gauge().value()).isEqualTo(4096);
	}

	@Test
	void aFrameHeaderIsReadWithoutDecodingTheFrameAndAnythingElseReadsAsUnknown() {
		byte[] frame = MessageCodec.encode(Message.builder(Topic.RECORD, RecordAction.UPDATE).name("r").build());
		long header = FrameHeader.read(frame);
		assertThat(FrameHeader.topic(header)).isEqualTo(Topic.RECORD);
		assertThat(FrameHeader.action(header)).isEqualTo(RecordAction.UPDATE);
		long garbage = FrameHeader.read(new byte[] { 5, (byte) 0xff, (byte) 0xff });
		assertThat(FrameHeader.topic(garbage)).isZero();
		assertThat(FrameHeader.action(garbage)).isEqualTo(-1);
		assertThat(FrameHeader.action(FrameHeader.read(new byte[0]))).isEqualTo(-1);
	}

	private double counter(String name, String topic, String action) {
		FunctionCounter counter = this.registry.get(name).tags("topic", topic, "action", action).functionCounter();
		return counter.count();
	}

	private double topicCounter(String name, String topic) {
		return this.registry.get(name).tag("topic", topic).functionCounter().count();
	}

}
