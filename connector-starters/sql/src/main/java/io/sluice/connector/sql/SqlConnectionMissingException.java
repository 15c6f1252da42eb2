package io.sluice.connector.sql;

import java.util.List;

/**
 * A SQL connector was chosen, but no database was configured for it: Spring Boot would otherwise have handed it
 * an in-memory database, and every write would be lost at the next restart.
 */
final class SqlConnectionMissingException extends RuntimeException {

	private final List<String> choosingProperties;

	SqlConnectionMissingException(List<String> choosingProperties) {
		super(String.join(" and ", choosingProperties) + " chose the SQL connector, but spring.r2dbc.url is not set");
		this.choosingProperties = List.copyOf(choosingProperties);
	}

	/** The properties that chose the SQL connector, such as {@code sluice.storage.type=sql}. */
	List<String> choosingProperties() {
		return this.choosingProperties;
	}

}
