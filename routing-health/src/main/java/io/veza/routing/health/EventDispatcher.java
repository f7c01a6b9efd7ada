package io.veza.routing.health;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Delivers health events to listeners apart from the threads that cause them: one bounded queue per listener,
 * drained by one task at a time on an executor, so a slow, stuck or throwing listener delays and loses nothing of
 * the others. Events are numbered under one lock and appended to every queue under it, so every listener sees the
 * tracker-wide sequence order.
 */
final class EventDispatcher {
  private static final System.Logger LOG = System.getLogger(HealthTracker.class.getName());

  private final Executor executor;
  private final Object lock = new Object();
  private long sequence; // guarded by lock
  private final CopyOnWriteArrayList<ListenerQueue> queues = new CopyOnWriteArrayList<>();

  EventDispatcher(@Nullable Executor executor) {
    this.executor = executor == null ? SharedListenerPool.INSTANCE : executor;
  }

  void add(HealthListener listener) {
    queues.add(new ListenerQueue(listener));
  }

  void remove(HealthListener listener) {
    for (ListenerQueue q : queues) {
      if (q.listener.equals(listener)) {
        queues.remove(q);
        q.close();
        return;
      }
    }
  }

  void enqueue(Collection<HealthEvent> events) {
    synchronized (lock) {
      for (HealthEvent e : events) {
        HealthEvent numbered = new HealthEvent(++sequence, e.server(), e.serverId(), e.kind(), e.cause(),
            e.previous(), e.current(), e.timeNanos(), e.check());
        for (ListenerQueue q : queues) {
          q.offer(numbered);
        }
      }
    }
  }

  /** Starts a drain task for every queue that has events and none running. Call outside every lock. */
  void kick() {
    for (ListenerQueue q : queues) {
      q.kick();
    }
  }

  private final class ListenerQueue implements Runnable {
    final HealthListener listener;
    private final ArrayDeque<HealthEvent> pending = new ArrayDeque<>(); // guarded by this
    private boolean running; // guarded by this
    private boolean closed; // guarded by this
    private long dropped; // guarded by this

    ListenerQueue(HealthListener listener) {
      this.listener = listener;
    }

    synchronized void offer(HealthEvent e) {
      if (closed) {
        return;
      }
      if (pending.size() >= HealthTracker.LISTENER_QUEUE_CAPACITY) {
        if (dropped++ == 0) {
          LOG.log(System.Logger.Level.WARNING, "health listener " + listener + " has "
              + HealthTracker.LISTENER_QUEUE_CAPACITY + " undelivered events; dropping newer ones for it");
        }
        return;
      }
      pending.add(e);
    }

    synchronized void close() {
      closed = true;
      pending.clear();
    }

    void kick() {
      synchronized (this) {
        if (running || pending.isEmpty()) {
          return;
        }
        running = true;
      }
      try {
        executor.execute(this);
      } catch (RejectedExecutionException e) {
        synchronized (this) {
          running = false;
        }
        LOG.log(System.Logger.Level.WARNING, "listener executor rejected delivery to " + listener
            + "; retried on the next event", e);
      }
    }

    @Override
    public void run() {
      while (true) {
        HealthEvent e;
        long missed = 0;
        synchronized (this) {
          e = pending.poll();
          if (e == null) {
            running = false;
            return;
          }
          if (dropped > 0 && pending.isEmpty()) {
            missed = dropped;
            dropped = 0;
          }
        }
        try {
          listener.onEvent(e);
        } catch (Throwable t) { // an Error too: it must not stop delivery, nor reach the thread that caused the event
          LOG.log(System.Logger.Level.WARNING, "health listener " + listener + " failed on " + e, t);
        }
        if (missed > 0) {
          LOG.log(System.Logger.Level.WARNING, "health listener " + listener + " missed " + missed
              + " events while its queue was full");
        }
      }
    }
  }

  /** Daemon threads for listeners of trackers that bring no executor: grows as listeners block, idles out. */
  private static final class SharedListenerPool {
    static final Executor INSTANCE;

    static {
      AtomicInteger ids = new AtomicInteger();
      ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
          new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "veza-health-events-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
          });
      INSTANCE = pool;
    }

    private SharedListenerPool() {}
  }
}
