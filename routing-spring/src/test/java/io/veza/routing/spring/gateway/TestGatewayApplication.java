package io.veza.routing.spring.gateway;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** A bare Spring Cloud Gateway application: routes, discovery and Veza pools all come from properties. */
@SpringBootConfiguration
@EnableAutoConfiguration
public class TestGatewayApplication {}
