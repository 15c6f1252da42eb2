package io.sluice.connector.sql;

import java.time.Clock;

import io.r2dbc.spi.ConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;
import org.springframework.r2dbc.core.DatabaseClient;

import io.sluice.connector.ConnectionMissingException;
import io.sluice.connector.ConnectorChoice;
import io.sluice.connector.RecordStore;
import io.sluice.connector.StreamArchive;
import io.sluice.connector.StreamHistory;

/**
 * The SQL connectors: {@link SqlRecordStore} when {@code sluice.storage.type=sql}, {@link SqlStreamHistory} when
 * {@code sluice.history.type=sql}, each unless the application defines its own. They use the
 * {@link ConnectionFactory} of Spring Boot's R2DBC auto-configuration ({@code spring.r2dbc.*}), and are ordered
 * before the in-memory defaults so those back off.
 */
@AutoConfiguration(after = R2dbcAutoConfiguration.class,
		beforeName = "io.sluice.connector.memory.MemoryConnectorAutoConfiguration")
@ConditionalOnClass({ ConnectionFactory.class, DatabaseClient.class })
@Conditional(SqlConnectorAutoConfiguration.SqlConnectorChosen.class)
@EnableConfigurationProperties(SqlConnectorProperties.class)
public final class SqlConnectorAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(SqlConnectorAutoConfiguration.class);

	static final String STORAGE_TYPE = ConnectorChoice.STORAGE_TYPE;

	static final String HISTORY_TYPE = ConnectorChoice.HISTORY_TYPE;

	private static final String SCHEMA_BEAN = "sluiceSqlSchema";

	@Bean
	@Lazy // created only when an adapter below needs it, so that user-defined adapters never touch the database
	@ConditionalOnMissingBean
	SqlSchema sluiceSqlSchema(ObjectProvider<ConnectionFactory> connectionFactory,
			ObjectProvider<R2dbcConnectionDetails> connectionDetails, ConfigurableListableBeanFactory beanFactory,
			Environment environment, SqlConnectorProperties properties) {
		ConnectionFactory factory = connectionFactory.getIfAvailable();
		if (factory == null || (connectionDetails.getIfAvailable() == null && isBootsFallback(beanFactory))) {
			throw connectionMissing(environment);
		}
		// Found through a provider, so that a missing one can be explained; declared here so that the connection
		// factory is closed after the schema and the adapters on it, never under them.
		for (String name : beanFactory.getBeanNamesForType(ConnectionFactory.class, true, false)) {
			beanFactory.registerDependentBean(name, SCHEMA_BEAN);
		}
		SqlSchema schema = new SqlSchema(factory, properties.tablePrefix());
		// Opening the database and creating the tables goes on while the rest of the process starts: the adapters'
		// statements wait for it, and sluiceSqlSchemaCreated below stops start-up, before the web server opens its
		// port, if it failed.
		schema.createInBackground(properties.schemaTimeout(), "sluice.sql.schema-timeout");
		return schema;
	}

	/**
	 * Waits, once every bean exists and before the web server starts, for the tables whose creation
	 * {@link #sluiceSqlSchema} started, if anything needed them: a database that cannot be reached stops start-up
	 * with the reason. Blocking is right here: it runs once, on the start-up thread.
	 */
	@Bean
	static SmartInitializingSingleton sluiceSqlSchemaCreated(ConfigurableListableBeanFactory beanFactory) {
		return () -> {
			if (beanFactory.containsSingleton(SCHEMA_BEAN)
					&& beanFactory.getSingleton(SCHEMA_BEAN) instanceof SqlSchema schema) {
				schema.awaitCreated();
			}
		};
	}

	@Bean
	@ConditionalOnProperty(name = STORAGE_TYPE, havingValue = "sql")
	@ConditionalOnMissingBean(RecordStore.class)
	SqlRecordStore sqlRecordStore(SqlSchema sluiceSqlSchema, SqlConnectorProperties properties) {
		logger.info("RecordStore: sql, on {} (table {}record)", sluiceSqlSchema.databaseProduct(),
				properties.tablePrefix());
		return new SqlRecordStore(sluiceSqlSchema, properties.rowsPerStatement(), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnProperty(name = HISTORY_TYPE, havingValue = "sql")
	@ConditionalOnMissingBean(StreamHistory.class)
	SqlStreamHistory sqlStreamHistory(SqlSchema sluiceSqlSchema, SqlConnectorProperties properties) {
		logger.info("StreamHistory: sql, on {} (tables {}stream, {}stream_entry)", sluiceSqlSchema.databaseProduct(),
				properties.tablePrefix(), properties.tablePrefix());
		return new SqlStreamHistory(sluiceSqlSchema, Clock.systemUTC());
	}

	/**
	 * The cold tier of a hot event history (memory, Redis) when the records are stored in SQL: the storage worker
	 * stores the history's entries in the same tables {@link #sqlStreamHistory} uses. Only beside this starter's own
	 * record store: an application that defines its own store keeps this starter away from the database.
	 */
	@Bean
	@ConditionalOnBean(SqlRecordStore.class)
	@ConditionalOnMissingBean(StreamArchive.class)
	StreamArchive sqlStreamArchive(SqlSchema sluiceSqlSchema) {
		return new SqlStreamHistory(sluiceSqlSchema, Clock.systemUTC()).archive();
	}

	/**
	 * Whether the only {@link ConnectionFactory} is the one Spring Boot creates when no URL is configured: with
	 * H2 on the class path that is an in-memory database, which cannot keep the durability a store promises.
	 */
	private static boolean isBootsFallback(ConfigurableListableBeanFactory beanFactory) {
		for (String name : beanFactory.getBeanNamesForType(ConnectionFactory.class, true, false)) {
			if (!beanFactory.containsBeanDefinition(name)) {
				return false;
			}
			BeanDefinition definition = beanFactory.getMergedBeanDefinition(name);
			String factoryBean = definition.getFactoryBeanName();
			if (factoryBean == null || !factoryBean.startsWith(R2dbcAutoConfiguration.class.getPackageName() + ".")) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Why a chosen SQL connector has no database: none was configured, and Spring Boot would otherwise have handed it
	 * an in-memory one, every write lost at the next restart.
	 */
	private static ConnectionMissingException connectionMissing(Environment environment) {
		return new ConnectionMissingException("SQL", ConnectorChoice.choosingProperties(environment, "sql"),
				"spring.r2dbc.url is not set",
				"no database is configured: the property spring.r2dbc.url is not set (and no ConnectionFactory bean "
						+ "was defined), so writes would go to an in-memory database and be lost on restart.",
				"Set spring.r2dbc.url (with spring.r2dbc.username and spring.r2dbc.password if needed), for example "
						+ "r2dbc:postgresql://localhost:5432/sluice for PostgreSQL, or "
						+ SqlUrls.h2File("./data/sluice") + " for an embedded H2 file");
	}

	/** Either SQL connector was chosen. */
	static final class SqlConnectorChosen extends AnyNestedCondition {

		SqlConnectorChosen() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty(name = STORAGE_TYPE, havingValue = "sql")
		static final class StorageType {

		}

		@ConditionalOnProperty(name = HISTORY_TYPE, havingValue = "sql")
		static final class HistoryType {

		}

	}

}
