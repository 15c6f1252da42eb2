package io.sluice.gateway.admin;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.sluice.connector.BusMessage;
import io.sluice.gateway.admin.NodeLoads.Load;
import io.sluice.gateway.cluster.TestCluster;

import static org.assertj.core.api.Assertions.assertThat;

class NodeLoadsTests {

	private final TestCluster cluster = new TestCluster();

	private final AtomicInteger connectionsOfB = new AtomicInteger(3);

	private final TestCluster.Member a = this.cluster.member("a");

	private final TestCluster.Member b = this.cluster.member("b");

	private final NodeLoads loadsOfA = this.a.relay(new NodeLoads(this.a.membership(), () -> 1));

	private final NodeLoads loadsOfB = this.b.relay(new NodeLoads(this.b.membership(), this.connectionsOfB::get));

	@AfterEach
	void stop() {
		this.cluster.close();
	}

	@Test
	void nodesTellEachOtherTheirConnectionsWhenTheyJoinAndAtEachResync() {
		this.a.start();
		this.b.start();
		assertThat(this.loadsOfA.others()).containsExactly(Map.entry("b", new Load(3)));
		assertThat(this.loadsOfB.others()).containsExactly(Map.entry("a", new Load(1)));
		this.connectionsOfB.set(7);
		this.cluster.time().advanceTimeBy(TestCluster.HEARTBEAT);
		assertThat(this.loadsOfA.others()).containsEntry("b", new Load(7));
	}

	@Test
	void aNodeThatLeavesIsForgotten() {
		this.a.start();
		this.b.start();
		this.b.stop();
		assertThat(this.loadsOfA.others()).isEmpty();
	}

	@Test
	void aMessageThatIsNotACountIsDropped() {
		this.a.start();
		this.loadsOfA.onBusMessage(new BusMessage(NodeLoads.BUS_TOPIC, "c", null,
				"connections=many".getBytes(StandardCharsets.US_ASCII)));
		this.loadsOfA.onBusMessage(new BusMessage(NodeLoads.BUS_TOPIC, "c", null, new byte[] { 7 }));
		assertThat(this.loadsOfA.others()).isEmpty();
		assertThat(this.a.membership().members()).as("not heard from").isEmpty();
	}

}
