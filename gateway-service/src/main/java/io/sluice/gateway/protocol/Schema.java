package io.sluice.gateway.protocol;

/**
 * Which field number each topic's message gives each {@link Field}, read off {@code @deepstream/protobuf} 1.0.9's
 * generated {@code protobuf.js}. Fields a topic message has but the gateway does not use (a record's
 * {@code pattern}, ...) are left out and skipped like unknown fields. EVENT messages also have Sluice's own fields
 * ({@link EventPosition}), numbered beyond deepstream's.
 */
final class Schema {

	private static final Field[][] LAYOUTS = new Field[Topic.STATE_REGISTRY + 1][];

	static {
		LAYOUTS[Topic.PARSER] = layout(1, Field.ACTION, 2, Field.DATA, 8, Field.ORIGINAL_TOPIC, 9, Field.ORIGINAL_ACTION);
		LAYOUTS[Topic.CONNECTION] = layout(1, Field.ACTION, 2, Field.DATA, 3, Field.IS_ERROR, 4, Field.IS_ACK, 5, Field.URL,
				6, Field.PROTOCOL_VERSION, 7, Field.SDK_VERSION, 8, Field.SDK_TYPE);
		LAYOUTS[Topic.AUTH] = layout(1, Field.ACTION, 2, Field.DATA, 3, Field.IS_ERROR, 4, Field.IS_ACK);
		LAYOUTS[Topic.EVENT] = layout(1, Field.ACTION, 2, Field.DATA, 3, Field.CORRELATION_ID, 4, Field.IS_ERROR, 5,
				Field.IS_ACK, 6, Field.NAME, 7, Field.NAMES, 8, Field.SUBSCRIPTION, 10, Field.ORIGINAL_TOPIC, 11,
				Field.ORIGINAL_ACTION, EventPosition.OFFSET_FIELD, Field.OFFSET, EventPosition.EPOCH_FIELD, Field.EPOCH,
				EventPosition.RECOVERED_FIELD, Field.RECOVERED);
		LAYOUTS[Topic.RECORD] = layout(1, Field.ACTION, 2, Field.DATA, 3, Field.CORRELATION_ID, 4, Field.IS_ERROR, 5,
				Field.IS_ACK, 6, Field.NAME, 7, Field.NAMES, 9, Field.SUBSCRIPTION, 10, Field.ORIGINAL_ACTION, 11,
				Field.IS_WRITE_ACK, 12,
				Field.PATH, 13, Field.VERSION, 14, Field.VERSIONS);
		LAYOUTS[Topic.RPC] = layout(1, Field.ACTION, 2, Field.DATA, 3, Field.CORRELATION_ID, 4, Field.IS_ERROR, 5,
				Field.IS_ACK, 6, Field.NAMES, 7, Field.NAME, 9, Field.ORIGINAL_ACTION, 10, Field.REQUESTOR_NAME,
				11, Field.REQUESTOR_DATA);
		LAYOUTS[Topic.PRESENCE] = layout(1, Field.ACTION, 2, Field.ORIGINAL_TOPIC, 3, Field.ORIGINAL_ACTION, 4,
				Field.DATA, 5, Field.CORRELATION_ID, 6, Field.IS_ERROR, 7, Field.IS_ACK, 8, Field.NAME, 9, Field.NAMES);
		LAYOUTS[Topic.MONITORING] = layout(1, Field.ACTION, 2, Field.DATA, 3, Field.CORRELATION_ID, 4, Field.IS_ERROR,
				5, Field.IS_ACK);
	}

	private Schema() {
	}

	/**
	 * The fields of a topic's message indexed by field number (gaps are {@code null}), in field-number order, which is
	 * also the order protobuf.js writes them in; or {@code null} for a topic the gateway cannot decode.
	 */
	static Field[] layout(int topic) {
		return (topic >= 0 && topic < LAYOUTS.length) ? LAYOUTS[topic] : null;
	}

	private static Field[] layout(Object... numbersAndFields) {
		int max = (Integer) numbersAndFields[numbersAndFields.length - 2];
		Field[] fields = new Field[max + 1];
		for (int i = 0; i < numbersAndFields.length; i += 2) {
			fields[(Integer) numbersAndFields[i]] = (Field) numbersAndFields[i + 1];
		}
		return fields;
	}

}
