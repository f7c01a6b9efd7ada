package io.veza.routing.spring;

import io.veza.routing.RouteDecision;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;

/**
 * What {@link VezaLoadBalancer} answers: the chosen instance, plus the pool's decision that the request and response
 * phases need (the gateway keeps the response in the exchange's {@code GATEWAY_LOADBALANCER_RESPONSE_ATTR}).
 */
final class VezaResponse extends DefaultResponse {
  private final ServicePool service;
  private final RouteDecision decision;

  VezaResponse(ServicePool service, RouteDecision decision, ServiceInstance instance) {
    super(instance);
    this.service = service;
    this.decision = decision;
  }

  ServicePool service() {
    return service;
  }

  RouteDecision decision() {
    return decision;
  }

  @Override
  public String toString() {
    return "VezaResponse{" + service.serviceId + ", " + decision + "}";
  }
}
