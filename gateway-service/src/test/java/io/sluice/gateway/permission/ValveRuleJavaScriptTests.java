package io.sluice.gateway.permission;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The evaluator against JavaScript itself: thousands of random expressions (and a list of edge cases) are evaluated
 * by Node.js exactly as deepstream evaluates a rule, a {@code Function} over {@code _, user, data, oldData, now,
 * action} and the path variables, and by {@link ValveRule}; the values must be the same, and where JavaScript
 * throws, the rule must fail. Skipped, loudly, without Node.js. {@code -Dvalve.seed=n} picks other expressions,
 * {@code -Dvalve.expressions=n} how many.
 */
class ValveRuleJavaScriptTests {

	private static final long SEED = Long.getLong("valve.seed", 20240611L);

	private static final int EXPRESSIONS = Integer.getInteger("valve.expressions", 3000);

	private static final int MAX_RULE_ITERATIONS = ValveRule.DEFAULT_MAX_RULE_ITERATIONS;

	private static final int REPORTED_DIVERGENCES = 40;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private static final Path WORK_DIR = Path.of(System.getProperty("basedir", "."))
		.toAbsolutePath()
		.resolve("target/valve-javascript");

	/** Hand-picked cases the random expressions may miss; each is compared in every context. */
	private static final List<String> EDGE_CASES = List.of("0.1 + 0.2", "'' + (0.1 + 0.2)", "'' + 1e21",
			"'' + 1e20", "'' + 123456789012345680000", "'' + -1e-7", "'' + 1.5e-7", "'' + 0.000001", "'' + 2e-3",
			"'' + 1/3", "'' + 2/3", "'' + 100/3", "'' + 5e-324", "'' + 1.7976931348623157e308",
			"'' + (0 * -1)", "1 / (0 * -1)", "-0 === 0", "'' + -0", "'' + (0/0)", "'' + (1/0)", "'' + (-1/0)",
			"'' + 8.41e21", "'' + 5e-7", "'' + 4.35", "'' + 0.3", "'' + 1e-6 * 3", "'' + 9007199254740993",
			"'x' + /a/gi", "'' + /a/ig", "' \\u00a0 1 \\u00a0 ' * 1", "'\\ufeff1' == 1", "'\\u001c1' * 1", "'0x-1' * 1",
			"'0x1A' * 1", "'-0x1A' * 1", "'0b101' * 1", "'0o17' * 1", "' 12 ' == 12", "'1e3' == 1000", "'.5' == 0.5",
			"'5.' == 5", "'+Infinity' == 1/0", "'infinity' == 1/0", "'1_000' * 1", "'\\u00a0abc\\u00a0'.trim()",
			"'\\u001cabc'.trim()", "'\\u2028x\\u2029'.trim()", "'\\u3000x'.trim()", "'\\u0085x'.trim()",
			"'abc\\n'.match(/abc$/)", "'abc\\n'.match(/c$/m)", "'a\\u0085b'.match(/a.b/)", "'É'.match(/é/i)",
			"'a'.match(/(b)?a/)", "'a'.match(/(b)?a/)[1]", "'aaa'.match(/a*?/g)", "'abc'.match(/(?<x>b)/)",
			"'abc'.startsWith(/a/)", "'abc'.includes(/a/)", "'abc'.endsWith(/c/)", "'/a/'.indexOf(/a/)",
			"data.arr.indexOf(1, 1)", "data.arr.indexOf(3, -1)", "data.arr.includes(1, 1)", "data.arr.includes(1, -3)",
			"'ß'.toUpperCase()", "'İ'.toLowerCase()", "'ΑΣ'.toLowerCase()", "'ﬁ'.toUpperCase()",
			"'a\\u00e9' < 'a\\u00ea'", "'😀' > '\\uffff'", "'😀'.length", "'😀'[0] == '\\ud83d'", 
			"data.arr[-0]", "data.arr['-0']", "data.arr[1.0]", "data.arr['1.0']", "'abc'[1e0]", "'abc'[' 1']",
			"user.data.list + ''", "data.nested + ''",
			"data.nested == '1,2,3'", "user.data.list == '1,1,,true,2,3,[object Object]'", "data.list == 0",
			"data.list == false", "data.one == 5", "data.one == '5'", "data.o == data.o", "data.o == _('rec/a')",
			"_('rec/a') === _('rec/a')", "_('rec/b').next", "_(_('rec/b').next)", "_(_(_('rec/a').next).next)",
			"_(undefined)", "_('rec/undefined')", "_(1)", "_(null)", "_('absent')", "user.data === user.data",
			"null >= 0", "null > -1", "undefined == 0", "'b' > 'a' > 0", "1 < 2 < 3", "3 > 2 > 1", "'10' < '9'",
			"'10' < 9", "'a' < 1", "true > false", "data.o < data.o", "data.o <= data.o", "data.arr < 'a'",
			"typeof null", "typeof /a/", "typeof typeof 1", "typeof data.missing", "!!'0'", "!!''", "!!-0",
			"1 && 'x' || 0", "0 || '' || null", "null && data.missing.x", "data.missing || data.n || data.e",
			"(0/0) || 'nan'", "5 % 0", "-5 % 3", "5.5 % 2", "-0 % 5", "1e300 * 1e300", "'3' - - '3'",
			"'3' + - '3'", "+'' + +' '", "+data.one", "+data.arr", "-null", "-undefined", "+true",
			"$id == 42", "$id === '42'", "$name.startsWith('chat/')", "'x'.indexOf('', 5)", "'abc'.indexOf('c', -5)",
			"'abc'.indexOf('', 1/0)", "'abc'.startsWith('', 10)", "'abc'.endsWith('a', 1.9)",
			"'abc'.includes('b', '1')", "'abc'.startsWith()", "'undefined'.includes()", "'abc'.match()",
			"'null'.match(null)", "'a1'.match(1)", "'abc'.match('b.')", "'a.c'.match('.')", "now > 0",
			"typeof now", "'a\\\nb'", "'a\\\r\nb'", "'a\u2028b'", "'a\\\u2028b'", "1.e1", ".5e-1", "0X1f", "0B11", "0O17",
			"action", "typeof action", "user.isAuthenticated", "user.id", "user.data",
			// the forms the compiler specialises (RuleCompiler), over values of every type
			"typeof data.a == 'number'", "typeof data.s === 'string'", "typeof data.n == 'object'",
			"typeof data.missing != 'undefined'", "typeof data.o !== 'object'", "'number' == typeof data.huge",
			"typeof user.data.level == 'number'", "typeof now == 'number'", "typeof data.t == 'boolean'",
			"typeof data == 'string'", "data.s.match(/x/) == null", "data.s.match(/y/) != null",
			"data.a.match(/1/) == null", "data.missing.match(/a/) == null", "null == data.email.match(/@/)",
			"data.s.match(/x/) === null", "!data.s.match(/x/)", "data.s.match(/x/) && 1", "data.match(/l+/) != null",
			"data.s.length == 1", "data.arr.length === 4", "data.o.length == null", "data.length == 2",
			"data.a.length == undefined", "data.missing.length > 0", "data.s.length <= 4096", "data.arr.length > '3'",
			"$id.length == 2", "user.id.length > 0", "data.list.length", "!data.list.length", "data.one.length == true",
			"data.o.deep.x.length", "data.arr[0].length", "data.length.x", "typeof data.length",
			"user.isAuthenticated && user.id.length > 0", "user.data == null || user.data.muted != true",
			"user.data.flags.beta != true", "user.data.level === 3", "data.a == true", "data.t == true",
			"data.t != false", "data.z == false", "data.a === 1", "data.num == 42", "data.pad == 42", "data.arr == 1",
			"data.one == 5", "data.one === 5", "null == user.data", "undefined == data.missing", "data.n === undefined",
			"data.missing === undefined", "data.num < 100", "100 > data.num", "data.s > 1", "data.arr[1] >= 2",
			"now > 1", "-data.a", "+data.num", "data.huge - 1", "(data.a && data.s) || 'none'",
			"data.a && data.s && data.e && 'x'", "data.e || data.n || (data.zero || 'last')", "data.a ? data.s : data.e",
			"(data.a ? data.n : data.s) == null", "user.data['role'] == 'Admin'", "user['id'] == 'alice'",
			"user.id == $userId", "data[data.s]", "data.arr[data.a]", "data.o['k'] === 'v'", "action == 'write'",
			"oldData.owner == user.id", "oldData == null || oldData.p == null || oldData.p == data.p",
			"user.isAuthenticated === true", "user.data.list[4].length == 2", "user.data.nothing == null",
			"'a<b'.match(/[<>]/) == null", "'ab'.match(/[<>]/) == null", "data.s.match(/[xyz]/) != null",
			"data.email.match(/[@.]/g) == null", "data.a.match(/[<>]/) == null", "data.match(/[ w]/) != null",
			"'a-b'.match(/[a-]/) != null", "'B'.match(/[b]/i) != null", "'x]'.match(/[]]/) == null",
			"'^'.match(/[^a]/) != null", "data.upper.match(/[A]/) && 1", "!data.s.match(/[s]/)");

	private static Optional<Path> node;

	@BeforeAll
	static void findNode() {
		node = onPath("node");
		if (node.isEmpty()) {
			System.err.println("!!! ValveRuleJavaScriptTests is SKIPPED: it needs Node.js (node on the PATH) to compare "
					+ "the rule evaluator with JavaScript !!!");
		}
	}

	@Test
	void expressionsHaveTheValueJavaScriptGivesThem() throws Exception {
		assumeTrue(node.isPresent(), "Node.js (node on the PATH) is needed to compare with JavaScript");
		RandomRuleExpressions random = new RandomRuleExpressions(SEED);
		Set<String> expressions = new LinkedHashSet<>(EDGE_CASES);
		while (expressions.size() < EDGE_CASES.size() + EXPRESSIONS) {
			expressions.add(random.next());
		}
		List<String> all = List.copyOf(expressions);
		List<JsonNode> contexts = contexts();
		long started = System.nanoTime();
		Iterator<JsonNode> javaScript = evaluateWithNode(all, contexts).iterator();
		long nodeMillis = (System.nanoTime() - started) / 1_000_000;

		started = System.nanoTime();
		List<String> divergences = new ArrayList<>();
		int compared = 0;
		for (String expression : all) {
			Compiled compiled = Compiled.of(expression);
			for (int i = 0; i < contexts.size(); i++) {
				JsonNode expected = javaScript.next();
				String divergence = compare(compiled, contexts.get(i), expected);
				compared++;
				if (divergence != null) {
					divergences.add("context " + i + ": " + divergence);
				}
			}
		}
		long javaMillis = (System.nanoTime() - started) / 1_000_000;
		System.err.printf("ValveRuleJavaScriptTests: seed %d, %d expressions in %d contexts, %d comparisons, "
				+ "%d divergences (node %d ms, java %d ms)%n", SEED, all.size(), contexts.size(), compared,
				divergences.size(), nodeMillis, javaMillis);
		Files.write(WORK_DIR.resolve("divergences.txt"), divergences);
		if (!divergences.isEmpty()) {
			fail("seed %d (-Dvalve.seed=%d to repeat): %d of %d evaluations differ from JavaScript (all in %s), the first:%n%s",
					SEED, SEED, divergences.size(), compared, WORK_DIR.resolve("divergences.txt"), String
						.join(System.lineSeparator(), divergences.subList(0, Math.min(REPORTED_DIVERGENCES, divergences.size()))));
		}
	}

	/** An expression compiled once, as a rule (for its value and its decision), or refused. */
	private record Compiled(String expression, ValveRule rule, RuleSyntaxException refusal) {

		static Compiled of(String expression) {
			try {
				return new Compiled(expression, ValveRule.parse(expression), null);
			}
			catch (RuleSyntaxException ex) {
				return new Compiled(expression, null, ex);
			}
		}

	}

	/** Null when Java agrees with JavaScript on the expression in the context, else what differs. */
	private static String compare(Compiled compiled, JsonNode context, JsonNode expected) {
		PreloadedRuleContext ruleContext = ruleContext(context);
		JsonNode actual;
		RuleDecision decision = null;
		if (compiled.refusal() != null) {
			actual = NODES.objectNode().put("t", "refused").put("v", compiled.refusal().getMessage());
		}
		else {
			try {
				actual = tag(compiled.rule().value(ruleContext, MAX_RULE_ITERATIONS));
			}
			catch (RuleEvaluationException ex) {
				actual = NODES.objectNode().put("t", "error").put("v", ex.getMessage());
			}
			catch (RuntimeException | StackOverflowError ex) {
				actual = NODES.objectNode().put("t", "crash").put("v", ex.toString());
			}
			decision = compiled.rule().evaluate(ruleContext, MAX_RULE_ITERATIONS);
		}
		String expectedType = expected.get("t").stringValue();
		boolean javaScriptFailed = expectedType.equals("error");
		boolean same = javaScriptFailed || expectedType.equals("refused")
				? actual.get("t").stringValue().equals(expectedType) : canonical(expected).equals(canonical(actual));
		if (same && decision != null) {
			boolean allowed = !javaScriptFailed && truthy(expected);
			same = decision.allowed() == allowed && decision.failed() == javaScriptFailed;
		}
		return same ? null : compiled.expression() + "  =>  javascript " + expected + ", java " + actual + ", decision " + decision;
	}

	private static boolean truthy(JsonNode tagged) {
		return switch (tagged.get("t").stringValue()) {
			case "undefined", "null" -> false;
			case "boolean" -> tagged.get("v").booleanValue();
			case "string" -> !tagged.get("v").stringValue().isEmpty();
			case "number" -> {
				JsonNode v = tagged.get("v");
				yield v.isString() ? !v.stringValue().equals("NaN") && !v.stringValue().equals("-0") : v.doubleValue() != 0;
			}
			default -> true;
		};
	}

	/** A Java value with the type tag the Node side gives a JavaScript value. */
	private static JsonNode tag(Object value) {
		ObjectNode tagged = NODES.objectNode();
		if (value == JsValues.UNDEFINED || value == JsValues.NULL) {
			return tagged.put("t", value == JsValues.NULL ? "null" : "undefined");
		}
		if (value instanceof Boolean b) {
			return tagged.put("t", "boolean").put("v", b);
		}
		if (value instanceof Double d) {
			return tagged.put("t", "number").put("v", d);
		}
		if (value instanceof String s) {
			return tagged.put("t", "string").put("v", s);
		}
		if (value instanceof RegexValue regex) {
			return tagged.put("t", "regexp").put("v", regex.toString());
		}
		if (value instanceof JsonNode node && node.isArray()) {
			ArrayNode elements = tagged.put("t", "array").putArray("v");
			node.forEach(element -> elements.add(tag(JsValues.fromJson(element))));
			return tagged;
		}
		if (value instanceof JsonNode node && node.isObject()) {
			ObjectNode members = tagged.put("t", "object").putObject("v");
			node.properties().forEach(member -> members.set(member.getKey(), tag(JsValues.fromJson(member.getValue()))));
			return tagged;
		}
		return tagged.put("t", "unknown").put("v", String.valueOf(value));
	}

	/** Numbers as the exact double they stand for, so that 1, 1.0 and 1e0 from either side are equal. */
	private static JsonNode canonical(JsonNode tagged) {
		if (tagged.isArray()) {
			ArrayNode copy = NODES.arrayNode();
			tagged.forEach(element -> copy.add(canonical(element)));
			return copy;
		}
		if (!tagged.isObject()) {
			return tagged;
		}
		ObjectNode copy = NODES.objectNode();
		tagged.properties().forEach(member -> copy.set(member.getKey(), canonical(member.getValue())));
		if (tagged.path("t").isString() && tagged.get("t").stringValue().equals("number") && tagged.get("v").isNumber()) {
			double d = tagged.get("v").doubleValue();
			copy.put("v", d == 0 && 1 / d < 0 ? "-0" : Double.toString(d));
		}
		return copy;
	}

	private static List<JsonNode> evaluateWithNode(List<String> expressions, List<JsonNode> contexts)
			throws IOException, InterruptedException, URISyntaxException {
		Files.createDirectories(WORK_DIR);
		Path cases = WORK_DIR.resolve("cases.json");
		Path results = WORK_DIR.resolve("results.json");
		Path log = WORK_DIR.resolve("node.log");
		Files.deleteIfExists(results);
		ObjectNode input = NODES.objectNode().put("maxRuleIterations", MAX_RULE_ITERATIONS);
		input.putArray("contexts").addAll(contexts);
		expressions.forEach(input.putArray("expressions")::add);
		JSON.writeValue(cases.toFile(), input);
		Path script = Path.of(ValveRuleJavaScriptTests.class.getResource("valve-evaluate.js").toURI());
		Process process = new ProcessBuilder(node.get().toString(), script.toString(), cases.toString(),
				results.toString())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		if (!process.waitFor(2, TimeUnit.MINUTES)) {
			process.destroyForcibly();
			throw new IllegalStateException("node did not finish evaluating " + cases + " within 2 minutes");
		}
		assertThat(process.exitValue()).as("node %s exited with %d: %s", script, process.exitValue(),
				Files.readString(log)).isZero();
		List<JsonNode> values = new ArrayList<>();
		JSON.readTree(results.toFile()).forEach(values::add);
		assertThat(values).hasSize(expressions.size() * contexts.size());
		return values;
	}

	static PreloadedRuleContext ruleContext(JsonNode context) {
		Map<String, String> variables = new LinkedHashMap<>();
		context.get("variables").properties().forEach(v -> variables.put(v.getKey(), v.getValue().stringValue()));
		Map<String, JsonNode> records = new LinkedHashMap<>();
		context.get("records").properties().forEach(r -> records.put(r.getKey(), r.getValue()));
		return new PreloadedRuleContext(context.get("userId").isNull() ? null : context.get("userId").stringValue(),
				context.get("userData").isNull() ? null : context.get("userData"), context.get("data"),
				context.get("oldData"), context.get("now").longValue(),
				context.get("action").isNull() ? null : context.get("action").stringValue(), variables, records);
	}

	/**
	 * The contexts every expression is evaluated in. A context without {@code data} or {@code oldData} has them
	 * undefined, as a Java {@code null} is; {@code userId} and {@code userData} are null when absent, as Evaluation
	 * builds {@code user}.
	 */
	static List<JsonNode> contexts() {
		return List.of(RuleFixture.json("""
				{'userId': 'alice', 'now': 1700000000000, 'action': 'write',
				 'userData': {'role': 'Admin', 'level': 3, 'tags': ['a', 'b'], 'flags': {'beta': true, 'legacy': false},
				   'score': '10', 'nothing': null, 'name': 'Ünïcødé', 'list': [1, '1', null, true, [2, 3], {'k': 'v'}]},
				 'data': {'a': 1, 's': 'x', 'n': null, 'arr': [1, '2', 3, 1], 'o': {'k': 'v', 'deep': {'x': 1}}, 'e': '',
				   'z': '0', 'zero': 0, 'huge': 1e21, 'tiny': 1e-7, 'frac': 0.1, 'max': 9007199254740993, 'neg': -5,
				   't': true, 'f': false, 'num': '42', 'pad': ' 42 ', 'hex': '0x1A', 'inf': 'Infinity', 'u': 'é',
				   'emoji': '😀', 'nbsp': '\\u00a0x\\u00a0', 'upper': 'ABC', 'mixed': 'aBc', 'email': 'bob@example.com',
				   'path': 'chat/alice', 'list': [], 'one': [5], 'nested': [[1, 2], [3]], 'length': 2},
				 'oldData': {'a': 0, 's': 'y', 'arr': [1, '2', 3, 1], 'owner': 'alice'},
				 'variables': {'$userId': 'alice', '$id': '42', '$name': 'chat/alice'},
				 'records': {'rec/a': {'admin': true, 'owner': 'alice', 'count': 2, 'next': 'rec/b'},
				   'rec/b': {'admin': false, 'owner': 'bob', 'next': 'rec/none'}, 'rec/none': null, 'rec/42': [1, 2]}}
				"""), RuleFixture.json("""
				{'userId': null, 'userData': null, 'now': 0, 'action': null,
				 'variables': {'$userId': 'bob', '$id': '007', '$name': ''},
				 'records': {'rec/a': {'admin': 'yes', 'owner': null, 'next': 'rec/a'}, 'rec/b': null}}
				"""), RuleFixture.json("""
				{'userId': '', 'now': 1, 'action': 'read',
				 'userData': {'role': 'user', 'level': '3', 'tags': [], 'flags': {}, 'score': 10, 'list': []},
				 'data': 'hello world', 'oldData': 0,
				 'variables': {'$userId': '', '$id': '1e3', '$name': 'chat/'},
				 'records': {'rec/a': {'admin': 0, 'owner': '', 'next': 'rec/absent'}, 'rec/b': {'next': 'rec/a'}}}
				"""), RuleFixture.json("""
				{'userId': '0', 'now': 1700000000001, 'action': 'publish',
				 'userData': {'role': 'ADMIN', 'level': -1.5, 'tags': ['b'], 'flags': {'beta': 'false'}, 'score': ' ',
				   'name': 'ΑΣ', 'list': [null]},
				 'data': [1, '2', null, {'k': 'v'}, []], 'oldData': {'a': '1', 's': '', 'arr': 'not an array'},
				 'variables': {'$userId': '0', '$id': ' 42 ', '$name': 'chat/0'},
				 'records': {'rec/a': {'admin': true, 'owner': '0', 'count': '2', 'next': 'rec/b'},
				   'rec/b': {'admin': true, 'next': 'rec/a'}, 'rec/none': null}}
				"""));
	}

	private static Optional<Path> onPath(String executable) {
		String path = System.getenv("PATH");
		if (path == null) {
			return Optional.empty();
		}
		for (String entry : path.split(Pattern.quote(File.pathSeparator))) {
			Path candidate = entry.isBlank() ? null : Path.of(entry, executable);
			if (candidate != null && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
				return Optional.of(candidate);
			}
		}
		return Optional.empty();
	}

}
