package io.sluice.connector.sql;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start-up that chose a SQL connector without saying which database to use.
 */
final class SqlConnectionMissingFailureAnalyzer extends AbstractFailureAnalyzer<SqlConnectionMissingException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, SqlConnectionMissingException cause) {
		String chosenBy = String.join(" and ", cause.choosingProperties());
		String description = chosenBy + " chose the SQL connector, but no database is configured: the property "
				+ "spring.r2dbc.url is not set (and no ConnectionFactory bean was defined), so writes would go to an "
				+ "in-memory database and be lost on restart.";
		String action = "Set spring.r2dbc.url (with spring.r2dbc.username and spring.r2dbc.password if needed), "
				+ "for example r2dbc:postgresql://localhost:5432/sluice for PostgreSQL, or "
				+ SqlUrls.h2File("./data/sluice") + " for an embedded H2 file; or choose another connector with "
				+ chosenBy.replace("=sql", "=memory") + ".";
		return new FailureAnalysis(description, action, cause);
	}

}
