package io.sluice.connector.choice;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.sluice.connector.ConnectionMissingException;

/** Explains a start-up that chose a connector without the means to reach its technology, as its starter tells. */
public final class ConnectionMissingFailureAnalyzer extends AbstractFailureAnalyzer<ConnectionMissingException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ConnectionMissingException cause) {
		return new FailureAnalysis(cause.description(), cause.action(), cause);
	}

}
