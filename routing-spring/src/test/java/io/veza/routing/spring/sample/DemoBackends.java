package io.veza.routing.spring.sample;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.client.discovery.simple.InstanceProperties;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Stand-ins for the backends of the sample: every loopback instance of the static discovery list becomes a small
 * Reactor Netty server named after its instance id. {@code GET /api/v1/health} answers 200, {@code /api/**} and
 * {@code /hls/**} answer the server's id (also in {@code X-Served-By}), and {@code /ws} is a WebSocket that answers
 * each {@code msg <id> <payload>} with {@code ack <id> server=<server> seq=<n>}. They start before the pools read
 * their membership.
 */
final class DemoBackends implements SmartLifecycle {
  private final Environment environment;
  private final List<DisposableServer> servers = new ArrayList<>();

  DemoBackends(Environment environment) {
    this.environment = environment;
  }

  @Override
  public synchronized void start() {
    Map<String, List<InstanceProperties>> instances = Binder.get(environment)
        .bind("spring.cloud.discovery.client.simple", SimpleDiscoveryProperties.class)
        .map(SimpleDiscoveryProperties::getInstances).orElse(Map.of());
    instances.values().forEach(list -> list.forEach(this::serve));
  }

  private void serve(InstanceProperties instance) {
    URI uri = instance.getUri();
    if (uri == null || !"127.0.0.1".equals(uri.getHost())) {
      return;
    }
    String id = instance.getInstanceId() == null ? uri.getHost() + ":" + uri.getPort() : instance.getInstanceId();
    servers.add(HttpServer.create().host("127.0.0.1").port(uri.getPort())
        .route(routes -> routes
            .get("/api/v1/health", (req, res) -> res.sendString(Mono.just("UP\n")))
            .ws("/ws", (in, out) -> {
              AtomicLong seq = new AtomicLong();
              return out.sendString(in.receive().asString().map(text -> {
                String[] parts = text.split(" ", 3); // msg <id> <payload>
                String messageId = parts.length > 1 ? parts[1] : "?";
                return "ack " + messageId + " server=" + id + " seq=" + seq.incrementAndGet();
              }));
            })
            .route(req -> true, (req, res) -> res.header("X-Served-By", id).header("Content-Type", "text/plain")
                .sendString(Mono.just(id + " " + req.uri() + "\n"))))
        .bindNow(Duration.ofSeconds(10)));
  }

  @Override
  public synchronized void stop() {
    servers.forEach(DisposableServer::disposeNow);
    servers.clear();
  }

  @Override
  public synchronized boolean isRunning() {
    return !servers.isEmpty();
  }

  /** Before {@code VezaPools} (phase 0) reads the membership and starts checking. */
  @Override
  public int getPhase() {
    return -100;
  }
}
