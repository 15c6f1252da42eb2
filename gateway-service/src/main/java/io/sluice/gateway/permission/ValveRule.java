package io.sluice.gateway.permission;

import java.util.List;
import java.util.Set;

/**
 * One compiled Valve rule: {@code true}, {@code false} or an expression such as
 * {@code "user.id === $userId && data.owner == user.id"}. Parsed once, when the permission file is loaded;
 * compiled then ({@link RuleCompiler}) and evaluated for every message it guards. Thread-safe: the compiled
 * nodes are immutable and each evaluation keeps its own state.
 */
public final class ValveRule {

	/** deepstream's default for {@code permission.options.maxRuleIterations}. */
	public static final int DEFAULT_MAX_RULE_ITERATIONS = 3;

	private static final ValveRule ALWAYS = new ValveRule("true", null);

	private static final ValveRule NEVER = new ValveRule("false", null);

	private final String source;

	private final RuleParser.Result parsed;

	private final CompiledNode compiled;

	/** Found once: every check of the rule asks for them. */
	private final List<CrossReference> crossReferences;

	private final boolean usesData;

	private final boolean usesOldData;

	private final boolean usesNow;

	/** The rule as terms some of which are fixed per connection and name, or {@code null} when none is. */
	private final RuleTerms terms;

	/** The only members of {@code data} the rule reads, or {@code null} when it may read any of it. */
	private final String[] dataMembers;

	private ValveRule(String source, RuleParser.Result parsed) {
		this.source = source;
		this.parsed = parsed;
		this.compiled = (parsed == null) ? null : RuleCompiler.compile(parsed.root());
		this.crossReferences = (parsed == null) ? List.of()
				: parsed.crossRecords().stream().map(CrossReference::new).toList();
		this.usesData = parsed != null && parsed.contextVariables().contains("data");
		this.usesOldData = parsed != null && parsed.contextVariables().contains("oldData");
		this.usesNow = parsed != null && parsed.contextVariables().contains("now");
		this.terms = (parsed == null) ? null : RuleTerms.of(parsed.root());
		java.util.Set<String> members = (parsed == null) ? null : RuleReads.dataMembers(parsed.root());
		this.dataMembers = (members == null) ? null : members.toArray(String[]::new);
	}

	public static ValveRule of(boolean allowed) {
		return allowed ? ALWAYS : NEVER;
	}

	/**
	 * Compiles an expression rule.
	 * @throws RuleSyntaxException naming the problem and its column
	 */
	public static ValveRule parse(String expression) {
		return new ValveRule(expression, RuleParser.parse(expression));
	}

	/**
	 * Evaluates the rule: allowed when the expression's value is truthy, as in JavaScript. A rule that fails
	 * while running (a member of undefined, a record not preloaded, more than {@code maxRuleIterations}
	 * cross-record reads) denies, with the reason in {@link RuleDecision#error()}.
	 */
	public RuleDecision evaluate(RuleContext context, int maxRuleIterations) {
		if (this.parsed == null) {
			return this == ALWAYS ? RuleDecision.ALLOW : RuleDecision.DENY;
		}
		try {
			return this.compiled.test(new Evaluation(context, maxRuleIterations)) ? RuleDecision.ALLOW
					: RuleDecision.DENY;
		}
		catch (RuleEvaluationException ex) {
			return RuleDecision.failed(ex.getMessage());
		}
	}

	/**
	 * Evaluates the rule as {@link #evaluate(RuleContext, int)} does, decides the same, but takes the outcomes of the
	 * terms that depend only on the user and the name from {@code outcomes}, and stores there those it works out.
	 * @param outcomes an array of {@link #fixedTerms()} elements kept for one user and one {@link PermissionRules.Match}
	 * (so one name under these rules), {@code null} elements at first; {@code null} to remember nothing
	 */
	RuleDecision evaluate(RuleContext context, int maxRuleIterations, Object[] outcomes) {
		if (this.terms == null || outcomes == null) {
			return evaluate(context, maxRuleIterations);
		}
		try {
			return this.terms.test(new Evaluation(context, maxRuleIterations), outcomes) ? RuleDecision.ALLOW
					: RuleDecision.DENY;
		}
		catch (RuleEvaluationException ex) {
			return RuleDecision.failed(ex.getMessage());
		}
	}

	/** How many outcomes {@link #evaluate(RuleContext, int, Object[])} remembers: 0 when the rule has no fixed term. */
	int fixedTerms() {
		return (this.terms == null) ? 0 : this.terms.size();
	}

	/**
	 * The only members of {@code data} the rule reads ({@code data.name}), or {@code null} when it may read any of
	 * it: a rule given an object with only these members decides as with the whole object.
	 */
	String[] dataMembers() {
		return this.dataMembers;
	}

	/**
	 * The expression's JavaScript value ({@link JsValues}), for tests.
	 * @throws RuleEvaluationException when the expression fails
	 */
	Object value(RuleContext context, int maxRuleIterations) {
		return this.compiled.value(new Evaluation(context, maxRuleIterations));
	}

	/** Whether the rule is {@code true} or {@code false} rather than an expression. */
	public boolean isConstant() {
		return this.parsed == null;
	}

	/** Whether the rule is {@code true}. */
	public boolean isAlwaysTrue() {
		return this == ALWAYS;
	}

	/** The {@code _()} arguments of the rule, innermost first, for the caller to evaluate and preload. */
	public List<CrossReference> crossReferences() {
		return this.crossReferences;
	}

	/** The {@code $variables} the rule uses, so a path that does not capture them can be refused. */
	public Set<String> variables() {
		return this.parsed == null ? Set.of() : this.parsed.variables();
	}

	public boolean usesData() {
		return this.usesData;
	}

	public boolean usesOldData() {
		return this.usesOldData;
	}

	/** Whether the rule reads {@code now}: a context for one that does not need not read the clock. */
	public boolean usesNow() {
		return this.usesNow;
	}

	@Override
	public String toString() {
		return this.source;
	}

}
