package io.veza.routing.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Runs active health checks for the servers of a {@link HealthTracker} and records the results
 * ({@link TrackedServer#recordCheck(CheckResult)}), like HAProxy's check tasks. It follows the tracker's membership:
 * a server that joins is checked at once, one that leaves is no longer checked.
 *
 * <ul>
 *   <li><b>Interval</b>: the next check of a server starts {@link TrackedServer#checkInterval()} after the previous
 *       one ended (HAProxy {@code inter} / {@code fastinter} / {@code downinter}), plus a uniform jitter of
 *       ± {@code spread-checks} percent of that interval.
 *   <li><b>Staggered start</b>: with m servers checked at {@link #start()} and I the largest initial interval, the
 *       k-th (k = 0..m-1) runs its first check after {@code k*I/m} (HAProxy {@code start_checks}). A server that
 *       joins later is checked immediately.
 *   <li><b>Timeout</b>: a probe that has not completed after the policy's {@code checkTimeout} (HAProxy
 *       {@code timeout check}) is a failed check ({@link Probe#timeoutStatus()}) and is cancelled; a probe that
 *       throws, returns null or completes exceptionally is a failed check too. Nothing a probe does can stop the
 *       scheduling.
 *   <li><b>MAINT</b>: no probe runs while a server is in maintenance; leaving maintenance checks it immediately.
 *       An {@code on-error} action advances the next check to {@code fastinter} if that is sooner.
 * </ul>
 *
 * <p>Delays are real executor delays. With no executor given, the checker owns a daemon
 * {@link ScheduledThreadPoolExecutor} (threads named {@code veza-health-check-N}) that {@link #close()} shuts down
 * and waits for; a user-supplied executor is never shut down, only this checker's tasks are cancelled. Probes
 * should be non-blocking: they are started on the executor's threads. Listeners never run on these threads.
 * Thread-safe.
 */
public final class ActiveChecker implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ActiveChecker.class.getName());
  private static final AtomicInteger THREAD_IDS = new AtomicInteger();
  /** Prefix of the names of the threads an ActiveChecker owns. */
  public static final String THREAD_NAME_PREFIX = "veza-health-check-";

  private final HealthTracker tracker;
  private final Probe probe;
  private final Predicate<TrackedServer> filter;
  private final ScheduledExecutorService executor;
  private final boolean ownsExecutor;
  private final Random random;
  private final Map<TrackedServer, Task> tasks = new ConcurrentHashMap<>();
  private final Consumer<TrackedServer> checkSoonerHook = this::checkSooner;
  private final HealthTracker.MembershipHook membershipHook = new HealthTracker.MembershipHook() {
    @Override
    public void added(TrackedServer server) {
      track(server, 0);
    }

    @Override
    public void removed(TrackedServer server) {
      Task t = tasks.remove(server);
      if (t != null) {
        t.cancel();
      }
    }
  };
  private final AtomicBoolean started = new AtomicBoolean();
  private final List<Thread> ownThreads = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private ActiveChecker(Builder b) {
    this.tracker = b.tracker;
    this.probe = Objects.requireNonNull(b.probe, "probe");
    this.filter = b.filter;
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownsExecutor = false;
    } else {
      ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(b.threads, daemonThreads(ownThreads));
      own.setRemoveOnCancelPolicy(true);
      own.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      this.executor = own;
      this.ownsExecutor = true;
    }
    this.random = b.seed == null ? new Random() : new Random(b.seed);
  }

  /**
   * A builder for checking the servers of {@code tracker}.
   *
   * @param tracker the tracker whose servers to check
   * @return a new builder
   */
  public static Builder builder(HealthTracker tracker) {
    return new Builder(Objects.requireNonNull(tracker, "tracker"));
  }

  /**
   * Starts checking (staggered first checks of the current servers; later ones at once). Idempotent.
   *
   * @return this checker
   * @throws IllegalStateException if closed
   */
  public ActiveChecker start() {
    if (closed) {
      throw new IllegalStateException("checker is closed");
    }
    if (!started.compareAndSet(false, true)) {
      return this;
    }
    tracker.addCheckSoonerHook(checkSoonerHook);
    tracker.addMembershipHook(membershipHook);
    List<TrackedServer> checked = new ArrayList<>();
    long maxInter = 0;
    for (TrackedServer s : tracker.servers()) {
      if (filter.test(s)) {
        checked.add(s);
        maxInter = Math.max(maxInter, s.checkIntervalNanos());
      }
    }
    checked.sort((x, y) -> x.id().compareTo(y.id()));
    int m = checked.size();
    for (int k = 0; k < m; k++) {
      track(checked.get(k), (long) ((double) maxInter * k / m));
    }
    return this;
  }

  /**
   * Whether {@link #close()} was called.
   *
   * @return whether closed
   */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Number of servers this checker checks now.
   *
   * @return the count
   */
  public int checkedCount() {
    return tasks.size();
  }

  /**
   * Stops every check: cancels scheduled and in-flight checks, ignores results that still arrive, and shuts down and
   * awaits the owned executor (a user-supplied executor is left running).
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    tracker.removeCheckSoonerHook(checkSoonerHook);
    tracker.removeMembershipHook(membershipHook);
    for (Task t : tasks.values()) {
      t.cancel();
    }
    tasks.clear();
    if (ownsExecutor) {
      executor.shutdownNow();
      try {
        if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
          LOG.log(System.Logger.Level.WARNING, "health-check threads did not stop within 10 s");
        }
        // a terminated pool's workers may still be exiting: join them so none outlives close()
        for (Thread t : ownThreads) {
          if (t != Thread.currentThread()) {
            t.join(TimeUnit.SECONDS.toMillis(10));
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void track(TrackedServer server, long firstDelayNanos) {
    if (closed || !filter.test(server) || server.isRemoved()) {
      return;
    }
    Task task = new Task(server);
    if (tasks.putIfAbsent(server, task) == null) {
      task.schedule(firstDelayNanos);
      if (server.isRemoved()) { // removed between the test and the put: do not keep checking it
        tasks.remove(server, task);
        task.cancel();
      }
    }
  }

  private static ThreadFactory daemonThreads(List<Thread> created) {
    return r -> {
      Thread t = new Thread(r, THREAD_NAME_PREFIX + THREAD_IDS.incrementAndGet());
      t.setDaemon(true);
      created.add(t);
      return t;
    };
  }

  /** Interval plus uniform jitter in ± spread % (HAProxy {@code spread-checks}). */
  long jittered(TrackedServer server, long intervalNanos) {
    int spread = server.policy().spreadPercent();
    if (spread == 0) {
      return intervalNanos;
    }
    long range = intervalNanos / 100 * spread + intervalNanos % 100 * spread / 100;
    if (range <= 0) {
      return intervalNanos;
    }
    long offset;
    synchronized (random) {
      offset = (long) (random.nextDouble() * (2 * range + 1)) - range;
    }
    return Math.max(0, intervalNanos + offset);
  }

  private void checkSooner(TrackedServer server) {
    Task t = tasks.get(server);
    if (closed || t == null) {
      return;
    }
    long desired = server.fastInterForced() ? server.policy().fastInterNanos() : 0;
    t.advanceTo(desired);
  }

  /** Scheduling state of one server's checks. */
  private final class Task {
    private final TrackedServer server;
    private @Nullable ScheduledFuture<?> next; // guarded by this
    private boolean inFlight; // guarded by this
    private boolean cancelled; // guarded by this
    private long requestedDelay = -1; // a check-now request that arrived in flight, else -1; guarded by this
    private @Nullable CompletableFuture<CheckResult> current; // guarded by this
    private @Nullable ScheduledFuture<?> timeout; // guarded by this

    Task(TrackedServer server) {
      this.server = server;
    }

    synchronized void schedule(long delayNanos) {
      if (closed || cancelled) {
        return;
      }
      if (next != null) {
        next.cancel(false);
      }
      try {
        next = executor.schedule(this::run, delayNanos, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        LOG.log(System.Logger.Level.WARNING, "executor rejected the check of " + server.id(), e);
      }
    }

    /**
     * Brings the next check forward to {@code delayNanos} from now if it is due later. While a check is running the
     * request is kept and applies when that check finishes (leaving MAINT mid-check still checks at once).
     */
    synchronized void advanceTo(long delayNanos) {
      if (closed || cancelled) {
        return;
      }
      if (inFlight) {
        requestedDelay = requestedDelay < 0 ? delayNanos : Math.min(requestedDelay, delayNanos);
        return;
      }
      if (next == null || next.getDelay(TimeUnit.NANOSECONDS) > delayNanos) {
        schedule(delayNanos);
      }
    }

    synchronized void cancel() {
      cancelled = true;
      if (next != null) {
        next.cancel(false);
      }
      if (timeout != null) {
        timeout.cancel(false);
      }
      if (current != null) {
        current.complete(null);
      }
    }

    private void run() {
      CompletableFuture<CheckResult> result = new CompletableFuture<>();
      synchronized (this) {
        if (closed || cancelled) {
          return;
        }
        next = null;
        if (server.inMaintenance()) {
          schedule(jittered(server, server.checkIntervalNanos())); // checks paused
          return;
        }
        inFlight = true;
        current = result;
        long startNanos = server.tracker().ticker().read();
        try {
          timeout = executor.schedule(() -> result.complete(CheckResult.of(probe.timeoutStatus(), 0, "",
              server.tracker().ticker().read() - startNanos)),
              server.policy().checkTimeoutNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
          timeout = null;
        }
      }
      result.whenComplete((r, error) -> finished(result, r));
      CompletionStage<CheckResult> stage;
      try {
        stage = probe.check(server);
      } catch (Throwable t) { // a probe bug is a failed check, never the end of the schedule
        result.complete(CheckResult.of(CheckStatus.PROBE_ERROR, 0, Probes.detail(t), -1));
        return;
      }
      if (stage == null) {
        result.complete(CheckResult.of(CheckStatus.PROBE_ERROR, 0, "probe returned null", -1));
        return;
      }
      stage.whenComplete((r, error) -> result.complete(error != null || r == null
          ? CheckResult.of(CheckStatus.PROBE_ERROR, 0, Probes.detail(error), -1) : r));
      result.whenComplete((r, error) -> {
        if (!stage.toCompletableFuture().isDone()) {
          cancelQuietly(stage);
        }
      });
    }

    private void finished(CompletableFuture<CheckResult> result, @Nullable CheckResult r) {
      synchronized (this) {
        if (current != result) {
          return;
        }
        current = null;
        if (timeout != null) {
          timeout.cancel(false);
          timeout = null;
        }
        if (closed || cancelled || r == null) {
          inFlight = false;
          return;
        }
      }
      // still in flight while the result is recorded, so a check-now request from now on is kept in
      // requestedDelay rather than overwritten by the schedule below
      try {
        server.recordCheck(r);
      } finally {
        synchronized (this) {
          inFlight = false;
          long delay = jittered(server, server.checkIntervalNanos());
          if (requestedDelay >= 0) {
            delay = Math.min(delay, requestedDelay);
            requestedDelay = -1;
          }
          schedule(delay);
        }
      }
    }
  }

  private static void cancelQuietly(CompletionStage<CheckResult> stage) {
    try {
      stage.toCompletableFuture().cancel(true);
    } catch (RuntimeException ignored) {
      // a stage that cannot be converted or cancelled is simply abandoned
    }
  }

  /** Builder of {@link ActiveChecker}; not thread-safe. */
  public static final class Builder {
    private final HealthTracker tracker;
    private @Nullable Probe probe;
    private Predicate<TrackedServer> filter = s -> true;
    private @Nullable ScheduledExecutorService executor;
    private @Nullable Long seed;
    private int threads = 1;

    private Builder(HealthTracker tracker) {
      this.tracker = tracker;
    }

    /**
     * The probe run for every checked server.
     *
     * @param probe what one check of one server does (HTTP request, TCP connect, user function); required
     * @return this builder
     */
    public Builder probe(Probe probe) {
      this.probe = Objects.requireNonNull(probe, "probe");
      return this;
    }

    /**
     * Which servers to check (default all): HAProxy checks only servers with the {@code check} keyword.
     *
     * @param filter true for the servers to check
     * @return this builder
     */
    public Builder filter(Predicate<TrackedServer> filter) {
      this.filter = Objects.requireNonNull(filter, "filter");
      return this;
    }

    /**
     * Runs on the caller's executor, which {@link ActiveChecker#close()} does not shut down.
     *
     * @param executor where checks are scheduled and their results recorded, instead of an executor the checker
     *     creates and owns
     * @return this builder
     */
    public Builder executor(ScheduledExecutorService executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Threads of the owned executor (default 1); ignored with {@link #executor}.
     *
     * @param threads at least 1
     * @return this builder
     * @throws IllegalArgumentException if below 1
     */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be > 0, was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * Seed of the spread jitter, for reproducible schedules.
     *
     * @param seed the seed of the random jitter that {@code spread-checks} adds to each interval; the same seed
     *     gives the same schedule
     * @return this builder
     */
    public Builder random(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Builds a checker that is not started yet.
     *
     * @return a new checker that checks nothing until it is started
     * @throws IllegalArgumentException if no probe was set
     */
    public ActiveChecker build() {
      if (probe == null) {
        throw new IllegalArgumentException("probe must be set, was null");
      }
      return new ActiveChecker(this);
    }

    /**
     * Builds and starts.
     *
     * @return the started checker
     */
    public ActiveChecker start() {
      return build().start();
    }
  }
}
