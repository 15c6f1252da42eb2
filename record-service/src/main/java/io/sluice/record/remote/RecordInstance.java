package io.sluice.record.remote;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import reactor.core.publisher.Mono;

/**
 * One record-service instance: its address, one HTTP/2 connection to it (so calls to it leave in the order they
 * are made), and whether it is in the live set.
 */
final class RecordInstance {

	private final String address;

	/** From the id the instance answers probes with, once known; until then from its address. */
	private volatile long seed;

	private final ManagedChannel channel;

	private volatile boolean live = true;

	/**
	 * @param tls the TLS to speak, or {@code null} for plaintext
	 * @param authority the name the instance's certificate is checked against, or {@code null} for its host
	 */
	RecordInstance(String address, int maxMessageSize, SslContext tls, String authority) {
		this.address = address;
		this.seed = Rendezvous.seed(address);
		HostAndPort target = HostAndPort.parse(address);
		// directExecutor: replies are handed on from the transport's event loop; nothing downstream blocks.
		NettyChannelBuilder channel = NettyChannelBuilder.forAddress(target.host(), target.port())
			.directExecutor()
			.maxInboundMessageSize(maxMessageSize);
		if (tls != null) {
			channel.sslContext(tls);
			if (authority != null) {
				channel.overrideAuthority(authority);
			}
		}
		else {
			channel.usePlaintext();
		}
		this.channel = channel.build();
	}

	String address() {
		return this.address;
	}

	long seed() {
		return this.seed;
	}

	/**
	 * Ranks the instance by the id it answered a probe with, so that every client ranks it alike whatever address
	 * it reaches it at (a proxy, another name); by its address when the answer is empty (an instance without an id).
	 * @return whether the seed changed
	 */
	boolean identified(byte[] probeAnswer) {
		String id = (probeAnswer == null || probeAnswer.length == 0) ? this.address
				: new String(probeAnswer, StandardCharsets.UTF_8);
		long identified = Rendezvous.seed(id);
		boolean changed = identified != this.seed;
		this.seed = identified;
		return changed;
	}

	boolean isLive() {
		return this.live;
	}

	/** Marks the instance in or out of the live set; returns whether that changed it. */
	boolean live(boolean live) {
		boolean was = this.live;
		this.live = live;
		return was != live;
	}

	/**
	 * Makes one unary call. Fails with an {@link InstanceFailure} when the instance did not answer, or an
	 * {@link IllegalArgumentException} when it refused the request as unreadable. Cancelling the returned Mono
	 * cancels the call.
	 */
	Mono<byte[]> call(MethodDescriptor<byte[], byte[]> method, byte[] request, Duration timeout) {
		return call(method, request, CallOptions.DEFAULT.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS));
	}

	/**
	 * Asks whether the instance answers, waiting (up to {@code timeout}) for a connection to be made rather than
	 * failing at once on the last one's failure, and without waiting out the channel's reconnect backoff.
	 */
	Mono<byte[]> probe(MethodDescriptor<byte[], byte[]> method, byte[] request, Duration timeout) {
		this.channel.resetConnectBackoff();
		return call(method, request,
				CallOptions.DEFAULT.withWaitForReady().withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS));
	}

	private Mono<byte[]> call(MethodDescriptor<byte[], byte[]> method, byte[] request, CallOptions options) {
		return Mono.create((sink) -> {
			ClientCall<byte[], byte[]> call = this.channel.newCall(method, options);
			sink.onCancel(() -> call.cancel("The caller cancelled", null));
			ClientCalls.asyncUnaryCall(call, request, new StreamObserver<>() {

				private byte[] reply;

				@Override
				public void onNext(byte[] value) {
					this.reply = value;
				}

				@Override
				public void onError(Throwable ex) {
					sink.error(InstanceFailure.of(RecordInstance.this.address, ex));
				}

				@Override
				public void onCompleted() {
					if (this.reply != null) {
						sink.success(this.reply);
					}
					else {
						sink.error(InstanceFailure.of(RecordInstance.this.address, Status.INTERNAL
							.withDescription("The call ended without a reply")
							.asRuntimeException()));
					}
				}

			});
		});
	}

	void close() {
		this.channel.shutdownNow();
	}

	@Override
	public String toString() {
		return this.address + (this.live ? "" : " (down)");
	}

	/** A {@code host:port} address. */
	record HostAndPort(String host, int port) {

		static HostAndPort parse(String address) {
			int colon = (address != null) ? address.lastIndexOf(':') : -1;
			if (colon <= 0 || colon == address.length() - 1) {
				throw new IllegalArgumentException(
						"A record-service instance is given as host:port, was '" + address + "'");
			}
			String host = address.substring(0, colon);
			if (host.startsWith("[") && host.endsWith("]")) {
				host = host.substring(1, host.length() - 1);
			}
			int port;
			try {
				port = Integer.parseInt(address.substring(colon + 1));
			}
			catch (NumberFormatException ex) {
				port = -1;
			}
			if (port < 1 || port > 65535) {
				throw new IllegalArgumentException("The port of record-service instance '" + address
						+ "' must be a number from 1 to 65535");
			}
			return new HostAndPort(host, port);
		}

	}

}
