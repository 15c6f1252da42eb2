package io.sluice.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
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

import io.sluice.gateway.permission.PreloadedRuleContext;
import io.sluice.gateway.permission.RuleDecision;
import io.sluice.gateway.permission.ValveRule;

/**
 * One evaluation of the rules {@code bench/permissions/complex.yml} applies to each message of the events and records
 * scenarios, over what those scenarios send: an authenticated user with a generated id and no server data, a
 * {@code $id} of 36 characters and data {@code {"t":<nanos>,"p":"<padding>"}}. The data is read into a tree once,
 * in set-up: this is the evaluator's cost alone, not the reading of the message.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ValveRuleBenchmark {

	/** {@code bench/event/$id} publish in complex.yml. */
	static final String EVENT_PUBLISH = "user.isAuthenticated && user.id.length > 0 && $id.length == 36 "
			+ "&& typeof data.t == 'number' && data.p.length <= 4096 && data.p.match(/[<>]/) == null "
			+ "&& (user.data == null || user.data.muted != true)";

	/** {@code bench/record/$id} write in complex.yml. */
	static final String RECORD_WRITE = "user.isAuthenticated && typeof data.t == 'number' && data.p.length <= 4096 "
			+ "&& (oldData == null || oldData.p == null || oldData.p == data.p)";

	private final JsonMapper mapper = JsonMapper.builder().build();

	private ValveRule eventPublish;

	private ValveRule recordWrite;

	private PreloadedRuleContext emit;

	private PreloadedRuleContext write;

	@Setup
	public void setUp() {
		this.eventPublish = ValveRule.parse(EVENT_PUBLISH);
		this.recordWrite = ValveRule.parse(RECORD_WRITE);
		String user = UUID.randomUUID().toString();
		Map<String, String> variables = Map.of("$id", UUID.randomUUID().toString());
		JsonNode data = this.mapper.readTree("{\"t\":1733551200123456789,\"p\":\"xxxxxxxxxxxxxxxx\"}"
			.getBytes(StandardCharsets.UTF_8));
		long now = System.currentTimeMillis();
		this.emit = new PreloadedRuleContext(user, null, data, null, now, "EMIT", variables, Map.of());
		this.write = new PreloadedRuleContext(user, null, data, data, now, "UPDATE", variables, Map.of());
		if (!this.eventPublish.evaluate(this.emit, ValveRule.DEFAULT_MAX_RULE_ITERATIONS).allowed()
				|| !this.recordWrite.evaluate(this.write, ValveRule.DEFAULT_MAX_RULE_ITERATIONS).allowed()) {
			throw new IllegalStateException("the benchmark's rules must allow its messages");
		}
	}

	@Benchmark
	public RuleDecision eventPublish() {
		return this.eventPublish.evaluate(this.emit, ValveRule.DEFAULT_MAX_RULE_ITERATIONS);
	}

	@Benchmark
	public RuleDecision recordWrite() {
		return this.recordWrite.evaluate(this.write, ValveRule.DEFAULT_MAX_RULE_ITERATIONS);
	}

}
