package io.veza.routing;

import io.veza.routing.RouteDecision.Reason;
import java.util.List;
import java.util.Map;

/**
 * A pool's statistics at one instant ({@link BackendPool#stats()}): decisions per reason, and every server's row.
 *
 * @param name the pool name ({@code pxname})
 * @param decisions routing decisions per reason, {@link Reason#NO_SERVER} included
 * @param servers the members in slot order
 */
public record PoolStats(String name, Map<Reason, Long> decisions, List<ServerStats> servers) {

  /**
   * Copies.
   *
   * @param name pool name
   * @param decisions per reason
   * @param servers rows
   */
  public PoolStats {
    decisions = Map.copyOf(decisions);
    servers = List.copyOf(servers);
  }

  /**
   * The number of active servers that are UP (not backup).
   *
   * @return the count
   */
  public int activeUp() {
    int n = 0;
    for (ServerStats s : servers) {
      if (!s.backup() && s.status().isBalanceable()) {
        n++;
      }
    }
    return n;
  }

  /**
   * The number of backup servers that are UP.
   *
   * @return the count
   */
  public int backupUp() {
    int n = 0;
    for (ServerStats s : servers) {
      if (s.backup() && s.status().isBalanceable()) {
        n++;
      }
    }
    return n;
  }
}
