package io.sluice.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Sluice in one JVM: gateway, record service and storage worker, on embedded defaults. */
@SpringBootApplication
public class SluiceServer {

	public static void main(String[] args) {
		SpringApplication.run(SluiceServer.class, args);
	}

}
