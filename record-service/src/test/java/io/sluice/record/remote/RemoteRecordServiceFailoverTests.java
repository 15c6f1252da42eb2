package io.sluice.record.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import io.grpc.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import io.sluice.connector.memory.InMemoryMessageBus;
import io.sluice.record.RecordUnavailableException;

import static io.sluice.record.remote.RemoteRecordServiceTests.json;
import static org.assertj.core.api.Assertions.assertThat;

/** Routing and failover over real sockets: two live instances, and one that is not there or breaks calls. */
class RemoteRecordServiceFailoverTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final InMemoryMessageBus.Medium medium = new InMemoryMessageBus.Medium();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
	}

	@Test
	void anInstanceThatIsNotThereLosesOnlyItsNamesToTheirNextChoice() throws Exception {
		LocalRecordServer a = server(0, "failover-a");
		LocalRecordServer b = server(0, "failover-b");
		int freePort = freePort();
		String c = "127.0.0.1:" + freePort;
		RecordInstances instances = instances(a.address(), b.address(), c);
		RemoteRecordService remote = remote(instances);
		List<String> names = IntStream.range(0, 300).mapToObj((i) -> "failover/gone-" + i).toList();
		List<String> owners = names.stream().map(remote::ownerOf).toList();
		String ownedByC = names.get(owners.indexOf(c));
		// A write to a name of the missing instance certainly never reached it, so it goes to the next choice.
		StepVerifier.create(remote.set(ownedByC, 1, json("{}"), null))
			.assertNext((written) -> assertThat(written.version()).isEqualTo(1))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(instances.all()).filteredOn((instance) -> instance.address().equals(c))
			.singleElement()
			.satisfies((instance) -> assertThat(instance.isLive()).isFalse());
		for (int i = 0; i < names.size(); i++) {
			String now = remote.ownerOf(names.get(i));
			if (owners.get(i).equals(c)) {
				assertThat(now).isIn(a.address(), b.address());
			}
			else {
				assertThat(now).as("owner of %s", names.get(i)).isEqualTo(owners.get(i));
			}
		}
		// The write landed on the next choice, and only there.
		LocalRecordServer next = remote.ownerOf(ownedByC).equals(a.address()) ? a : b;
		LocalRecordServer other = (next == a) ? b : a;
		StepVerifier.create(next.records().head(ownedByC)).expectNext(1L).expectComplete().verify(TIMEOUT);
		StepVerifier.create(other.records().head(ownedByC)).expectComplete().verify(TIMEOUT);

		// The instance comes up: the next probe puts it back, and its names come back to it.
		LocalRecordServer cameBack = server(freePort, "failover-c");
		StepVerifier.create(instances.probeAll(Duration.ofSeconds(5))).expectComplete().verify(TIMEOUT);
		assertThat(remote.ownerOf(ownedByC)).isEqualTo(cameBack.address());
	}

	@Test
	void readsOfAStoppedInstanceMoveAndTheOthersStay() {
		LocalRecordServer a = server(0, "failover-stop-a");
		LocalRecordServer b = server(0, "failover-stop-b");
		RemoteRecordService remote = remote(instances(a.address(), b.address()));
		List<String> names = IntStream.range(0, 40).mapToObj((i) -> "failover/stop-" + i).toList();
		StepVerifier.create(Flux.fromIterable(names).concatMap((name) -> remote.set(name, 1, json("{}"), null)))
			.expectNextCount(names.size())
			.expectComplete()
			.verify(TIMEOUT);
		String bAddress = b.address();
		String ofB = names.stream().filter((name) -> remote.ownerOf(name).equals(bAddress)).findFirst().orElseThrow();
		String ofA = names.stream().filter((name) -> remote.ownerOf(name).equals(a.address())).findFirst().orElseThrow();
		b.close();
		// B's record is read from A now (A's own cache never saw it: it reads its store, which is its own here).
		StepVerifier.create(remote.read(ofB)).expectComplete().verify(TIMEOUT);
		assertThat(remote.ownerOf(ofB)).isEqualTo(a.address());
		StepVerifier.create(remote.head(ofA)).expectNext(1L).expectComplete().verify(TIMEOUT);
	}

	@Test
	void aWriteThatMayHaveReachedABrokenInstanceIsNotRepeatedButAReadIs() throws Exception {
		LocalRecordServer a = server(0, "failover-broken-a");
		BreakingServer broken = new BreakingServer();
		this.closeables.add(broken);
		String brokenAddress = "127.0.0.1:" + broken.port();
		RecordInstances instances = instances(a.address(), brokenAddress);
		RemoteRecordService remote = remote(instances);
		String name = IntStream.range(0, 100)
			.mapToObj((i) -> "failover/broken-" + i)
			.filter((candidate) -> remote.ownerOf(candidate).equals(brokenAddress))
			.findFirst()
			.orElseThrow();
		StepVerifier.create(remote.set(name, 1, json("{}"), null))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(RecordUnavailableException.class)
				.hasMessageContaining("may or may not have been applied"))
			.verify(TIMEOUT);
		StepVerifier.create(a.records().head(name)).expectComplete().verify(TIMEOUT);
		instances.all().forEach((instance) -> instance.live(true));
		StepVerifier.create(remote.read(name)).expectComplete().verify(TIMEOUT);
		assertThat(remote.ownerOf(name)).isEqualTo(a.address());
	}

	@Test
	void failuresAreClassifiedByWhetherTheCallCouldHaveArrived() {
		RuntimeException refused = InstanceFailure.of("h:1",
				Status.UNAVAILABLE.withCause(new ConnectException("Connection refused")).asRuntimeException());
		assertThat(refused).isInstanceOfSatisfying(InstanceFailure.class, (failure) -> {
			assertThat(failure.neverReached()).isTrue();
			assertThat(failure.instanceDown()).isTrue();
		});
		RuntimeException lost = InstanceFailure.of("h:1",
				Status.UNAVAILABLE.withDescription("Connection closed").asRuntimeException());
		assertThat(lost).isInstanceOfSatisfying(InstanceFailure.class, (failure) -> {
			assertThat(failure.neverReached()).isFalse();
			assertThat(failure.instanceDown()).isTrue();
		});
		RuntimeException closed = InstanceFailure.of("h:1",
				Status.UNKNOWN.withDescription("channel closed").asRuntimeException());
		assertThat(closed).isInstanceOfSatisfying(InstanceFailure.class, (failure) -> {
			assertThat(failure.neverReached()).isFalse();
			assertThat(failure.instanceDown()).isTrue();
		});
		RuntimeException slow = InstanceFailure.of("h:1", Status.DEADLINE_EXCEEDED.asRuntimeException());
		assertThat(slow).isInstanceOfSatisfying(InstanceFailure.class, (failure) -> {
			assertThat(failure.neverReached()).isFalse();
			assertThat(failure.instanceDown()).isFalse();
		});
		assertThat(InstanceFailure.of("h:1", Status.INVALID_ARGUMENT.withDescription("Empty record call")
			.asRuntimeException())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Empty record call");
	}

	private LocalRecordServer server(int port, String nodeId) {
		LocalRecordServer server = new LocalRecordServer(port, this.medium, nodeId);
		this.closeables.add(server);
		return server;
	}

	private RecordInstances instances(String... addresses) {
		return new RecordInstances(List.of(addresses), null, 7070, RemoteRecordService.connector(1 << 20));
	}

	private RemoteRecordService remote(RecordInstances instances) {
		RemoteRecordService remote = new RemoteRecordService(instances, Flux.never(), TIMEOUT);
		this.closeables.add(remote);
		return remote;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/**
	 * An instance that crashes while a call is in flight: it accepts the connection, greets it as an HTTP/2 server
	 * does (an empty SETTINGS frame), and drops the connection once the call's bytes arrive.
	 */
	private static final class BreakingServer implements AutoCloseable {

		private static final byte[] SETTINGS = { 0, 0, 0, 4, 0, 0, 0, 0, 0 };

		private final ServerSocket socket;

		private final Thread acceptor;

		BreakingServer() throws IOException {
			this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			this.acceptor = new Thread(this::serve, "breaking-server");
			this.acceptor.setDaemon(true);
			this.acceptor.start();
		}

		int port() {
			return this.socket.getLocalPort();
		}

		private void serve() {
			while (!this.socket.isClosed()) {
				try (Socket connection = this.socket.accept()) {
					OutputStream out = connection.getOutputStream();
					out.write(SETTINGS);
					out.flush();
					InputStream in = connection.getInputStream();
					// The client preface and SETTINGS come first (24 + 9 bytes at least); then the call's frames.
					byte[] buffer = new byte[4096];
					int total = 0;
					while (total < 80) {
						int read = in.read(buffer);
						if (read < 0) {
							break;
						}
						total += read;
					}
				}
				catch (IOException ex) {
					// Closed: the test is over.
				}
			}
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

}
