package io.veza.routing.spring.sample;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * A Spring Cloud Gateway whose {@code lb://} routes are routed by Veza pools, configured in
 * {@code sample/application.yml}: {@code backend-api} (round robin, {@code SERVERID} cookie, checks, retries and
 * redispatch) and {@code stream} (the track id of {@code /hls/<track>/...} hashed to a streamer). With
 * {@code veza.sample.demo-backends} it also starts the instances the file lists, on loopback.
 */
@SpringBootApplication
public class SampleGateway {
  /** Spring creates it. */
  public SampleGateway() {}

  /**
   * Runs the sample gateway (port 8080 unless {@code --server.port=...}).
   *
   * @param args Spring Boot arguments, e.g. {@code --veza.sample.demo-backends=false}
   */
  public static void main(String[] args) {
    run(args);
  }

  /**
   * Starts the sample with its own {@code sample/application.yml}.
   *
   * @param args Spring Boot arguments
   * @return the running application
   */
  public static ConfigurableApplicationContext run(String... args) {
    return new SpringApplicationBuilder(SampleGateway.class)
        .properties("spring.config.location=classpath:/sample/")
        .run(args);
  }

  @Bean
  @ConditionalOnProperty("veza.sample.demo-backends")
  DemoBackends demoBackends(Environment environment) {
    return new DemoBackends(environment);
  }
}
