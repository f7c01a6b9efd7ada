package io.veza.routing.spring;

import java.net.URI;
import java.util.Map;
import org.springframework.cloud.client.ServiceInstance;

/** A pool member as Spring Cloud sees it: the server's id and current address, discovery's TLS flag and metadata. */
final class VezaServiceInstance implements ServiceInstance {
  private final String serviceId;
  private final String instanceId;
  private final String host;
  private final int port;
  private final boolean secure;
  private final Map<String, String> metadata;

  VezaServiceInstance(String serviceId, String instanceId, String host, int port, boolean secure,
                      Map<String, String> metadata) {
    this.serviceId = serviceId;
    this.instanceId = instanceId;
    this.host = host;
    this.port = port;
    this.secure = secure;
    this.metadata = metadata;
  }

  @Override
  public String getInstanceId() {
    return instanceId;
  }

  @Override
  public String getServiceId() {
    return serviceId;
  }

  @Override
  public String getHost() {
    return host;
  }

  @Override
  public int getPort() {
    return port;
  }

  @Override
  public boolean isSecure() {
    return secure;
  }

  @Override
  public URI getUri() {
    return ServiceInstance.createUri(this);
  }

  @Override
  public Map<String, String> getMetadata() {
    return metadata;
  }

  @Override
  public String toString() {
    return "VezaServiceInstance{" + serviceId + "/" + instanceId + " " + host + ":" + port + (secure ? " TLS" : "")
        + "}";
  }
}
