package io.veza.routing;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.veza.routing.health.Ticker;
import java.time.Duration;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * HAProxy's {@code stick-table type string size N expire T} with {@code stick on <key>}: remembers which server
 * served a key (a WebSocket token, a source address, a user id...) so that clients without cookies keep their
 * server. Built on a Caffeine cache bounded to {@code maxSize} entries (W-TinyLFU eviction, where HAProxy evicts
 * the oldest) that expire {@code expireAfterIdle} after their last use (match or store), timed by the pool's
 * ticker. An entry naming a server that left the pool is ignored and replaced. Thread-safe; a lookup allocates the
 * key string unless the key function already returns a {@code String}.
 *
 * <p>Caffeine is an optional dependency of this module: only pools that use {@code stickOn} load this class.
 */
final class StickTable {
  private final Function<? super RequestView, ? extends @Nullable CharSequence> keyFunction;
  private final Cache<String, Server> entries;

  StickTable(Function<? super RequestView, ? extends @Nullable CharSequence> keyFunction, long maxSize,
             Duration expireAfterIdle, Ticker ticker) {
    this.keyFunction = keyFunction;
    this.entries = Caffeine.newBuilder()
        .maximumSize(maxSize)
        .expireAfterAccess(expireAfterIdle)
        .ticker(ticker::read)
        .executor(Runnable::run)
        .build();
  }

  /** Whether Caffeine is on the class or module path. */
  static boolean available() {
    try {
      Class.forName("com.github.benmanes.caffeine.cache.Caffeine", false, StickTable.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** The request's key as a string, or null when absent; never throws. */
  @Nullable String key(RequestView request) {
    try {
      CharSequence key = keyFunction.apply(request);
      return key == null ? null : key.toString();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The server stored for {@code key}, refreshing its idle time, or null (also when it left the pool). */
  @Nullable Server lookup(String key) {
    Server s = entries.getIfPresent(key);
    return s == null || !s.isMember() ? null : s;
  }

  /** Stores (or replaces) the server for {@code key}. */
  void store(String key, Server server) {
    entries.put(key, server);
  }

  long size() {
    entries.cleanUp();
    return entries.estimatedSize();
  }
}
