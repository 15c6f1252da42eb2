package io.sluice.gateway.permission;

/**
 * A rule that failed while running (a member of undefined, a record that was not preloaded, too many
 * cross-record reads). As in deepstream, such a rule denies; the message is the reason.
 */
final class RuleEvaluationException extends RuntimeException {

	RuleEvaluationException(String message) {
		super(message);
	}

}
