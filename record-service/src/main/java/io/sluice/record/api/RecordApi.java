package io.sluice.record.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.grpc.MethodDescriptor;

/**
 * The internal records API's gRPC methods. Bodies are {@link RecordApiCodec} bytes, so the methods are described
 * here by hand and need no code generation:
 * <ul>
 * <li>{@value #SERVICE}/Call: one {@link RecordCall}, answered by its {@link RecordReply};</li>
 * <li>{@value #SERVICE}/Batch: up to {@link RecordApiCodec#MAX_BATCH} calls, answered by one reply per call, in
 * order (writes to one record are applied in the batch's order);</li>
 * <li>{@value #SERVICE}/Ping: empty, answered while the instance serves with its id (UTF-8, empty if none is set), by
 * which gateways rank the instances for each record whatever address they reach them at; empty leaves the address.</li>
 * </ul>
 * A request the codec cannot read is failed with status {@code INVALID_ARGUMENT} and a description naming the
 * problem; a record operation that fails is a normal reply carrying the failure.
 */
public final class RecordApi {

	public static final String SERVICE = "sluice.records.Records";

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

	public static final MethodDescriptor<byte[], byte[]> CALL = unary("Call");

	public static final MethodDescriptor<byte[], byte[]> BATCH = unary("Batch");

	public static final MethodDescriptor<byte[], byte[]> PING = unary("Ping");

	private RecordApi() {
	}

	private static MethodDescriptor<byte[], byte[]> unary(String method) {
		return MethodDescriptor.<byte[], byte[]>newBuilder()
			.setType(MethodDescriptor.MethodType.UNARY)
			.setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, method))
			.setRequestMarshaller(BYTES)
			.setResponseMarshaller(BYTES)
			.build();
	}

}
