package io.sluice.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
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
 * <p>
 * With {@code polluted=true} the set-up first evaluates many other rules of the file, as a server does, so that the
 * JIT compiles the evaluator seeing every kind of node at every call site rather than only the two rules measured.
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

	/** Other rules of complex.yml, evaluated before measuring when {@link #polluted}. */
	private static final String[] OTHER_RULES = { "user.isAuthenticated && $id.indexOf('/') == -1",
			"user.isAuthenticated && $id.length == 36", "user.id == $id && (oldData == null || oldData.id == data.id)",
			"user.data != null && user.data.role == 'admin'", "data.author == user.id && data.text.length <= 2000",
			"user.id == $id && (data == 'online' || data == 'away' || data == 'offline')",
			"user.data != null && user.data.role == 'pricing' && typeof data.amount == 'number' && data.amount >= 0",
			"$id.match(/^(debug|info|warn|error)$/) != null", "user.id.startsWith('device-') && typeof data.value == 'number'",
			"user.isAuthenticated && data != null", "user.id == 'service-' + $id", "data.text.trim().length > 0",
			"oldData == null || (data.turn == oldData.turn + 1 && oldData.players.indexOf(user.id) >= 0)",
			"$id.length == 2 && $id.toUpperCase() == $id", "data.name.trim().length > 0 && data.name.length <= 64",
			"user.isAuthenticated && typeof data.amount == 'number' && data.currency.length == 3",
			"oldData.public == true || oldData.owner == user.id || oldData.editors.indexOf(user.id) >= 0",
			"user.isAuthenticated && (data.format == 'pdf' || data.format == 'docx' || data.format == 'md')",
			"user.data != null && user.data.plan != 'free' && data.prompt.length < 8000",
			"user.isAuthenticated && typeof data.t == 'number' && data.p.length <= 4096 && (user.data == null || user.data.role != 'guest')" };

	@Param({ "false", "true" })
	public boolean polluted;

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
		if (this.polluted) {
			pollute(user, variables, data, now);
		}
	}

	private void pollute(String user, Map<String, String> variables, JsonNode data, long now) {
		JsonNode other = this.mapper.readTree("{\"author\":\"a\",\"text\":\" hi \",\"amount\":3,\"currency\":\"EUR\","
				+ "\"name\":\"n\",\"format\":\"md\",\"prompt\":\"p\",\"turn\":2,\"id\":\"x\"}");
		JsonNode old = this.mapper.readTree("{\"id\":\"x\",\"turn\":1,\"players\":[\"a\"],\"public\":false,"
				+ "\"owner\":\"o\",\"editors\":[\"e\"]}");
		JsonNode userData = this.mapper.readTree("{\"role\":\"admin\",\"plan\":\"pro\"}");
		List<PreloadedRuleContext> contexts = List.of(this.emit, this.write,
				new PreloadedRuleContext(user, userData, other, old, now, "UPDATE", variables, Map.of()),
				new PreloadedRuleContext(null, null, data, null, now, "EMIT", Map.of("$id", "ab"), Map.of()));
		List<ValveRule> rules = java.util.Arrays.stream(OTHER_RULES).map(ValveRule::parse).toList();
		for (int i = 0; i < 20_000; i++) {
			for (ValveRule rule : rules) {
				for (PreloadedRuleContext context : contexts) {
					rule.evaluate(context, ValveRule.DEFAULT_MAX_RULE_ITERATIONS);
				}
			}
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
