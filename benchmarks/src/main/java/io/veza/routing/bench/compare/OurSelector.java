package io.veza.routing.bench.compare;

import io.veza.routing.hash.JumpSelector;
import java.util.List;

/**
 * Veza Routing's health-aware selection ({@link JumpSelector}: jump hash with re-jumps for unusable slots)
 * behind the report's {@link Router} interface. Its lookup structure is not known to the report analytically
 * ({@link #lookupBytes()} is -1); the report measures it by walking the object graph.
 */
final class OurSelector implements Router {

  private final JumpSelector selector;

  private OurSelector(JumpSelector selector) {
    this.selector = selector;
  }

  static List<Router.Factory> factories() {
    return List.of(new Router.Factory() {
      @Override
      public String id() {
        return "veza";
      }

      @Override
      public String name() {
        return "veza JumpSelector";
      }

      @Override
      public Router build(int n, boolean[] down) {
        Servers.up(down); // same precondition as the other algorithms: at least one server up
        JumpSelector.Builder builder = JumpSelector.builder(n);
        for (int i = 0; i < n; i++) {
          if (down[i]) {
            builder.usable(i, false);
          }
        }
        return new OurSelector(builder.build());
      }
    });
  }

  @Override
  public int lookup(long keyHash) {
    return selector.select(keyHash);
  }

  @Override
  public long lookupBytes() {
    return -1;
  }
}
