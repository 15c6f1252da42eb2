package io.sluice.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

import io.sluice.connector.UnusedAutoConfigurations;
import io.sluice.gateway.app.AheadOfTimeStart;
import io.sluice.gateway.app.NettyDefaults;

/** Sluice in one JVM: gateway, record service and storage worker, on embedded defaults. */
@SpringBootApplication(excludeName = { UnusedAutoConfigurations.TRANSACTIONS,
		UnusedAutoConfigurations.R2DBC_TRANSACTIONS, UnusedAutoConfigurations.JACKSON_2_ENDPOINTS })
public class SluiceServer {

	public static void main(String[] args) {
		NettyDefaults.apply();
		AheadOfTimeStart.run(SluiceServer.class, new SpringApplication(SluiceServer.class), args);
	}

}
