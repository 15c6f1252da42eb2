package io.sluice.gateway.permission;

/**
 * The outcome of one rule: allowed or not, and when the rule failed while running (and so denied), why.
 */
public record RuleDecision(boolean allowed, String error) {

	static final RuleDecision ALLOW = new RuleDecision(true, null);

	static final RuleDecision DENY = new RuleDecision(false, null);

	static RuleDecision failed(String error) {
		return new RuleDecision(false, error);
	}

	/** The decision of a check that allowed the action. */
	public static RuleDecision granted() {
		return ALLOW;
	}

	public boolean failed() {
		return this.error != null;
	}

}
