package io.veza.routing.health.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shared time fixtures do what their javadoc says. */
class ManualSchedulerTest {

  @Test
  void tickerMovesOnlyWhenTold() {
    ManualTicker t = new ManualTicker(-10);
    assertEquals(-10, t.read());
    t.advance(Duration.ofNanos(15)).advance(5).advance(1, TimeUnit.MICROSECONDS);
    assertEquals(1010, t.read());
    assertThrows(IllegalArgumentException.class, () -> t.advance(-1));
    ManualTicker wrapping = new ManualTicker(Long.MAX_VALUE);
    wrapping.advance(2);
    assertEquals(Long.MIN_VALUE + 1, wrapping.read(), "wraps like System.nanoTime()");
    assertEquals(ManualTicker.DEFAULT_ORIGIN_NANOS, new ManualTicker().read());
  }

  @Test
  void advanceRunsEachTaskAtItsDueTimeInDueOrder() {
    ManualTicker ticker = new ManualTicker(Long.MAX_VALUE - 5); // due times across the wrap-around
    ManualScheduler s = new ManualScheduler(ticker);
    long origin = ticker.read();
    List<String> log = new ArrayList<>();
    s.schedule(() -> log.add("c@" + (ticker.read() - origin)), 30, TimeUnit.NANOSECONDS);
    s.schedule(() -> log.add("a@" + (ticker.read() - origin)), 10, TimeUnit.NANOSECONDS);
    s.schedule(() -> {
      log.add("b@" + (ticker.read() - origin));
      s.schedule(() -> log.add("b2@" + (ticker.read() - origin)), 5, TimeUnit.NANOSECONDS); // due at 25
      s.schedule(() -> log.add("b0@" + (ticker.read() - origin)), 0, TimeUnit.NANOSECONDS); // due now
    }, 20, TimeUnit.NANOSECONDS);
    s.schedule(() -> log.add("a'@" + (ticker.read() - origin)), 10, TimeUnit.NANOSECONDS);
    Future<?> cancelled = s.schedule(() -> log.add("never"), 12, TimeUnit.NANOSECONDS);
    assertTrue(cancelled.cancel(false));
    assertFalse(cancelled.cancel(false));
    assertEquals(4, s.pendingCount());
    assertEquals(0, s.advance(9));
    assertEquals(6, s.advance(21));
    assertEquals(List.of("a@10", "a'@10", "b@20", "b0@20", "b2@25", "c@30"), log);
    assertEquals(30, ticker.read() - origin, "time ends at the target");
    assertEquals(0, s.pendingCount());
    assertEquals(6, s.ranCount());
    assertTrue(cancelled.isCancelled());
  }

  @Test
  void runDueRunsWhatTheTickerMadeDueWithoutMovingTime() throws Exception {
    ManualScheduler s = new ManualScheduler();
    List<Long> ran = new ArrayList<>();
    ScheduledFuture<?> f = s.schedule(() -> ran.add(s.ticker().read()), 1, TimeUnit.SECONDS);
    assertEquals(TimeUnit.SECONDS.toNanos(1), f.getDelay(TimeUnit.NANOSECONDS));
    assertThrows(IllegalStateException.class, f::get, "get() never blocks the only thread that could run it");
    assertEquals(0, s.runDue());
    s.ticker().advance(Duration.ofSeconds(2));
    long now = s.ticker().read();
    assertEquals(1, s.runDue());
    assertEquals(List.of(now), ran);
    assertEquals(now, s.ticker().read());
    assertTrue(f.isDone());
    assertEquals(null, f.get());
    assertEquals(java.util.OptionalLong.empty(), s.nanosUntilNextDue());
  }

  @Test
  void aThrowingTaskFailsTheCallThatRanIt() {
    ManualScheduler s = new ManualScheduler();
    s.schedule(() -> {
      throw new IllegalStateException("task bug");
    }, 1, TimeUnit.NANOSECONDS);
    assertEquals("task bug", assertThrows(IllegalStateException.class, () -> s.advance(5)).getMessage());
    assertEquals(0, s.pendingCount());
  }

  @Test
  void aTaskThatReschedulesItselfWithoutDelayIsReported() {
    ManualScheduler s = new ManualScheduler();
    Runnable[] self = new Runnable[1];
    self[0] = () -> s.schedule(self[0], 0, TimeUnit.NANOSECONDS);
    s.schedule(self[0], 0, TimeUnit.NANOSECONDS);
    assertThrows(IllegalStateException.class, s::runDue);
  }
}
