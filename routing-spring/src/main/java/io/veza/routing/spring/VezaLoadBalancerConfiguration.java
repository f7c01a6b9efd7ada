package io.veza.routing.spring;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.loadbalancer.core.ReactorLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Registered in every Spring Cloud LoadBalancer client context (a {@code default.} specification): in the context
 * of a service configured under {@code veza.routing.services}, the service's load balancer is its pool. A
 * load balancer that the application configures for that service ({@code @LoadBalancerClient(configuration=...)})
 * wins; services that Veza does not configure keep Spring's default.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(VezaLoadBalancerConfiguration.ConfiguredService.class)
class VezaLoadBalancerConfiguration {

  @Bean
  @ConditionalOnMissingBean(ReactorLoadBalancer.class)
  ReactorServiceInstanceLoadBalancer vezaLoadBalancer(Environment environment, VezaPools pools) {
    String serviceId = LoadBalancerClientFactory.getName(environment);
    ServicePool service = pools.service(serviceId);
    if (service == null) {
      throw new IllegalStateException("no Veza pool for service " + serviceId);
    }
    return new VezaLoadBalancer(service);
  }

  /** Whether this client context's service is under {@code veza.routing.services} (and Veza is enabled). */
  static final class ConfiguredService implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      Environment env = context.getEnvironment();
      String serviceId = LoadBalancerClientFactory.getName(env);
      if (serviceId == null) {
        return false;
      }
      Binder binder = Binder.get(env);
      boolean enabled = binder.bind(VezaRoutingProperties.PREFIX + ".enabled", Boolean.class).orElse(true);
      return enabled && binder.bind(VezaRoutingProperties.PREFIX + ".services", Bindable.mapOf(String.class,
          VezaRoutingProperties.Service.class)).map(m -> m.containsKey(serviceId)).orElse(false);
    }
  }
}
