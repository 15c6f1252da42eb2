package io.sluice.record.remote;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import io.sluice.connector.memory.InMemoryMessageBus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Where instances come from: the static list, a DNS name resolved again and again, and updates to both. */
class RecordInstancesTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private RecordInstances instances;

	@AfterEach
	void close() {
		if (this.instances != null) {
			this.instances.close();
		}
	}

	@Test
	void everyAddressOfTheDnsNameIsAnInstanceBesideTheStaticOnes() {
		this.instances = new RecordInstances(List.of("static-host:7001"), "localhost", 7070,
				RemoteRecordService.connector(1 << 20));
		StepVerifier.create(this.instances.resolve()).expectComplete().verify(TIMEOUT);
		assertThat(this.instances.all()).extracting(RecordInstance::address)
			.contains("static-host:7001", "127.0.0.1:7070");
	}

	@Test
	void aNameThatDoesNotResolveKeepsTheInstancesKnownSoFar() {
		this.instances = new RecordInstances(List.of(), "no-such-host.invalid", 7070,
				RemoteRecordService.connector(1 << 20));
		this.instances.update(Set.of("10.1.2.3:7070"));
		StepVerifier.create(this.instances.resolve()).expectComplete().verify(TIMEOUT);
		assertThat(this.instances.all()).extracting(RecordInstance::address).containsExactly("10.1.2.3:7070");
	}

	@Test
	void anInstanceThatIsGoneFromTheUpdateIsDroppedAndTheOthersKept() {
		this.instances = new RecordInstances(List.of("a:1", "b:1"), null, 7070, RemoteRecordService.connector(1 << 20));
		RecordInstance a = this.instances.all().stream().filter((i) -> i.address().equals("a:1")).findFirst()
			.orElseThrow();
		this.instances.update(Set.of("a:1", "c:1"));
		assertThat(this.instances.all()).extracting(RecordInstance::address).containsExactlyInAnyOrder("a:1", "c:1");
		assertThat(this.instances.all()).contains(a);
	}

	@Test
	void aProbeTakesAnUnreachableInstanceOutAndBringsItBackWhenItAnswers() throws Exception {
		InMemoryMessageBus.Medium medium = new InMemoryMessageBus.Medium();
		try (LocalRecordServer server = new LocalRecordServer(0, medium, "instances-tests")) {
			this.instances = new RecordInstances(List.of(server.address(), "127.0.0.1:1"), null, 7070,
					RemoteRecordService.connector(1 << 20));
			StepVerifier.create(this.instances.probeAll(Duration.ofSeconds(2))).expectComplete().verify(TIMEOUT);
			assertThat(this.instances.all()).allSatisfy((instance) -> assertThat(instance.isLive())
				.isEqualTo(instance.address().equals(server.address())));
			assertThat(this.instances.ranked("any/name")).extracting(RecordInstance::address)
				.containsExactly(server.address());
		}
	}

	@Test
	void clientsThatReachTheSameInstancesAtDifferentAddressesAgreeOnEachRecordsOwner() throws Exception {
		InMemoryMessageBus.Medium medium = new InMemoryMessageBus.Medium();
		try (LocalRecordServer a = new LocalRecordServer(0, medium, "owners-a", "sluice.records.api.instance-id=a");
				LocalRecordServer b = new LocalRecordServer(0, medium, "owners-b", "sluice.records.api.instance-id=b");
				RecordInstances byName = new RecordInstances(List.of("localhost:" + a.port(), "localhost:" + b.port()),
						null, 7070, RemoteRecordService.connector(1 << 20))) {
			this.instances = new RecordInstances(List.of(a.address(), b.address()), null, 7070,
					RemoteRecordService.connector(1 << 20));
			StepVerifier.create(this.instances.probeAll(Duration.ofSeconds(2))).expectComplete().verify(TIMEOUT);
			StepVerifier.create(byName.probeAll(Duration.ofSeconds(2))).expectComplete().verify(TIMEOUT);
			for (int i = 0; i < 200; i++) {
				String name = "owners/" + i;
				assertThat(port(byName.owner(name))).as(name).isEqualTo(port(this.instances.owner(name)));
			}
		}
	}

	private static String port(RecordInstance instance) {
		return instance.address().substring(instance.address().lastIndexOf(':') + 1);
	}

	@Test
	void malformedAddressesAreRefusedNamingThem() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RecordInstances(List.of("host:99999"), null, 7070,
					RemoteRecordService.connector(1 << 20)))
			.withMessageContaining("'host:99999'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RecordInstances(List.of(), " ", 7070, RemoteRecordService.connector(1 << 20)))
			.withMessageContaining("sluice.records.remote.instances");
	}

}
