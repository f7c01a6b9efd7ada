package io.veza.routing;

import java.lang.reflect.Field;

/** Test access to a pool's current routing table (a private volatile field: read it as routing does). */
final class Tables {
  private static final Field TABLE;

  static {
    try {
      TABLE = BackendPool.class.getDeclaredField("table");
      TABLE.setAccessible(true);
    } catch (NoSuchFieldException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private Tables() {}

  static RoutingTable of(BackendPool pool) {
    try {
      return (RoutingTable) TABLE.get(pool);
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    }
  }

  /** The id of the server at every slot up to {@code slots} (null for a hole). */
  static String[] slotIds(BackendPool pool, int slots) {
    RoutingTable t = of(pool);
    String[] out = new String[slots];
    for (int s = 0; s < slots; s++) {
      Server server = t.server(s);
      out[s] = server == null ? null : server.id();
    }
    return out;
  }
}
