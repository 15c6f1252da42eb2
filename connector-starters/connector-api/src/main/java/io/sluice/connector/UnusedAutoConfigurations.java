package io.sluice.connector;

/**
 * Spring Boot auto-configurations that Sluice's deployables leave out ({@code @SpringBootApplication(excludeName =
 * ...)}): they set up what nothing in Sluice uses, and cost start-up time ({@code docs/decisions/start-up.md}).
 */
public final class UnusedAutoConfigurations {

	/**
	 * Declarative transactions ({@code @Transactional}): with a transaction manager present it puts an auto-proxy
	 * creator in front of every bean, which looks through each bean's methods for the annotation at start-up.
	 * Sluice's SQL store runs its transactions itself ({@code SqlOperations}).
	 */
	public static final String TRANSACTIONS = "org.springframework.boot.transaction.autoconfigure."
			+ "TransactionAutoConfiguration";

	/** The R2DBC transaction manager bean, which only declarative transactions would use. */
	public static final String R2DBC_TRANSACTIONS = "org.springframework.boot.r2dbc.autoconfigure."
			+ "R2dbcTransactionManagerAutoConfiguration";

	/**
	 * The actuator's Jackson 2 mapper (deprecated in Spring Boot 4): the endpoints are written with Jackson 3, and
	 * creating the mapper loaded about 300 classes of Jackson 2, which is on the class path only for springdoc.
	 */
	public static final String JACKSON_2_ENDPOINTS = "org.springframework.boot.actuate.autoconfigure.endpoint.jackson."
			+ "Jackson2EndpointAutoConfiguration";

	private UnusedAutoConfigurations() {
	}

}
