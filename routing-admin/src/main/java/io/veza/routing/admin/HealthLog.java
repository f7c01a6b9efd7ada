package io.veza.routing.admin;

import io.veza.routing.BackendPool;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Logs a pool's health transitions in HAProxy's words (src/server.c {@code srv_update_status} and
 * {@code srv_append_status}), through {@link System.Logger} by default, for example:
 *
 * <pre>
 * Server backend-api/backend-api-1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.
 * Server backend-api/backend-api-1 is UP, reason: Layer4 check passed, check duration: 1ms. 2 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.
 * Server backend-api/backend-api-1 is going DOWN for maintenance. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.
 * Server backend-api/backend-api-1 is UP/READY (leaving forced maintenance).
 * Server backend-api/backend-api-1 enters drain state. 1 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.
 * Server backend-api/backend-api-1 is UP (leaving forced drain).
 * Server backend-api/backend-api-1 is DOWN, changed from CLI. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.
 * backend backend-api has no server available!
 * </pre>
 *
 * A backup server's lines start with {@code Backup Server}; " Running on backup." follows the counts when only
 * backups are usable. The counts are those right after the transition (the log listener follows the events in
 * order and keeps its own view of the pool), "sessions active" is the number of sessions registered on the server
 * when the line is written, and there is no queue (0 requeued, 0 in queue). Levels: a server going DOWN is
 * {@code WARNING} (HAProxy's {@code alert}; {@code INFO} when it was already draining or stopping), "no server
 * available" is {@code ERROR} (HAProxy's {@code emerg}), the rest {@code INFO} (HAProxy's {@code notice}). The logger
 * is named {@code io.veza.routing.admin.HealthLog}.
 *
 * <p>The listener runs on the pool's listener executor, never on a routing or checking thread, so logging never
 * delays routing or health transitions.
 */
public final class HealthLog implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(HealthLog.class.getName());

  private final PoolMonitor monitor;

  private HealthLog(PoolMonitor monitor) {
    this.monitor = monitor;
  }

  /**
   * Starts logging {@code pool}'s transitions through {@link System.Logger}.
   *
   * @param pool the pool
   * @return the log, to {@link #close()} when no longer wanted
   */
  public static HealthLog install(BackendPool pool) {
    return install(pool, (level, line) -> LOG.log(level, line));
  }

  /**
   * Starts writing {@code pool}'s transitions to {@code sink} (level and line, without a trailing newline).
   *
   * @param pool the pool
   * @param sink where lines go; called on the pool's listener executor, one line at a time, in order
   * @return the log, to {@link #close()} when no longer wanted
   */
  public static HealthLog install(BackendPool pool, BiConsumer<System.Logger.Level, String> sink) {
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(sink, "sink");
    return new HealthLog(new PoolMonitor(pool, sink).install());
  }

  /** Stops logging. */
  @Override
  public void close() {
    monitor.uninstall();
  }
}
