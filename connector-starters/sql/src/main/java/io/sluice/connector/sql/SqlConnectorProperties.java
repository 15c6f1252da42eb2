package io.sluice.connector.sql;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the SQL connectors, under {@code sluice.sql}. The connection itself is Spring Boot's
 * ({@code spring.r2dbc.url}, {@code spring.r2dbc.username}, {@code spring.r2dbc.password}).
 *
 * @param tablePrefix prefix of the connectors' table names: a lower-case letter, then lower-case letters,
 *     digits or underscores
 * @param rowsPerStatement the most records one upsert statement carries; a larger batch takes several
 *     statements, still in one transaction
 * @param schemaTimeout how long start-up waits for the tables to be created
 */
@ConfigurationProperties("sluice.sql")
public record SqlConnectorProperties(@DefaultValue(SqlSchema.DEFAULT_TABLE_PREFIX) String tablePrefix,
		@DefaultValue("500") int rowsPerStatement, @DefaultValue("30s") Duration schemaTimeout) {

	public SqlConnectorProperties {
		// Checked here so that a mistake fails binding, with the property named, rather than the first query.
		new SqlTables(tablePrefix);
		if (rowsPerStatement < 1 || rowsPerStatement > 10_000) {
			throw new IllegalArgumentException("sluice.sql.rows-per-statement must be from 1 to 10000, was "
					+ rowsPerStatement);
		}
		if (schemaTimeout == null || schemaTimeout.isNegative() || schemaTimeout.isZero()) {
			throw new IllegalArgumentException("sluice.sql.schema-timeout must be positive, was " + schemaTimeout);
		}
	}

}
