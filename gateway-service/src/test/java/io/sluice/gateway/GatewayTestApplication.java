package io.sluice.gateway;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** The smallest application that serves the gateway: everything comes from auto-configuration. */
@SpringBootConfiguration
@EnableAutoConfiguration
class GatewayTestApplication {

}
