package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.RouteDecision.Reason;
import io.veza.routing.health.AdminState;
import io.veza.routing.health.OperationalState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Issue 9 item 9: routing threads and a mutator thread (membership, health and admin changes) on one pool. A shared
 * sequence is read before and after every route call and advanced before and after every mutation, so "the change
 * returned before the route call began" is decided exactly. No decision may name a server removed before the call
 * began, a balanced decision may not name a server made unbalanceable (DOWN, MAINT, DRAIN, weight 0) before the call
 * began unless a change that made it balanceable again began before the call ended, and a cookie decision may not
 * name a server made DOWN or MAINT likewise. Nothing throws. (Allocation is not measured here.)
 */
class ConcurrencyStressTest {
  static final int ROUTERS = 3;
  static final int ROUTES_PER_THREAD = 200_000;

  /** What the mutator did to one server: the state after a change, and when the change began and returned. */
  record Event(long before, long after, boolean member, boolean balanceable, boolean cookieEligible) {}

  /** The mutator's model of one server. */
  static final class Model {
    final Server server;
    boolean member = true;
    boolean down;
    AdminState admin = AdminState.READY;
    int weight = 1;

    Model(Server server) {
      this.server = server;
    }

    boolean balanceable() {
      return member && !down && admin == AdminState.READY && weight > 0;
    }

    boolean cookieEligible() {
      return member && !down && admin != AdminState.MAINT;
    }
  }

  @RepeatedTest(3)
  void noDecisionNamesAServerThatWasRemovedOrMadeIneligibleBeforeTheCallBegan() throws Exception {
    BackendPool.Builder b = Pools.builder("stress").cookie(CookiePersistence.insert("SERVERID").build());
    b.server(ServerSpec.builder("anchor", Pools.addr(0)).cookie("anchor").build());
    for (int i = 1; i <= 8; i++) {
      b.server(ServerSpec.builder("s" + i, Pools.addr(i)).cookie("c" + i).build());
    }
    BackendPool pool = b.build();
    AtomicLong seq = new AtomicLong();
    Map<Server, List<Event>> events = new IdentityHashMap<>();
    List<Model> models = new ArrayList<>();
    for (Server s : pool.servers()) {
      if (!s.id().equals("anchor")) {
        Model m = new Model(s);
        models.add(m);
        events.computeIfAbsent(s, x -> new ArrayList<>()).add(new Event(0, 0, true, true, true));
      }
    }
    String[] cookies = new String[64];
    for (int i = 0; i < cookies.length; i++) {
      cookies[i] = "SERVERID=c" + i;
    }
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    AtomicInteger routersDone = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    Server[][] routed = new Server[ROUTERS][ROUTES_PER_THREAD];
    Reason[][] reasons = new Reason[ROUTERS][ROUTES_PER_THREAD];
    long[][] starts = new long[ROUTERS][ROUTES_PER_THREAD];
    long[][] ends = new long[ROUTERS][ROUTES_PER_THREAD];
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < ROUTERS; t++) {
      int th = t;
      threads.add(new Thread(() -> {
        try {
          start.await();
          Random random = new Random(th);
          TestRequest plain = TestRequest.get("/");
          for (int k = 0; k < ROUTES_PER_THREAD; k++) {
            TestRequest r = k % 2 == 0 ? plain : TestRequest.withCookie(cookies[random.nextInt(cookies.length)]);
            starts[th][k] = seq.get();
            RouteDecision d = pool.route(r);
            ends[th][k] = seq.get();
            routed[th][k] = d.server();
            reasons[th][k] = d.reason();
          }
        } catch (Throwable e) {
          errors.add(e);
        } finally {
          routersDone.incrementAndGet();
        }
      }, "router-" + t));
    }
    int[] mutations = new int[1];
    Thread mutator = new Thread(() -> {
      try {
        start.await();
        Random random = new Random(99);
        int next = 9;
        List<Model> live = new ArrayList<>(models);
        while (routersDone.get() < ROUTERS) {
          if (live.size() < 8 || random.nextInt(12) == 0) { // a new server joins (with a fresh cookie value)
            long before = seq.incrementAndGet();
            Server s = pool.add(ServerSpec.builder("n" + next, Pools.addr(next)).cookie("c" + (next % 64)).build());
            next++;
            long after = seq.incrementAndGet();
            Model added = new Model(s);
            live.add(added);
            synchronized (events) {
              events.computeIfAbsent(s, x -> new ArrayList<>()).add(new Event(before, after, true, true, true));
            }
            mutations[0]++;
            continue;
          }
          Model m = live.get(random.nextInt(live.size()));
          int op = random.nextInt(10);
          long before = seq.incrementAndGet();
          String id = m.server.id();
          switch (op) {
            case 0 -> {
              pool.remove(id);
              m.member = false;
              live.remove(m);
            }
            case 1 -> {
              pool.setHealth(id, OperationalState.DOWN);
              m.down = true;
            }
            case 2 -> {
              pool.setHealth(id, OperationalState.UP);
              m.down = false;
            }
            case 3 -> {
              pool.setAdminState(id, AdminState.MAINT);
              m.admin = AdminState.MAINT;
              m.down = false; // leaving MAINT brings it up (h = rise)
            }
            case 4 -> {
              pool.setAdminState(id, AdminState.DRAIN);
              if (m.admin == AdminState.MAINT) {
                m.down = false;
              }
              m.admin = AdminState.DRAIN;
            }
            case 5, 6 -> {
              pool.setAdminState(id, AdminState.READY);
              if (m.admin == AdminState.MAINT) {
                m.down = false;
              }
              m.admin = AdminState.READY;
            }
            case 7 -> {
              pool.setWeight(id, 0);
              m.weight = 0;
            }
            default -> {
              pool.setWeight(id, 1);
              m.weight = 1;
            }
          }
          long after = seq.incrementAndGet();
          synchronized (events) {
            events.get(m.server).add(new Event(before, after, m.member, m.balanceable(), m.cookieEligible()));
          }
          mutations[0]++;
        }
      } catch (Throwable e) {
        errors.add(e);
      }
    }, "mutator");
    threads.forEach(Thread::start);
    mutator.start();
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    mutator.join();
    assertTrue(errors.isEmpty(), () -> "thrown: " + errors);
    assertTrue(mutations[0] > 1000, "the mutator ran concurrently: " + mutations[0] + " changes");

    Map<String, Integer> violations = new HashMap<>();
    List<String> examples = new ArrayList<>();
    int checked = 0;
    for (int t = 0; t < ROUTERS; t++) {
      for (int k = 0; k < ROUTES_PER_THREAD; k++) {
        Server s = routed[t][k];
        if (s == null || s.id().equals("anchor")) {
          continue;
        }
        checked++;
        boolean cookie = reasons[t][k] == Reason.PERSISTED;
        String problem = check(events.get(s), starts[t][k], ends[t][k], cookie);
        if (problem != null) {
          violations.merge(problem, 1, Integer::sum);
          if (examples.size() < 5) {
            examples.add(s.id() + " " + reasons[t][k] + " in [" + starts[t][k] + ", " + ends[t][k] + "]: " + problem
                + " " + events.get(s));
          }
        }
      }
    }
    assertTrue(checked > ROUTERS * ROUTES_PER_THREAD / 4, "routes to changing servers checked: " + checked);
    assertEquals(Map.of(), violations, () -> String.join("\n", examples));
  }

  /** Null when the decision is allowed; else what was wrong. */
  static String check(List<Event> history, long start, long end, boolean cookie) {
    if (history == null) {
      return "a server the mutator never knew";
    }
    Event last = null;
    int lastIndex = -1;
    for (int i = 0; i < history.size(); i++) {
      Event e = history.get(i);
      if (e.after() <= start) {
        last = e;
        lastIndex = i;
      }
    }
    if (last == null) {
      return null; // joined concurrently with the call
    }
    boolean ok = cookie ? last.cookieEligible() : last.balanceable();
    if (ok) {
      return null;
    }
    if (!last.member()) {
      return "removed before the call began";
    }
    for (int i = lastIndex + 1; i < history.size(); i++) {
      Event e = history.get(i);
      if (e.before() <= end && (cookie ? e.cookieEligible() : e.balanceable())) {
        return null; // made eligible again by a change that began before the call ended
      }
    }
    return cookie ? "cookie to a server made DOWN or MAINT before the call began"
        : "balanced to a server made unbalanceable before the call began";
  }
}
