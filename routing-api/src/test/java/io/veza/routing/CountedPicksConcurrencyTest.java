package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.RouteDecision.Reason;
import io.veza.routing.health.OperationalState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Balanced picks counted per stripe (RoundRobin, "Counting picks") read exactly while they happen: routing threads
 * (more than there are stripes, so that some count per stripe and some in the servers' shared cells) route round
 * robin while a mutator changes weights and health (every change a new schedule, so owners keep folding), and a
 * reader takes {@link BackendPool#stats()} all along. Every server's balanced count must never decrease from one read
 * to the next, and once the threads stop each must equal the number of balanced decisions the threads received for it.
 */
class CountedPicksConcurrencyTest {
  static final int SERVERS = 5;
  static final int ROUTES_PER_THREAD = 100_000;

  @RepeatedTest(2)
  void balancedCountsAreMonotoneWhileRoutingAndExactAfter() throws Exception {
    BackendPool.Builder b = Pools.builder("counted-concurrent");
    for (int s = 0; s < SERVERS; s++) {
      b.server(ServerSpec.of("s" + s, Pools.addr(s)));
    }
    BackendPool pool = b.build();
    int routers = Stripes.COUNT + 2;
    Map<String, Long> received = new ConcurrentHashMap<>();
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int r = 0; r < routers; r++) {
      threads.add(new Thread(() -> {
        Map<String, Long> mine = new HashMap<>();
        TestRequest request = TestRequest.get("/");
        await(start);
        for (int i = 0; i < ROUTES_PER_THREAD; i++) {
          RouteDecision d = pool.route(request);
          if (d.reason() == Reason.BALANCED) {
            mine.merge(d.server().id(), 1L, Long::sum);
          }
        }
        mine.forEach((id, n) -> received.merge(id, n, Long::sum));
      }, "router-" + r));
    }
    Thread mutator = new Thread(() -> {
      await(start);
      for (int i = 0; !done.get(); i++) {
        String id = "s" + (i % SERVERS);
        pool.setWeight(id, 1 + (i * 37) % 97); // uneven weights: periods of a few hundred picks, longer folds
        if (i % 7 == 0) {
          pool.setHealth(id, OperationalState.DOWN);
          pool.setHealth(id, OperationalState.UP);
        }
        Thread.yield();
      }
    }, "mutator");
    Thread reader = new Thread(() -> {
      await(start);
      Map<String, Long> last = new HashMap<>();
      while (!done.get()) {
        for (ServerStats st : pool.stats().servers()) {
          long n = st.decisions().getOrDefault(Reason.BALANCED, 0L);
          long before = last.getOrDefault(st.id(), 0L);
          if (n < before) {
            failure.compareAndSet(null, new AssertionError(st.id() + " went from " + before + " to " + n));
          }
          last.put(st.id(), n);
        }
      }
    }, "reader");
    for (Thread t : threads) {
      t.setUncaughtExceptionHandler((th, e) -> failure.compareAndSet(null, e));
      t.start();
    }
    mutator.setUncaughtExceptionHandler((th, e) -> failure.compareAndSet(null, e));
    reader.setUncaughtExceptionHandler((th, e) -> failure.compareAndSet(null, e));
    mutator.start();
    reader.start();
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    done.set(true);
    mutator.join();
    reader.join();
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    long total = 0;
    for (ServerStats st : pool.stats().servers()) {
      long n = st.decisions().getOrDefault(Reason.BALANCED, 0L);
      assertEquals(received.getOrDefault(st.id(), 0L), n, st.id());
      total += n;
    }
    assertTrue(total > 0, "some decisions were balanced");
    pool.close();
  }

  /** A reader that finds a stripe's owner folding (odd sequence number) waits for the fold to end, then reads. */
  @org.junit.jupiter.api.Test
  void aReaderWaitsWhileAnOwnerFolds() throws Exception {
    BackendPool pool = Pools.builder("fold-wait").server(ServerSpec.of("s0", Pools.addr(0))).build();
    RoutingTable t = Tables.of(pool);
    int owner = 1 | Stripes.OWNED;
    for (int i = 0; i < 3; i++) {
      assertTrue(t.activeRoundRobin.nextBalanced(owner) >= 0, "an owner's pick is counted");
    }
    RoundRobin.Counting c = t.activePositions().counting(1);
    int version = (int) RoundRobin.Counting.VERSION.getVolatile(c);
    RoundRobin.Counting.VERSION.setVolatile(c, version + 1); // as the owner does when its fold begins
    java.util.concurrent.CompletableFuture<long[]> read = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> t.activePositions().balancedPicks(pool.servers()));
    Thread.sleep(200);
    assertTrue(!read.isDone(), "the reader must not read a stripe while its owner folds");
    RoundRobin.Counting.VERSION.setVolatile(c, version + 2); // the fold ends
    assertEquals(3L, read.get(10, java.util.concurrent.TimeUnit.SECONDS)[0]);
    pool.close();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
