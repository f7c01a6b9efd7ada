package io.veza.routing.bench.compare;

/**
 * One built lookup structure of a consistent-routing algorithm: maps a 64-bit key hash to a server index.
 *
 * <p>A router is built from a server count {@code n} and the set of servers that are down; it must
 * return only servers that are up. Implementations are immutable after construction and thread-safe.
 */
public interface Router {

  /**
   * The server for a key hash.
   *
   * @param keyHash a 64-bit hash of the routing key (uniformly distributed)
   * @return a server index in {@code [0, n)} that is not in the down set
   */
  int lookup(long keyHash);

  /**
   * Bytes of the lookup structure, computed analytically from the array lengths this router holds
   * (16-byte array headers, 12-byte object headers, 8-byte alignment: a 64-bit JVM with compressed oops).
   */
  long lookupBytes();

  /** Builds routers of one algorithm. */
  interface Factory {

    /** A short identifier for command lines and JMH parameters, e.g. {@code "maglev"}. */
    String id();

    /** A descriptive name for tables, e.g. {@code "maglev (M=65537)"}. */
    String name();

    /**
     * Builds a router.
     *
     * @param n number of configured servers, {@code >= 1}
     * @param down {@code down[i]} is true when server {@code i} must not be returned; length {@code n};
     *     at least one server is up
     */
    Router build(int n, boolean[] down);
  }
}
