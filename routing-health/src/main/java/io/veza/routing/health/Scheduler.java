package io.veza.routing.health;

import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task after a delay: what the library uses for work that must happen on time without a caller (each
 * slow-start step). Injected like the {@link Ticker}, so tests advance time by hand and run due tasks themselves.
 *
 * <p>A task runs at most once, on a thread of the scheduler's choosing, never before its delay has elapsed as
 * measured by the scheduler's own clock. Tasks must be short and must not block. Implementations are thread-safe.
 */
@FunctionalInterface
public interface Scheduler {

  /**
   * Schedules {@code task} to run once after {@code delay}.
   *
   * @param task what to run
   * @param delay how long to wait, {@code >= 0}
   * @param unit the unit of {@code delay}
   * @return a future whose {@link Future#cancel(boolean)} prevents the task from running if it has not started
   */
  Future<?> schedule(Runnable task, long delay, TimeUnit unit);

  /**
   * The shared system scheduler: one daemon thread ({@code veza-routing-scheduler}) for the whole JVM, created on
   * first use. Its lag behind the requested time is the JDK timer's (typically well under a millisecond on an idle
   * machine).
   *
   * @return the shared scheduler
   */
  static Scheduler systemScheduler() {
    return SystemScheduler.INSTANCE;
  }

  /**
   * A scheduler that delegates to {@code executor}; the library never shuts the executor down.
   *
   * @param executor a scheduled executor service owned by the caller
   * @return a scheduler backed by it
   */
  static Scheduler of(ScheduledExecutorService executor) {
    Objects.requireNonNull(executor, "executor");
    return executor::schedule;
  }
}

/** One daemon thread for the JVM, removing cancelled tasks at once so that cancelled ramps do not pile up. */
final class SystemScheduler {
  static final Scheduler INSTANCE;

  static {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "veza-routing-scheduler");
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    INSTANCE = executor::schedule;
  }

  private SystemScheduler() {}
}
