package io.veza.routing.bench;

import io.veza.routing.Balance;
import io.veza.routing.BackendPool;
import io.veza.routing.CookiePersistence;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.ObserveMode;
import java.net.InetSocketAddress;

/** The two pools of the Veza seed configuration, as the benchmarks build them. */
final class Pools {
  private Pools() {}

  /**
   * {@code backend-api}: round robin, {@code cookie SERVERID insert indirect nocache}, server {@code i} with
   * cookie value {@code api<i>}, HAProxy default checks (inter 2 s, rise 2, fall 3) and {@code observe layer7}.
   */
  static BackendPool api(int n) {
    BackendPool.Builder b = BackendPool.builder("backend-api")
        .balance(Balance.roundRobin())
        .cookie(CookiePersistence.parse("cookie SERVERID insert indirect nocache").build())
        .defaultHealthPolicy(HealthPolicy.builder().observe(ObserveMode.LAYER7).build());
    for (int i = 0; i < n; i++) {
      String cookie = "api" + i;
      b.server("api" + i, InetSocketAddress.createUnresolved("10.0.1." + i, 8080), s -> s.cookie(cookie));
    }
    return b.build();
  }

  /** {@code backend-stream}: {@code balance uri} (XXH3 of the URI, jump hash over the servers), no cookie. */
  static BackendPool stream(int n) {
    BackendPool.Builder b = BackendPool.builder("backend-stream").balance(Balance.uri());
    for (int i = 0; i < n; i++) {
      b.server("stream" + i, InetSocketAddress.createUnresolved("10.0.2." + i, 8080));
    }
    return b.build();
  }
}
