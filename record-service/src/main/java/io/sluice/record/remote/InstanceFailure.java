package io.sluice.record.remote;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * A call that a record-service instance did not answer, with what is known of where it got to: whether the
 * instance certainly never saw it (no connection could be made), and whether the instance looks gone.
 */
final class InstanceFailure extends RuntimeException {

	private final boolean neverReached;

	private final boolean instanceDown;

	private InstanceFailure(String message, Throwable cause, boolean neverReached, boolean instanceDown) {
		super(message, cause);
		this.neverReached = neverReached;
		this.instanceDown = instanceDown;
	}

	/** Classifies a transport failure of a call to {@code address}. */
	static RuntimeException of(String address, Throwable failure) {
		if (!(failure instanceof StatusRuntimeException grpc)) {
			return new InstanceFailure("Call to record-service instance " + address + " failed: " + failure, failure,
					false, false);
		}
		Status status = grpc.getStatus();
		String described = status.getCode() + ((status.getDescription() != null) ? " " + status.getDescription() : "");
		switch (status.getCode()) {
			case INVALID_ARGUMENT:
				// The instance could not read what this client sent: a bug on one side, not a reason to retry.
				return new IllegalArgumentException(
						"Record-service instance " + address + " refused the call: " + status.getDescription(), grpc);
			case UNKNOWN:
				if (!isChannelClosed(grpc)) {
					return new InstanceFailure("Call to record-service instance " + address + " failed: " + described,
							grpc, false, false);
				}
				// gRPC's transport says so when the connection closed under the call: the connection was lost.
				return new InstanceFailure("Record-service instance " + address + " is unavailable (connection lost): "
						+ described, grpc, false, true);
			case UNAVAILABLE:
				boolean notConnected = isConnectFailure(grpc);
				return new InstanceFailure("Record-service instance " + address + " is unavailable ("
						+ (notConnected ? "no connection" : "connection lost") + "): " + described, grpc, notConnected,
						true);
			default:
				return new InstanceFailure("Call to record-service instance " + address + " failed: " + described,
						grpc, false, false);
		}
	}

	private static boolean isChannelClosed(Throwable failure) {
		return causedBy(failure, ClosedChannelException.class)
				|| (failure instanceof StatusRuntimeException grpc && grpc.getStatus().getDescription() != null
						&& grpc.getStatus().getDescription().equalsIgnoreCase("channel closed"));
	}

	private static boolean isConnectFailure(Throwable failure) {
		return causedBy(failure, ConnectException.class, UnknownHostException.class,
				UnresolvedAddressException.class);
	}

	/** Whether {@code failure} or one of its causes is of one of the {@code types}. */
	private static boolean causedBy(Throwable failure, Class<?>... types) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			for (Class<?> type : types) {
				if (type.isInstance(cause)) {
					return true;
				}
			}
		}
		return false;
	}

	/** Whether the instance certainly never received the call: a write may then be sent to another instance. */
	boolean neverReached() {
		return this.neverReached;
	}

	/** Whether the instance should leave the live set until it answers a probe again. */
	boolean instanceDown() {
		return this.instanceDown;
	}

}
