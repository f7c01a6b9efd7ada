package io.veza.routing.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs active health checks for the servers of a {@link HealthTracker} and feeds the results to
 * {@link HealthTracker#recordCheck}, like HAProxy's check tasks.
 *
 * <ul>
 *   <li><b>Interval</b>: the next check of a server starts {@link HealthTracker#checkInterval} after the previous
 *       one ended (HAProxy {@code inter} / {@code fastinter} / {@code downinter}), plus a uniform jitter of
 *       ± {@code spread-checks} percent of that interval.
 *   <li><b>Staggered start</b>: with m checked servers and I the largest initial interval, the k-th checked server
 *       (k = 0..m-1) runs its first check after {@code k*I/m} (HAProxy {@code start_checks} spreads first checks
 *       over the interval the same way).
 *   <li><b>Timeout</b>: a probe that has not completed after the policy's {@code checkTimeout} (HAProxy
 *       {@code timeout check}) is a failed check and is cancelled; a probe that throws, returns null or completes
 *       exceptionally is a failed check too. Nothing a probe does can stop the scheduling.
 *   <li><b>MAINT</b>: no probe runs while a server is in maintenance; leaving maintenance checks it immediately.
 *       An {@code on-error} action advances the next check to {@code fastinter} if that is sooner.
 *   <li><b>Slow start</b>: calls {@link HealthTracker#refresh()} at each slow-start step while a server ramps.
 * </ul>
 *
 * <p>Delays are real executor delays. With no executor given, the checker owns a daemon
 * {@link ScheduledThreadPoolExecutor} (threads named {@code veza-health-check-N}) that {@link #close()} shuts down
 * and waits for; a user-supplied executor is never shut down, only this checker's tasks are cancelled. Probes
 * should be non-blocking: they are started on the executor's threads. Thread-safe.
 */
public final class ActiveChecker implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ActiveChecker.class.getName());
  private static final AtomicInteger THREAD_IDS = new AtomicInteger();
  /** Prefix of the names of the threads an ActiveChecker owns. */
  public static final String THREAD_NAME_PREFIX = "veza-health-check-";

  private final HealthTracker tracker;
  private final Probe[] probes;
  private final ScheduledExecutorService executor;
  private final boolean ownsExecutor;
  private final Random random;
  private final Task[] tasks;
  private final IntConsumer checkNowHook = this::checkSooner;
  private final HealthListener refreshListener = this::onEvent;
  private final Object refreshLock = new Object();
  private ScheduledFuture<?> refreshFuture; // guarded by refreshLock
  private final AtomicBoolean started = new AtomicBoolean();
  private final List<Thread> ownThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private ActiveChecker(Builder b) {
    this.tracker = b.tracker;
    this.probes = b.probes.clone();
    for (int i = 0; i < probes.length; i++) {
      if (probes[i] == null) {
        probes[i] = b.defaultProbe;
      }
    }
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
    this.tasks = new Task[probes.length];
    for (int i = 0; i < tasks.length; i++) {
      tasks[i] = new Task(i);
    }
  }

  /** A builder for checking the servers of {@code tracker}. */
  public static Builder builder(HealthTracker tracker) {
    return new Builder(Objects.requireNonNull(tracker, "tracker"));
  }

  /** Starts checking (staggered first checks). Idempotent. */
  public ActiveChecker start() {
    if (closed) {
      throw new IllegalStateException("checker is closed");
    }
    if (!started.compareAndSet(false, true)) {
      return this;
    }
    tracker.addCheckNowHook(checkNowHook);
    tracker.addListener(refreshListener);
    List<Integer> checked = new ArrayList<>();
    long maxInter = 0;
    for (int i = 0; i < probes.length; i++) {
      if (probes[i] != null) {
        checked.add(i);
        maxInter = Math.max(maxInter, tracker.checkIntervalNanos(i));
      }
    }
    int m = checked.size();
    for (int k = 0; k < m; k++) {
      long delay = m == 0 ? 0 : (long) ((double) maxInter * k / m);
      tasks[checked.get(k)].schedule(delay);
    }
    scheduleRefresh();
    return this;
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
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
    tracker.removeCheckNowHook(checkNowHook);
    tracker.removeListener(refreshListener);
    for (Task t : tasks) {
      t.cancel();
    }
    synchronized (refreshLock) {
      if (refreshFuture != null) {
        refreshFuture.cancel(false);
      }
    }
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

  private static ThreadFactory daemonThreads(List<Thread> created) {
    return r -> {
      Thread t = new Thread(r, THREAD_NAME_PREFIX + THREAD_IDS.incrementAndGet());
      t.setDaemon(true);
      created.add(t);
      return t;
    };
  }

  /** Interval plus uniform jitter in ± spread % (HAProxy {@code spread-checks}). */
  long jittered(int server, long intervalNanos) {
    int spread = tracker.policy(server).spreadPercent();
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

  private void checkSooner(int server) {
    if (closed || probes[server] == null) {
      return;
    }
    ServerStatus st = tracker.status(server);
    long desired = st.fastInterForced() ? tracker.policy(server).fastInterNanos() : 0;
    tasks[server].advanceTo(desired);
  }

  private void onEvent(HealthEvent e) {
    if (e.kind() == HealthEvent.Kind.CAME_UP || e.kind() == HealthEvent.Kind.WEIGHT_CHANGED) {
      scheduleRefresh();
    }
  }

  private void scheduleRefresh() {
    if (closed) {
      return;
    }
    long next = tracker.refresh();
    synchronized (refreshLock) {
      if (refreshFuture != null) {
        refreshFuture.cancel(false);
        refreshFuture = null;
      }
      if (next >= 0 && !closed) {
        try {
          refreshFuture = executor.schedule(this::scheduleRefresh, next, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
          LOG.log(System.Logger.Level.WARNING, "executor rejected the slow-start refresh", e);
        }
      }
    }
  }

  /** Scheduling state of one server's checks. */
  private final class Task {
    private final int server;
    private ScheduledFuture<?> next; // guarded by this
    private boolean inFlight; // guarded by this
    private long requestedDelay = -1; // a check-now request that arrived in flight, else -1; guarded by this
    private CompletableFuture<Boolean> current; // guarded by this
    private ScheduledFuture<?> timeout; // guarded by this

    Task(int server) {
      this.server = server;
    }

    synchronized void schedule(long delayNanos) {
      if (closed) {
        return;
      }
      if (next != null) {
        next.cancel(false);
      }
      try {
        next = executor.schedule(this::run, delayNanos, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        LOG.log(System.Logger.Level.WARNING, "executor rejected the check of " + server, e);
      }
    }

    /**
     * Brings the next check forward to {@code delayNanos} from now if it is due later. While a check is running the
     * request is kept and applies when that check finishes (leaving MAINT mid-check still checks at once).
     */
    synchronized void advanceTo(long delayNanos) {
      if (closed) {
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
      if (next != null) {
        next.cancel(false);
      }
      if (timeout != null) {
        timeout.cancel(false);
      }
      if (current != null) {
        current.complete(false);
      }
    }

    private void run() {
      CompletableFuture<Boolean> result = new CompletableFuture<>();
      synchronized (this) {
        if (closed) {
          return;
        }
        next = null;
        if (tracker.status(server).admin() == AdminState.MAINT) {
          schedule(jittered(server, tracker.checkIntervalNanos(server))); // checks paused
          return;
        }
        inFlight = true;
        current = result;
        try {
          timeout = executor.schedule(() -> result.complete(false), tracker.policy(server).checkTimeoutNanos(),
              TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
          timeout = null;
        }
      }
      result.whenComplete((passed, error) -> finished(result, Boolean.TRUE.equals(passed)));
      CompletionStage<Boolean> stage;
      try {
        stage = probes[server].check(server);
      } catch (Throwable t) { // a probe bug is a failed check, never the end of the schedule
        result.complete(false);
        return;
      }
      if (stage == null) {
        result.complete(false);
        return;
      }
      stage.whenComplete((ok, error) -> result.complete(error == null && Boolean.TRUE.equals(ok)));
      result.whenComplete((passed, error) -> {
        if (!stage.toCompletableFuture().isDone()) {
          cancelQuietly(stage);
        }
      });
    }

    private void finished(CompletableFuture<Boolean> result, boolean passed) {
      synchronized (this) {
        if (current != result) {
          return;
        }
        current = null;
        if (timeout != null) {
          timeout.cancel(false);
          timeout = null;
        }
        if (closed) {
          return;
        }
      }
      // still in flight while the result is recorded (outside the lock: the tracker calls listeners), so a
      // check-now request from now on is kept in requestedDelay rather than overwritten by the schedule below
      try {
        tracker.recordCheck(server, passed);
      } finally {
        synchronized (this) {
          inFlight = false;
          long delay = jittered(server, tracker.checkIntervalNanos(server));
          if (requestedDelay >= 0) {
            delay = Math.min(delay, requestedDelay);
            requestedDelay = -1;
          }
          schedule(delay);
        }
      }
    }
  }

  private static void cancelQuietly(CompletionStage<Boolean> stage) {
    try {
      stage.toCompletableFuture().cancel(true);
    } catch (RuntimeException ignored) {
      // a stage that cannot be converted or cancelled is simply abandoned
    }
  }

  /** Builder of {@link ActiveChecker}; not thread-safe. */
  public static final class Builder {
    private final HealthTracker tracker;
    private final Probe[] probes;
    private Probe defaultProbe;
    private ScheduledExecutorService executor;
    private Long seed;
    private int threads = 1;

    private Builder(HealthTracker tracker) {
      this.tracker = tracker;
      this.probes = new Probe[tracker.size()];
    }

    /** The probe for every server that has no probe of its own. */
    public Builder probe(Probe probe) {
      this.defaultProbe = Objects.requireNonNull(probe, "probe");
      return this;
    }

    /** The probe for one server. */
    public Builder probe(int server, Probe probe) {
      if (server < 0 || server >= probes.length) {
        throw new IllegalArgumentException("server must be in [0, " + probes.length + "), was " + server);
      }
      probes[server] = Objects.requireNonNull(probe, "probe");
      return this;
    }

    /** Runs on the caller's executor, which {@link ActiveChecker#close()} does not shut down. */
    public Builder executor(ScheduledExecutorService executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Threads of the owned executor (default 1); ignored with {@link #executor}. */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be > 0, was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** Seed of the spread jitter, for reproducible schedules. */
    public Builder random(long seed) {
      this.seed = seed;
      return this;
    }

    /** Builds a checker that is not started yet. */
    public ActiveChecker build() {
      if (defaultProbe == null) {
        for (int i = 0; i < probes.length; i++) {
          if (probes[i] == null) {
            throw new IllegalArgumentException("probe must be set for every server, was missing for server " + i
                + " (" + tracker.ids().get(i) + ")");
          }
        }
      }
      return new ActiveChecker(this);
    }

    /** Builds and starts. */
    public ActiveChecker start() {
      return build().start();
    }
  }

}
