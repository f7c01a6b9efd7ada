package io.veza.routing.health.testing;

import io.veza.routing.health.Scheduler;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Scheduler} whose tasks become due by a {@link ManualTicker}'s time and run only when the test says so, on
 * the test's thread: {@link #advance(Duration)} moves the ticker forward step by step, to the due time of each task
 * in turn, and runs every task that becomes due, in due order (tasks due at the same time in the order they were
 * scheduled), including tasks that those tasks schedule. {@link #runDue()} runs what is due without moving time.
 *
 * <p>{@link #schedule} may be called from any thread. {@link #advance} and {@link #runDue} are meant for one thread
 * at a time (the test's); a task that throws stops that call and the exception reaches its caller, as a test
 * failure should. The futures' {@link ScheduledFuture#get()} never blocks: it throws {@link IllegalStateException} for
 * a task that has not run, since only the caller could run it.
 */
public final class ManualScheduler implements Scheduler {
  /** Tasks one {@link #advance} or {@link #runDue} call may run before it gives up on a task that reschedules itself forever. */
  public static final int MAX_RUNS_PER_CALL = 1_000_000;

  private final ManualTicker ticker;
  private final PriorityQueue<Task> queue = new PriorityQueue<>(); // guarded by this
  private long scheduled; // guarded by this
  private long ran; // guarded by this

  /** A scheduler on a new {@link ManualTicker}. */
  public ManualScheduler() {
    this(new ManualTicker());
  }

  /**
   * A scheduler on {@code ticker}.
   *
   * @param ticker the time source; moving it directly makes tasks due, {@link #runDue()} then runs them
   */
  public ManualScheduler(ManualTicker ticker) {
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  /**
   * The ticker whose time decides what is due.
   *
   * @return the ticker
   */
  public ManualTicker ticker() {
    return ticker;
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
    Objects.requireNonNull(task, "task");
    long delayNanos = unit.toNanos(delay);
    if (delayNanos < 0) {
      throw new IllegalArgumentException("delay must be >= 0, was " + delay + " " + unit);
    }
    synchronized (this) {
      Task t = new Task(task, ticker.read() + delayNanos, scheduled++);
      queue.add(t);
      return t;
    }
  }

  /**
   * Moves time forward by {@code duration}, stopping at the due time of every task on the way to run it.
   *
   * @param duration how far, not negative
   * @return how many tasks ran
   */
  public int advance(Duration duration) {
    return advance(duration.toNanos());
  }

  /**
   * Moves time forward by {@code nanoseconds}, stopping at the due time of every task on the way to run it.
   *
   * @param nanoseconds how far, {@code >= 0}
   * @return how many tasks ran
   */
  public int advance(long nanoseconds) {
    if (nanoseconds < 0) {
      throw new IllegalArgumentException("nanoseconds must be >= 0, was " + nanoseconds);
    }
    long target = ticker.read() + nanoseconds;
    int runs = 0;
    while (true) {
      Task next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.due - target > 0) {
          ticker.advanceTo(target);
          return runs;
        }
        queue.poll();
        if (next.due - ticker.read() > 0) {
          ticker.advanceTo(next.due);
        }
      }
      runs = run(next, runs);
    }
  }

  /**
   * Runs every task due by the ticker's current time (and those they schedule that are due as well), without moving
   * time.
   *
   * @return how many tasks ran
   */
  public int runDue() {
    return advance(0);
  }

  /**
   * Tasks scheduled and neither run nor cancelled.
   *
   * @return the count
   */
  public synchronized int pendingCount() {
    return queue.size();
  }

  /**
   * Tasks run so far.
   *
   * @return the count
   */
  public synchronized long ranCount() {
    return ran;
  }

  /**
   * Time until the earliest pending task is due (0 or negative if overdue), or empty if none is pending.
   *
   * @return nanoseconds until the next task
   */
  public synchronized OptionalLong nanosUntilNextDue() {
    Task next = queue.peek();
    return next == null ? OptionalLong.empty() : OptionalLong.of(next.due - ticker.read());
  }

  private int run(Task task, int runsSoFar) {
    if (runsSoFar >= MAX_RUNS_PER_CALL) {
      throw new IllegalStateException("more than " + MAX_RUNS_PER_CALL
          + " tasks in one call: a task keeps rescheduling itself without delay?");
    }
    if (task.start()) {
      try {
        task.runnable.run();
      } finally {
        task.finish();
        synchronized (this) {
          ran++;
        }
      }
    }
    return runsSoFar + 1;
  }

  @Override
  public String toString() {
    return "ManualScheduler{" + ticker + ", pending " + pendingCount() + "}";
  }

  private final class Task implements ScheduledFuture<Void> {
    private static final int NEW = 0;
    private static final int RUNNING = 1;
    private static final int DONE = 2;
    private static final int CANCELLED = 3;

    final Runnable runnable;
    final long due;
    final long order;
    private int state = NEW; // guarded by ManualScheduler.this

    Task(Runnable runnable, long due, long order) {
      this.runnable = runnable;
      this.due = due;
      this.order = order;
    }

    boolean start() {
      synchronized (ManualScheduler.this) {
        if (state != NEW) {
          return false;
        }
        state = RUNNING;
        return true;
      }
    }

    void finish() {
      synchronized (ManualScheduler.this) {
        state = DONE;
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      synchronized (ManualScheduler.this) {
        if (state != NEW) {
          return false;
        }
        state = CANCELLED;
        queue.remove(this);
        return true;
      }
    }

    @Override
    public boolean isCancelled() {
      synchronized (ManualScheduler.this) {
        return state == CANCELLED;
      }
    }

    @Override
    public boolean isDone() {
      synchronized (ManualScheduler.this) {
        return state == DONE || state == CANCELLED;
      }
    }

    @Override
    public Void get() {
      synchronized (ManualScheduler.this) {
        if (state == CANCELLED) {
          throw new CancellationException();
        }
        if (state != DONE) {
          throw new IllegalStateException("task not run yet: advance the ManualScheduler");
        }
        return null;
      }
    }

    @Override
    public Void get(long timeout, TimeUnit unit) {
      return get();
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(due - ticker.read(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      if (other instanceof Task t) {
        long d = due - t.due;
        return d != 0 ? (d < 0 ? -1 : 1) : Long.compare(order, t.order);
      }
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean equals(Object o) {
      return this == o;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }

    @Override
    public String toString() {
      return "task due at " + due + " (" + runnable + ")";
    }
  }
}
