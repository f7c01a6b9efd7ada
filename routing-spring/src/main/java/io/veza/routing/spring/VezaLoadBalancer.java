package io.veza.routing.spring;

import io.veza.routing.RouteDecision;
import io.veza.routing.Server;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import reactor.core.publisher.Mono;

/**
 * Spring Cloud LoadBalancer's choice for one service, made by its {@link io.veza.routing.BackendPool}: persistence
 * cookie, hash or round robin, health, slow start and drain as HAProxy does. The gateway's
 * {@code ReactiveLoadBalancerClientFilter} calls it with the request's method, URL, headers and cookies; any other
 * caller ({@code @LoadBalanced WebClient}) gets the same choice, without the cookie phases that only the gateway
 * filter applies.
 */
final class VezaLoadBalancer implements ReactorServiceInstanceLoadBalancer {
  private final ServicePool service;

  VezaLoadBalancer(ServicePool service) {
    this.service = service;
  }

  @Override
  @SuppressWarnings("rawtypes")
  public Mono<Response<ServiceInstance>> choose(Request request) {
    RouteDecision decision = service.pool.route(SpringRequestView.of(request == null ? null : request.getContext()));
    Server server = decision.server();
    if (server == null) {
      return Mono.just(new EmptyResponse()); // the gateway answers 503
    }
    return Mono.just(new VezaResponse(service, decision, service.instance(server)));
  }

  @Override
  public String toString() {
    return "VezaLoadBalancer{" + service.serviceId + "}";
  }
}
