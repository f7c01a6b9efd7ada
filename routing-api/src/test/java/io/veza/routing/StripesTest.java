package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * {@link Stripes} tickets: a thread always gets the same ticket, a stripe has at most one owner among all threads ever
 * (so the owner's plain increments cannot race), and owners are spread: a thread that finds its home stripe owned
 * claims a free one among the next {@value Stripes#PROBES}.
 */
class StripesTest {

  @Test
  void ticketsAreStableAndOwnedStripesAreNeverShared() throws InterruptedException {
    int threads = 3 * Stripes.COUNT;
    int[][] tickets = new int[threads][2];
    CountDownLatch start = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(threads);
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int me = t;
      Thread th = new Thread(() -> {
        try {
          start.await();
          tickets[me][0] = Stripes.current();
          Thread.onSpinWait();
          tickets[me][1] = Stripes.current();
          done.countDown();
          done.await(); // every thread stays alive until all have their tickets
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      th.start();
      all.add(th);
    }
    start.countDown();
    for (Thread th : all) {
      th.join();
    }
    Set<Integer> owned = new HashSet<>();
    for (int[] t : tickets) {
      assertEquals(t[0], t[1], "a thread keeps its ticket");
      int stripe = Stripes.stripe(t[0]);
      assertTrue(stripe >= 0 && stripe < Stripes.COUNT);
      if (Stripes.owned(t[0])) {
        assertTrue(owned.add(stripe), "stripe " + stripe + " owned by two threads");
      }
    }
  }

  @Test
  void aThreadKeepsItsTicketAndABareStripeIsNotOwned() {
    // the test thread has routed before or claims now; either way its ticket does not change
    int ticket = Stripes.current();
    assertEquals(ticket, Stripes.current());
    assertEquals(Stripes.stripe(ticket), Stripes.stripe(ticket | Stripes.OWNED));
    assertTrue(!Stripes.owned(Stripes.stripe(ticket)), "a bare stripe is not owned");
  }
}
