package io.sluice.connector.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import io.sluice.connector.BusMessage;

/**
 * The envelope {@code {from, to?, payload}} of a message on the Kafka bus, as one Kafka record:
 * <ul>
 * <li>header {@value #FORMAT_HEADER}: one byte, the format, {@value #FORMAT}</li>
 * <li>header {@value #FROM_HEADER}: the sending node's id in UTF-8; also the record's key, so that one sender's
 * messages share a partition and keep their order</li>
 * <li>header {@value #TO_HEADER}: the target node's id in UTF-8, only on a message sent to one node</li>
 * <li>the value: the payload, exactly as given</li>
 * </ul>
 * The addressing lives in headers so the payload travels as it is, without being copied into a larger array.
 * The bus topic is not carried: it is the Kafka topic the record travelled on.
 */
final class KafkaBusEnvelope {

	static final String FORMAT_HEADER = "sluice-bus";

	static final String FROM_HEADER = "sluice-from";

	static final String TO_HEADER = "sluice-to";

	static final byte FORMAT = 1;

	private static final byte[] FORMAT_BYTES = { FORMAT };

	private KafkaBusEnvelope() {
	}

	/**
	 * The record of a message from the node whose id is {@code fromBytes} in UTF-8; the node's bytes are shared by
	 * its records, never changed.
	 */
	static ProducerRecord<byte[], byte[]> encode(String kafkaTopic, byte[] fromBytes, String to, byte[] payload) {
		Headers headers = new RecordHeaders().add(FORMAT_HEADER, FORMAT_BYTES).add(FROM_HEADER, fromBytes);
		if (to != null) {
			headers.add(TO_HEADER, to.getBytes(StandardCharsets.UTF_8));
		}
		return new ProducerRecord<>(kafkaTopic, null, fromBytes, payload, headers);
	}

	/**
	 * The message in a record that travelled on bus topic {@code topic}.
	 * @throws IllegalArgumentException if the record is not an envelope of this format, saying what is wrong
	 */
	static BusMessage decode(String topic, Headers headers, byte[] value) {
		Header format = headers.lastHeader(FORMAT_HEADER);
		if (format == null) {
			throw new IllegalArgumentException("No " + FORMAT_HEADER + " header: not a bus envelope");
		}
		byte[] formatBytes = format.value();
		if (formatBytes == null || formatBytes.length != 1 || formatBytes[0] != FORMAT) {
			throw new IllegalArgumentException("Unknown bus envelope format "
					+ ((formatBytes != null && formatBytes.length == 1) ? formatBytes[0] : "of "
							+ ((formatBytes != null) ? formatBytes.length : 0) + " bytes"));
		}
		String from = name(headers, FROM_HEADER);
		if (from == null) {
			throw new IllegalArgumentException("No " + FROM_HEADER + " header: the sender is unknown");
		}
		String to = name(headers, TO_HEADER);
		if (value == null) {
			throw new IllegalArgumentException("No value: a bus message always has a payload, if only an empty one");
		}
		return new BusMessage(topic, from, to, value);
	}

	/** The node id in header {@code key}, {@code null} when absent. */
	private static String name(Headers headers, String key) {
		Header header = headers.lastHeader(key);
		if (header == null) {
			return null;
		}
		byte[] bytes = header.value();
		if (bytes == null || bytes.length == 0) {
			throw new IllegalArgumentException("Empty " + key + " header: a node id is never empty");
		}
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new IllegalArgumentException("The " + key + " header is not UTF-8", ex);
		}
	}

}
