package io.sluice.gateway.permission;

import java.util.List;

/**
 * A rule as the terms of its top-level {@code &&} chain (or the rule alone when it is no chain), some of which are
 * fixed for one connection and one name: they read only {@code user}, the {@code $variables} and literals
 * ({@link RuleReads#fixedPerName}). Their outcomes are worked out once and remembered by the caller for that
 * connection and name ({@code Permissions.Subject}), while the other terms are evaluated for every message. The terms
 * are still taken in the order written, a remembered outcome standing for its term: the decision, and the error of a
 * failing term, are those of evaluating the whole rule, since a fixed term gives the same outcome every time.
 */
final class RuleTerms {

	/** The remembered outcome of a term that failed: its error, as evaluating it gave it. */
	record Failure(String error) {
	}

	private final CompiledNode[] terms;

	private final boolean[] fixed;

	private RuleTerms(CompiledNode[] terms, boolean[] fixed) {
		this.terms = terms;
		this.fixed = fixed;
	}

	/** The terms of a rule, or {@code null} when none is fixed: then there is nothing to remember. */
	static RuleTerms of(RuleNode root) {
		List<RuleNode> written = RuleReads.andTerms(root);
		CompiledNode[] terms = new CompiledNode[written.size()];
		boolean[] fixed = new boolean[written.size()];
		boolean anyFixed = false;
		for (int i = 0; i < terms.length; i++) {
			terms[i] = RuleCompiler.compile(written.get(i));
			fixed[i] = RuleReads.fixedPerName(written.get(i));
			anyFixed |= fixed[i];
		}
		return anyFixed ? new RuleTerms(terms, fixed) : null;
	}

	/** How many terms there are: the length of the array of outcomes {@link #test} remembers them in. */
	int size() {
		return this.terms.length;
	}

	/**
	 * Whether every term is truthy, in order, stopping at the first that is not.
	 * @param outcomes the outcomes of the fixed terms for this connection and name, by term: {@code null} where not
	 * worked out yet (it is then, and stored); {@link Boolean} or {@link Failure}. Shared by the checks of one
	 * connection, which may run on different threads: an outcome is the same whoever works it out, so a lost or
	 * repeated store only costs its evaluation again.
	 * @throws RuleEvaluationException when a term fails, or failed when its outcome was worked out
	 */
	boolean test(Evaluation evaluation, Object[] outcomes) {
		for (int i = 0; i < this.terms.length; i++) {
			if (!(this.fixed[i] ? fixedOutcome(i, evaluation, outcomes) : this.terms[i].test(evaluation))) {
				return false;
			}
		}
		return true;
	}

	private boolean fixedOutcome(int term, Evaluation evaluation, Object[] outcomes) {
		Object outcome = outcomes[term];
		if (outcome == null) {
			try {
				outcome = this.terms[term].test(evaluation);
			}
			catch (RuleEvaluationException ex) {
				outcome = new Failure(ex.getMessage());
			}
			outcomes[term] = outcome;
		}
		if (outcome instanceof Failure failure) {
			throw new RuleEvaluationException(failure.error());
		}
		return (Boolean) outcome;
	}

}
