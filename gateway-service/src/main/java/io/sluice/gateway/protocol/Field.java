package io.sluice.gateway.protocol;

/** The fields of the topic messages that the codec knows, whatever number each topic gives them. */
enum Field {

	ACTION, DATA, CORRELATION_ID, IS_ERROR, IS_ACK, NAME, NAMES, ORIGINAL_TOPIC, ORIGINAL_ACTION, IS_WRITE_ACK, PATH,
	VERSION, VERSIONS, URL, PROTOCOL_VERSION, SDK_VERSION, SDK_TYPE, SUBSCRIPTION,
	REQUESTOR_NAME, REQUESTOR_DATA,

	/** Sluice's own fields of an EVENT message ({@link EventPosition}). */
	OFFSET, EPOCH, RECOVERED;

	/** The protobuf wire type the field is encoded with. */
	int wireType() {
		switch (this) {
			case ACTION:
			case IS_ERROR:
			case IS_ACK:
			case ORIGINAL_TOPIC:
			case ORIGINAL_ACTION:
			case IS_WRITE_ACK:
			case VERSION:
			case OFFSET:
			case RECOVERED:
				return ProtoReader.VARINT;
			default:
				return ProtoReader.LENGTH_DELIMITED;
		}
	}

}
