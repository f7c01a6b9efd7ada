package io.veza.routing.it.modulepath;

import io.veza.routing.BackendPool;
import io.veza.routing.Server;
import io.veza.routing.hash.KeyHasher;
import io.veza.routing.hash.KeyHashers;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.ServerStatus;
import java.util.List;

/**
 * What an application's status page prints about a pool. It uses types of all three library modules and the JDK
 * collections the library returns, so it compiles only if {@code requires io.veza.routing} alone makes each of them
 * readable: the module-path check of the library's public signatures, at compile time.
 */
public final class PoolSummary {
  private PoolSummary() {}

  /**
   * One line per server after a header line with the cookie settings.
   *
   * @param pool the pool
   * @return the lines
   */
  public static List<String> of(BackendPool pool) {
    String cookie = pool.cookie()
        .map(c -> "cookie " + c.name() + " " + c.mode() + " domains=" + c.domains().size() + " attrs=" + c.attrs().size())
        .orElse("no cookie");
    KeyHasher hasher = KeyHashers.xxh3();
    List<String> servers = pool.servers().stream().map(s -> line(s, hasher)).toList();
    return java.util.stream.Stream.concat(java.util.stream.Stream.of(pool.name() + ": " + cookie), servers.stream())
        .toList();
  }

  private static String line(Server server, KeyHasher hasher) {
    HealthPolicy policy = server.healthPolicy();
    ServerStatus status = server.status();
    return server.id() + " " + status.operational() + " weight=" + status.weight() + " inter="
        + policy.inter().toMillis() + "ms rise=" + policy.rise() + " fall=" + policy.fall() + " idhash="
        + Long.toHexString(hasher.hash(server.id()));
  }
}
