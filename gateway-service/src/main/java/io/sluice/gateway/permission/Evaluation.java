package io.sluice.gateway.permission;

import tools.jackson.databind.JsonNode;

/** The state of one evaluation of one rule: its context and how many cross-record reads it has made. */
final class Evaluation {

	private final RuleContext context;

	private final int maxRuleIterations;

	private int crossRecordReads;

	private JsonNode user;

	Evaluation(RuleContext context, int maxRuleIterations) {
		this.context = context;
		this.maxRuleIterations = maxRuleIterations;
	}

	RuleContext context() {
		return this.context;
	}

	JsonNode user() {
		if (this.user == null) {
			this.user = this.context.user();
		}
		return this.user;
	}

	Object pathVariable(String name) {
		String value = this.context.variables().get(name);
		if (value == null) {
			throw new RuleEvaluationException("path variable " + name + " is not defined");
		}
		return value;
	}

	/**
	 * {@code _(name)}: like deepstream, an undefined name (or one containing "undefined", built from a missing
	 * value) reads nothing and gives undefined; anything but a string is an error.
	 */
	Object crossRecord(Object name) {
		if (name == JsValues.UNDEFINED || (name instanceof String s && s.contains("undefined"))) {
			return JsValues.UNDEFINED;
		}
		if (!(name instanceof String recordName)) {
			throw new RuleEvaluationException("_() needs a record name, got " + JsValues.typeOf(name));
		}
		if (++this.crossRecordReads > this.maxRuleIterations) {
			throw new RuleEvaluationException("rule exceeded maxRuleIterations (" + this.maxRuleIterations
					+ ") cross-record reads at _('" + recordName + "')");
		}
		JsonNode data = this.context.crossRecord(recordName);
		if (data == null) {
			throw new RuleEvaluationException("record '" + recordName + "' was not preloaded for _()");
		}
		return JsValues.fromJson(data);
	}

}
