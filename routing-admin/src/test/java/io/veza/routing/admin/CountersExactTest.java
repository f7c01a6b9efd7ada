package io.veza.routing.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.veza.routing.BackendPool;
import io.veza.routing.RouteDecision;
import io.veza.routing.ServerStats;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The request-path counters behind {@code show stat} are exact under concurrency: long-lived threads (each owns its
 * stripe's single-writer cells, or shares the atomic ones after a collision) and short-lived threads (the atomic
 * cells) route at once, and every decision, retry and response is counted exactly once.
 */
class CountersExactTest {
  private final AtomicLong redispatched = new AtomicLong();

  @Test
  void everyDecisionIsCountedOnceWhateverTheThreads() throws Exception {
    TestPools.ManualTicker ticker = new TestPools.ManualTicker();
    BackendPool pool = TestPools.api(ticker);
    int longLived = 6;
    int perLongLived = 200_000;
    int shortLived = 200;
    int perShortLived = 500;
    AtomicLong retries = new AtomicLong();
    AtomicLong ok = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < longLived; t++) {
      threads.add(new Thread(() -> work(pool, start, perLongLived, retries, ok)));
    }
    Thread churn = new Thread(() -> {
      for (int t = 0; t < shortLived; t++) {
        Thread s = new Thread(() -> work(pool, start, perShortLived, retries, ok));
        s.start();
        try {
          s.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    });
    threads.add(churn);
    threads.forEach(Thread::start);
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    long routed = (long) longLived * perLongLived + (long) shortLived * perShortLived;
    long decisions = pool.stats().decisions().values().stream().mapToLong(Long::longValue).sum();
    assertEquals(routed + redispatched.get(), decisions, "every route() and redispatch counted once");
    long wretr = 0;
    long hrsp2xx = 0;
    for (ServerStats s : pool.stats().servers()) {
      wretr += s.retries() + s.redispatches();
      hrsp2xx += s.responses(2);
    }
    assertEquals(retries.get(), wretr, "every retry counted once");
    assertEquals(ok.get(), hrsp2xx, "every response counted once");
    pool.close();
  }

  private void work(BackendPool pool, CountDownLatch start, int n, AtomicLong retries, AtomicLong ok) {
    try {
      start.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    long r = 0;
    long k = 0;
    for (int i = 0; i < n; i++) {
      RouteDecision d = pool.route(null);
      if ((i & 7) == 0) {
        RouteDecision next = pool.retry(null, d, 1);
        r++;
        if (next != null && next.reason() == RouteDecision.Reason.REDISPATCHED && next.server() != d.server()) {
          redispatched.incrementAndGet(); // a redispatch to another server is a decision too (lbtot)
        }
      } else if ((i & 7) == 1) {
        pool.reportResponse(d.server(), 200);
        k++;
      }
    }
    retries.addAndGet(r);
    ok.addAndGet(k);
  }
}
