package io.sluice.bench.transport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.netty.buffer.Unpooled;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

/**
 * Which transport the gateway should call the record service over: a small write-like unary call (a ~200-byte
 * request answered by a ~200-byte response) over loopback, as HTTP/2 cleartext on Reactor Netty and as gRPC on its
 * shaded Netty with a hand-written {@code byte[]} method (no code generation). For each, with 1 and with 64 calls
 * in flight: calls per second and p50/p99 latency, measured after a warm-up. Server and client share this JVM, as
 * they share the machine in a deployment's worst case.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar io.sluice.bench.transport.TransportBench [seconds]}
 */
public final class TransportBench {

	private static final int PAYLOAD = 200;

	private TransportBench() {
	}

	public static void main(String[] args) throws Exception {
		Duration measured = Duration.ofSeconds((args.length > 0) ? Long.parseLong(args[0]) : 5);
		Duration warmUp = Duration.ofSeconds(3);
		System.out.printf("load average at start: %s%n", loadAverage());
		for (int inFlight : new int[] { 1, 64 }) {
			try (Transport http = new Http2Cleartext()) {
				report("h2c reactor-netty", inFlight, run(http, inFlight, warmUp, measured));
			}
			try (Transport grpc = new Grpc()) {
				report("grpc netty-shaded", inFlight, run(grpc, inFlight, warmUp, measured));
			}
		}
		System.out.printf("load average at end: %s%n", loadAverage());
	}

	private static Histogram run(Transport transport, int inFlight, Duration warmUp, Duration measured)
			throws InterruptedException {
		byte[] request = new byte[PAYLOAD];
		Recorder recorder = new Recorder(TimeUnit.SECONDS.toNanos(10), 3);
		AtomicBoolean measuring = new AtomicBoolean();
		AtomicBoolean running = new AtomicBoolean(true);
		Semaphore window = new Semaphore(inFlight);
		AtomicLong failures = new AtomicLong();
		Thread driver = new Thread(() -> {
			while (running.get()) {
				window.acquireUninterruptibly();
				long start = System.nanoTime();
				transport.call(request, (response) -> {
					if (response == null || response.length != PAYLOAD) {
						failures.incrementAndGet();
					}
					else if (measuring.get()) {
						recorder.recordValue(Math.min(System.nanoTime() - start, TimeUnit.SECONDS.toNanos(10)));
					}
					window.release();
				});
			}
		}, "transport-bench-driver");
		driver.start();
		Thread.sleep(warmUp.toMillis());
		recorder.getIntervalHistogram();
		measuring.set(true);
		long started = System.nanoTime();
		Thread.sleep(measured.toMillis());
		Histogram histogram = recorder.getIntervalHistogram();
		long elapsed = System.nanoTime() - started;
		measuring.set(false);
		running.set(false);
		window.acquire(inFlight);
		driver.join();
		histogram.setStartTimeStamp(0);
		histogram.setEndTimeStamp(TimeUnit.NANOSECONDS.toMillis(elapsed));
		if (failures.get() > 0) {
			throw new IllegalStateException(failures.get() + " calls failed");
		}
		return histogram;
	}

	private static void report(String name, int inFlight, Histogram histogram) {
		double seconds = histogram.getEndTimeStamp() / 1000.0;
		System.out.printf("%-18s in-flight %2d: %,9.0f calls/s  p50 %7.1f us  p99 %7.1f us  (%,d calls)%n", name,
				inFlight, histogram.getTotalCount() / seconds, histogram.getValueAtPercentile(50) / 1000.0,
				histogram.getValueAtPercentile(99) / 1000.0, histogram.getTotalCount());
	}

	private static String loadAverage() {
		try {
			return new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/loadavg"))).trim();
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

	/** One way of making the call; the callback gets the response, or {@code null} on failure. */
	private interface Transport extends AutoCloseable {

		void call(byte[] request, Consumer<byte[]> response);

		@Override
		void close();

	}

	private static final class Http2Cleartext implements Transport {

		private final DisposableServer server;

		private final HttpClient client;

		Http2Cleartext() {
			byte[] answer = new byte[PAYLOAD];
			this.server = HttpServer.create()
				.host("127.0.0.1")
				.port(0)
				.protocol(HttpProtocol.H2C)
				.route((routes) -> routes.post("/records/write", (request, response) -> response
					.header("content-type", "application/octet-stream")
					.send(request.receive().aggregate().then(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(answer))))))
				.bindNow();
			this.client = HttpClient.create()
				.protocol(HttpProtocol.H2C)
				.remoteAddress(() -> new InetSocketAddress("127.0.0.1", this.server.port()));
		}

		@Override
		public void call(byte[] request, Consumer<byte[]> response) {
			this.client.post()
				.uri("/records/write")
				.send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(request)))
				.responseSingle((head, body) -> body.asByteArray())
				.subscribe(response, (ex) -> response.accept(null));
		}

		@Override
		public void close() {
			this.server.disposeNow();
		}

	}

	private static final class Grpc implements Transport {

		private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {

			@Override
			public InputStream stream(byte[] value) {
				return new ByteArrayInputStream(value);
			}

			@Override
			public byte[] parse(InputStream stream) {
				try {
					return stream.readAllBytes();
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}

		};

		private static final MethodDescriptor<byte[], byte[]> WRITE = MethodDescriptor.<byte[], byte[]>newBuilder()
			.setType(MethodDescriptor.MethodType.UNARY)
			.setFullMethodName("sluice.Records/Write")
			.setRequestMarshaller(BYTES)
			.setResponseMarshaller(BYTES)
			.build();

		private final Server server;

		private final ManagedChannel channel;

		Grpc() throws IOException {
			byte[] answer = new byte[PAYLOAD];
			ServerServiceDefinition service = ServerServiceDefinition.builder("sluice.Records")
				.addMethod(WRITE, ServerCalls.asyncUnaryCall((byte[] request, StreamObserver<byte[]> observer) -> {
					observer.onNext(answer);
					observer.onCompleted();
				}))
				.build();
			this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
				.addService(service)
				.directExecutor()
				.build()
				.start();
			this.channel = NettyChannelBuilder.forAddress("127.0.0.1", this.server.getPort())
				.usePlaintext()
				.directExecutor()
				.build();
		}

		@Override
		public void call(byte[] request, Consumer<byte[]> response) {
			ClientCalls.asyncUnaryCall(this.channel.newCall(WRITE, CallOptions.DEFAULT), request,
					new StreamObserver<>() {

						private byte[] received;

						@Override
						public void onNext(byte[] value) {
							this.received = value;
						}

						@Override
						public void onError(Throwable ex) {
							response.accept(null);
						}

						@Override
						public void onCompleted() {
							response.accept(this.received);
						}

					});
		}

		@Override
		public void close() {
			this.channel.shutdownNow();
			this.server.shutdownNow();
			try {
				this.channel.awaitTermination(5, TimeUnit.SECONDS);
				this.server.awaitTermination(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
