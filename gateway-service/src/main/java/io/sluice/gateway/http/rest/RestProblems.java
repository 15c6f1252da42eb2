package io.sluice.gateway.http.rest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Every failure of the REST resources as an RFC 9457 problem ({@code application/problem+json}): their own with
 * the {@code type} of its {@link RestProblem}, Spring's own (a missing header, a wrong method) as Spring words them,
 * and anything unexpected as a 500 that says no more than that (the cause is logged).
 */
@RestControllerAdvice(assignableTypes = { RecordResource.class, BatchResource.class, EventResource.class,
		RpcResource.class, PresenceResource.class })
final class RestProblems {

	private static final Logger logger = LoggerFactory.getLogger(RestProblems.class);

	@ExceptionHandler
	ResponseEntity<ProblemDetail> problem(RestProblemException ex) {
		ResponseEntity.BodyBuilder response = ResponseEntity.status(ex.problem().status())
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		if (ex.problem() == RestProblem.UNAUTHORIZED) {
			response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
		}
		if (ex.retryAfterSeconds() > 0) {
			response.header(HttpHeaders.RETRY_AFTER, Long.toString(ex.retryAfterSeconds()));
		}
		return response.body(ex.detail());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> spring(ErrorResponseException ex) {
		return ResponseEntity.status(ex.getStatusCode())
			.headers(ex.getHeaders())
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(ex.getBody());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unexpected(Exception ex) {
		logger.error("A REST request failed unexpectedly", ex);
		ProblemDetail detail = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
				"The server failed to answer the request");
		return ResponseEntity.internalServerError().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(detail);
	}

}
