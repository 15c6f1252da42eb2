package io.sluice.gateway.record;

import java.nio.charset.StandardCharsets;

import io.sluice.connector.VersionedRecord;
import io.sluice.gateway.protocol.JsonText;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.Topic;
import io.sluice.record.InvalidRecordDataException;
import io.sluice.record.InvalidVersionException;
import io.sluice.record.RecordNotFoundException;
import io.sluice.record.VersionExistsException;

/** The record messages the gateway answers with, shaped as deepstream shapes them. */
final class RecordReplies {

	static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);

	private RecordReplies() {
	}

	static Message readResponse(String name, long version, byte[] data) {
		return Message.builder(Topic.RECORD, RecordAction.READ_RESPONSE).name(name).version(version).data(data).build();
	}

	static Message ack(Message request) {
		return Message.builder(Topic.RECORD, request.action()).correlationId(request.correlationId()).isAck(true)
			.build();
	}

	/** An error about one name of a request, carrying what the client needs to match it to the request. */
	static Message.Builder error(int action, Message request, String name) {
		return Message.builder(Topic.RECORD, action).name(name).originalAction(request.action())
			.correlationId(request.correlationId()).isWriteAck(request.isWriteAck()).isError(true);
	}

	static Message writeAcknowledgement(Message request) {
		return Message.builder(Topic.RECORD, RecordAction.WRITE_ACKNOWLEDGEMENT).name(request.name())
			.correlationId(request.correlationId()).isWriteAck(true).build();
	}

	/**
	 * The answer to a failed write. A stale version gets VERSION_EXISTS with the current version and data, so the
	 * client can merge; deepstream sends it as a plain message, not an error.
	 */
	static Message writeFailure(Message request, Throwable failure, int otherwise) {
		if (failure instanceof VersionExistsException) {
			VersionedRecord current = ((VersionExistsException) failure).current();
			return Message.builder(Topic.RECORD, RecordAction.VERSION_EXISTS).name(request.name())
				.originalAction(request.action()).correlationId(request.correlationId())
				.isWriteAck(request.isWriteAck()).version(current.version())
				.data(current.deleted() ? EMPTY_OBJECT : current.data()).build();
		}
		if (failure instanceof InvalidVersionException) {
			return error(RecordAction.INVALID_VERSION, request, request.name())
				.version(((InvalidVersionException) failure).currentVersion())
				.data(JsonText.quote(failure.getMessage())).build();
		}
		if (failure instanceof InvalidRecordDataException) {
			return invalidData(request, failure.getMessage());
		}
		if (failure instanceof RecordNotFoundException) {
			return error(RecordAction.RECORD_NOT_FOUND, request, request.name())
				.data(JsonText.quote(failure.getMessage())).build();
		}
		return error(otherwise, request, request.name()).data(JsonText.quote(String.valueOf(failure.getMessage())))
			.build();
	}

	static Message invalidData(Message request, String problem) {
		return error(RecordAction.INVALID_MESSAGE_DATA, request, request.name()).data(JsonText.quote(problem)).build();
	}

}
