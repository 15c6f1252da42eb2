package io.sluice.gateway.http.rest;

import java.util.Map;

import org.springframework.http.ProblemDetail;

import io.sluice.connector.VersionedRecord;
import io.sluice.gateway.http.Outcome;

/** A request answered with a problem: thrown (or signalled) by the resources, answered by {@link RestProblems}. */
final class RestProblemException extends RuntimeException {

	private final RestProblem problem;

	private final VersionedRecord current;

	RestProblemException(RestProblem problem, String detail) {
		this(problem, detail, null);
	}

	private final long retryAfterSeconds;

	RestProblemException(RestProblem problem, String detail, VersionedRecord current) {
		super(detail, null, false, false);
		this.problem = problem;
		this.current = current;
		this.retryAfterSeconds = 0;
	}

	/** A problem that the same request may not meet again after {@code retryAfterSeconds}. */
	RestProblemException(RestProblem problem, String detail, long retryAfterSeconds) {
		super(detail, null, false, false);
		this.problem = problem;
		this.current = null;
		this.retryAfterSeconds = retryAfterSeconds;
	}

	/** The failure of an action. */
	static RestProblemException of(Outcome.Failed failed) {
		return new RestProblemException(RestProblem.of(failed.kind()), failed.message(), failed.current());
	}

	RestProblem problem() {
		return this.problem;
	}

	/** The {@code Retry-After} to answer with, in seconds; 0 for none. */
	long retryAfterSeconds() {
		return this.retryAfterSeconds;
	}

	/**
	 * The problem as RFC 9457 says it: type, title, status, detail, plus {@code code} (deepstream's name for it) and,
	 * when the record's current state is known (a failed conditional write), its {@code version} and, unless it is
	 * deleted, its {@code data}.
	 */
	ProblemDetail detail() {
		ProblemDetail detail = ProblemDetail.forStatusAndDetail(this.problem.status(), getMessage());
		detail.setType(this.problem.type());
		detail.setTitle(this.problem.title());
		detail.setProperty("code", this.problem.name());
		if (this.current != null) {
			detail.setProperty("version", this.current.version());
			// A deleted (or expired) record has a version and no data.
			if (!this.current.deleted()) {
				detail.setProperty("data", RestJson.tree(this.current.data()));
			}
		}
		return detail;
	}

	/** The problem as an entry of a batch's answer. */
	Map<String, Object> asMap() {
		ProblemDetail detail = detail();
		Map<String, Object> map = new java.util.LinkedHashMap<>();
		map.put("type", detail.getType().toString());
		map.put("title", detail.getTitle());
		map.put("status", detail.getStatus());
		map.put("detail", detail.getDetail());
		if (detail.getProperties() != null) {
			map.putAll(detail.getProperties());
		}
		return map;
	}

}
