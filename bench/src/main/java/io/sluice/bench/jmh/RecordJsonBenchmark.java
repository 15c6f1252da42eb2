package io.sluice.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON work of a record write, done the way the record service does it with Jackson 3 (its path logic is
 * package-private, so the steps are reproduced here): a full UPDATE parses the document and writes it back; a PATCH
 * parses the value, deep-copies the current document, walks the path, sets the value and writes the document.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RecordJsonBenchmark {

	private final JsonMapper mapper = JsonMapper.builder().build();

	private byte[] document;

	private byte[] patchValue;

	private JsonNode current;

	@Setup
	public void setUp() {
		this.document = CodecBenchmark.RECORD_DATA;
		this.patchValue = "\"Paris\"".getBytes(StandardCharsets.UTF_8);
		this.current = this.mapper.readTree(this.document);
	}

	/** A full-record UPDATE: validate by parsing, store the bytes as written again. */
	@Benchmark
	public byte[] updateParseAndWrite() {
		return this.mapper.writeValueAsBytes(this.mapper.readTree(this.document));
	}

	/** Parsing alone, for comparison with the codec's cost per message. */
	@Benchmark
	public JsonNode parseDocument() {
		return this.mapper.readTree(this.document);
	}

	/** A PATCH of {@code address.city}: parse value, copy document, set at path, write document. */
	@Benchmark
	public byte[] patchPath() {
		JsonNode value = this.mapper.readTree(this.patchValue);
		JsonNode copy = this.current.deepCopy();
		JsonNode address = copy.get("address");
		if (!(address instanceof ObjectNode)) {
			address = ((ObjectNode) copy).putObject("address");
		}
		((ObjectNode) address).set("city", value);
		return this.mapper.writeValueAsBytes(copy);
	}

}
