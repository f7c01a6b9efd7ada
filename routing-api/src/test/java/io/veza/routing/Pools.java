package io.veza.routing;

import io.veza.routing.health.AdminState;
import io.veza.routing.health.HealthTracker;
import java.net.InetSocketAddress;

/** Test helpers to drive servers into states. */
final class Pools {
  enum State { UP, DOWN, DRAIN, MAINT, WEIGHT_0 }

  private Pools() {}

  static InetSocketAddress addr(int i) {
    return InetSocketAddress.createUnresolved("10.0.0." + (i + 1), 8080);
  }

  /** Default policy: a server starts UP with h = rise, so one failed check takes it DOWN. */
  static void apply(HealthTracker t, int server, State state) {
    switch (state) {
      case DOWN -> t.recordCheck(server, false);
      case DRAIN -> t.setAdminState(server, AdminState.DRAIN);
      case MAINT -> t.setAdminState(server, AdminState.MAINT);
      case WEIGHT_0 -> t.setWeight(server, 0);
      default -> { }
    }
  }
}
