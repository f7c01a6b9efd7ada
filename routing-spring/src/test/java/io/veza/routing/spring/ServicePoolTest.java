package io.veza.routing.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veza.routing.BackendPool;
import io.veza.routing.Server;
import io.veza.routing.health.OperationalState;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/** Membership from Spring's service instances into the live pool, and the pool's configuration errors. */
class ServicePoolTest {
  static final HttpClient CLIENT = HttpClient.newHttpClient();
  final List<ServicePool> pools = new ArrayList<>();

  @AfterEach
  void close() {
    pools.forEach(ServicePool::close);
  }

  ServicePool pool(VezaRoutingProperties.Service props) {
    ServicePool p = ServicePool.create("api", props, CLIENT);
    pools.add(p);
    return p;
  }

  static VezaRoutingProperties.Service cookiePool() {
    VezaRoutingProperties.Service s = new VezaRoutingProperties.Service();
    s.setCookie("SERVERID insert indirect nocache");
    return s;
  }

  static ServiceInstance instance(String id, int port, Map<String, String> metadata) {
    return new DefaultServiceInstance(id, "api", "127.0.0.1", port, false, metadata);
  }

  @Test
  void serversThatStayKeepTheirHealthAndTheirPinsAcrossUpdates() {
    ServicePool service = pool(cookiePool());
    BackendPool pool = service.pool;
    service.apply(List.of(instance("a", 8001, Map.of()), instance("b", 8002, Map.of(VezaPools.METADATA_COOKIE, "bb"))));
    Server a = pool.server("a").orElseThrow();
    Server b = pool.server("b").orElseThrow();
    assertThat(a.cookieValue()).as("default cookie: the instance id").isEqualTo("a");
    assertThat(b.cookieValue()).isEqualTo("bb");
    pool.setHealth("b", OperationalState.DOWN);

    // c joins, b's weight changes: a and b are the same servers, b still DOWN
    service.apply(List.of(instance("a", 8001, Map.of()),
        instance("b", 8002, Map.of(VezaPools.METADATA_COOKIE, "bb", VezaPools.METADATA_WEIGHT, "5")),
        instance("c", 8003, Map.of())));
    assertThat(pool.server("a").orElseThrow()).isSameAs(a);
    assertThat(pool.server("b").orElseThrow()).isSameAs(b);
    assertThat(b.status().operational()).isEqualTo(OperationalState.DOWN);
    assertThat(b.health().state().weight()).isEqualTo(5);
    assertThat(pool.size()).isEqualTo(3);

    // b leaves: its cookie stops matching, a is untouched
    service.apply(List.of(instance("a", 8001, Map.of()), instance("c", 8003, Map.of())));
    assertThat(pool.server("b")).isEmpty();
    assertThat(b.isMember()).isFalse();
    assertThat(pool.server("a").orElseThrow()).isSameAs(a);
  }

  @Test
  void metadataBecomesServerOptionsAndBadValuesFallBackToDefaults() {
    ServicePool service = pool(cookiePool());
    service.apply(List.of(
        instance("a", 8001, Map.of(VezaPools.METADATA_ID, "7", VezaPools.METADATA_WEIGHT, "20",
            VezaPools.METADATA_BACKUP, "true", VezaPools.METADATA_CHECK, "false")),
        instance("b", 8002, Map.of(VezaPools.METADATA_ID, "x", VezaPools.METADATA_WEIGHT, "999",
            VezaPools.METADATA_COOKIE, "no spaces"))));
    Server a = service.pool.server("a").orElseThrow();
    assertThat(a.persistentId()).isEqualTo(7);
    assertThat(a.slot()).isEqualTo(6);
    assertThat(a.weight()).isEqualTo(20);
    assertThat(a.backup()).isTrue();
    assertThat(a.checked()).isFalse();
    Server b = service.pool.server("b").orElseThrow();
    assertThat(b.persistentId()).isZero();
    assertThat(b.weight()).isEqualTo(1);
    assertThat(b.cookieValue()).as("an invalid cookie value falls back to the instance id").isEqualTo("b");
  }

  @Test
  void instancesThatCannotBeServersAreSkippedAndTheRestApplied() {
    ServicePool service = pool(cookiePool());
    service.apply(List.of(
        new DefaultServiceInstance(null, "api", "127.0.0.1", 8001, false), // no id: host:port
        instance("dup", 8002, Map.of(VezaPools.METADATA_ID, "3")),
        instance("dup", 8003, Map.of()), // duplicate id
        instance("other", 8004, Map.of(VezaPools.METADATA_ID, "3")), // duplicate persistent id
        instance("bad/id", 8005, Map.of()),
        new DefaultServiceInstance("nohost", "api", "", 8006, false)));
    assertThat(service.pool.servers()).extracting(Server::id).containsExactlyInAnyOrder("127.0.0.1:8001", "dup");
    assertThat(service.pool.server("dup").orElseThrow().address().getPort()).isEqualTo(8002);
  }

  @Test
  void theMembershipFollowsTheSupplierAndSurvivesItsErrors() throws InterruptedException {
    VezaRoutingProperties.Service props = cookiePool();
    props.setRefresh(Duration.ofMillis(10));
    ServicePool service = pool(props);
    Sinks.Many<List<ServiceInstance>> lists = Sinks.many().replay().latest();
    ServiceInstanceListSupplier supplier = new ServiceInstanceListSupplier() {
      @Override
      public String getServiceId() {
        return "api";
      }

      @Override
      public Flux<List<ServiceInstance>> get() {
        return lists.asFlux();
      }
    };
    lists.tryEmitNext(List.of(instance("a", 8001, Map.of())));
    service.startMembership(supplier);
    assertThat(service.awaitFirstMembership(Duration.ofSeconds(5))).isTrue();
    assertThat(service.pool.servers()).extracting(Server::id).containsExactly("a");

    lists.tryEmitNext(List.of(instance("a", 8001, Map.of()), instance("b", 8002, Map.of())));
    awaitMembers(service.pool, 2);
    lists.tryEmitError(new IllegalStateException("discovery is down"));
    Thread.sleep(50); // errors resubscribe every refresh; the membership stays
    assertThat(service.pool.servers()).extracting(Server::id).containsExactly("a", "b");
  }

  static void awaitMembers(BackendPool pool, int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (pool.size() != n) {
      assertThat(System.nanoTime()).as("members").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void configurationErrorsNameThePropertyAndTheValue() {
    VezaRoutingProperties.Service cookie = new VezaRoutingProperties.Service();
    cookie.setCookie("SERVERID insert bogus");
    assertThatThrownBy(() -> pool(cookie)).hasMessageContaining("veza.routing.services.api.cookie")
        .hasMessageContaining("bogus");

    VezaRoutingProperties.Service balance = new VezaRoutingProperties.Service();
    balance.setBalance("leastconn");
    assertThatThrownBy(() -> pool(balance)).hasMessageContaining("veza.routing.services.api.balance")
        .hasMessageContaining("leastconn");

    VezaRoutingProperties.Service check = new VezaRoutingProperties.Service();
    check.setCheck("inter 2s rise 0");
    assertThatThrownBy(() -> pool(check)).hasMessageContaining("veza.routing.services.api.check")
        .hasMessageContaining("rise");

    VezaRoutingProperties.Service path = new VezaRoutingProperties.Service();
    path.setCheck("inter 2s");
    path.setCheckPath("health");
    assertThatThrownBy(() -> pool(path)).hasMessageContaining("veza.routing.services.api.check-path")
        .hasMessageContaining("'health'");

    VezaRoutingProperties.Service retries = new VezaRoutingProperties.Service();
    retries.setRetries(-1);
    assertThatThrownBy(() -> pool(retries)).hasMessageContaining("veza.routing.services.api")
        .hasMessageContaining("-1");
  }
}
