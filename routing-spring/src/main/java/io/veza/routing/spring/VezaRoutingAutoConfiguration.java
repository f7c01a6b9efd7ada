package io.veza.routing.spring;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClientSpecification;
import org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import org.springframework.web.reactive.socket.server.WebSocketService;

/**
 * Plugs one Veza {@link io.veza.routing.BackendPool} per service of {@code veza.routing.services} into Spring Cloud
 * Gateway:
 *
 * <ul>
 *   <li>{@link VezaPools}: the pools, their membership (from each service's {@code ServiceInstanceListSupplier})
 *       and their active checks;
 *   <li>a Spring Cloud LoadBalancer client specification whose {@code ReactorServiceInstanceLoadBalancer} is the
 *       service's pool, so that {@code lb://<service>} routes are routed by the pool;
 *   <li>a global filter right after the gateway's load-balancer filter: cookie request and response phases,
 *       retries and redispatch of failed connects, passive health;
 *   <li>decorators of the gateway's WebSocket service and client: WebSocket backends are retried, observed, and
 *       registered as sessions (closed on DOWN with {@code on-marked-down shutdown-sessions}).
 * </ul>
 */
@AutoConfiguration(after = LoadBalancerAutoConfiguration.class)
@ConditionalOnClass({GlobalFilter.class, ReactorServiceInstanceLoadBalancer.class})
@ConditionalOnProperty(prefix = VezaRoutingProperties.PREFIX, name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(VezaRoutingProperties.class)
public class VezaRoutingAutoConfiguration {
  /** Created by Spring Boot's auto-configuration. */
  public VezaRoutingAutoConfiguration() {}

  /**
   * The pools.
   *
   * @param properties {@code veza.routing}
   * @param clients Spring Cloud LoadBalancer's client factory, when present
   * @return the pools
   */
  @Bean
  @ConditionalOnMissingBean
  public VezaPools vezaPools(VezaRoutingProperties properties, ObjectProvider<LoadBalancerClientFactory> clients) {
    return new VezaPools(properties, clients.getIfAvailable());
  }

  /**
   * Adds {@link VezaLoadBalancerConfiguration} to every Spring Cloud LoadBalancer client context; it acts only in
   * those of configured services.
   *
   * @return the specification
   */
  @Bean
  public LoadBalancerClientSpecification vezaLoadBalancerClientSpecification() {
    return new LoadBalancerClientSpecification("default." + VezaLoadBalancerConfiguration.class.getName(),
        new Class<?>[] {VezaLoadBalancerConfiguration.class});
  }

  /**
   * The request and response phases of requests routed by a pool.
   *
   * @return the filter
   */
  @Bean
  public GlobalFilter vezaRoutingFilter() {
    return new VezaRoutingFilter();
  }

  /**
   * Wraps the gateway's WebSocket service and client (see {@link VezaWebSocketService}, {@link VezaWebSocketClient});
   * they behave as before for WebSockets that no pool routed.
   *
   * @return the post-processor
   */
  @Bean
  public static BeanPostProcessor vezaWebSocketDecorators() {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof ReactorNettyWebSocketClient client && !(bean instanceof VezaWebSocketClient)) {
          return new VezaWebSocketClient(client);
        }
        if (bean instanceof WebSocketService service && !(bean instanceof VezaWebSocketService)) {
          return new VezaWebSocketService(service);
        }
        return bean;
      }
    };
  }
}
