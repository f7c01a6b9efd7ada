package io.veza.routing.health;

import static io.veza.routing.health.ProbesTest.closedPort;
import static io.veza.routing.health.ProbesTest.loopback;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The checker against real loopback servers, following the tracker's membership. Waits are on events or conditions
 * with a generous upper bound, never on sleeps.
 */
@SuppressWarnings("try") // a checker held open by try-with-resources runs while the block waits
class ActiveCheckerTest {
  static final long WAIT_SECONDS = 30;

  private static HealthPolicy fast() {
    return HealthPolicy.builder().inter(Duration.ofMillis(30)).fastInter(Duration.ofMillis(20))
        .downInter(Duration.ofMillis(40)).checkTimeout(Duration.ofSeconds(2)).rise(2).fall(2).spreadPercent(10)
        .build();
  }

  /** Listener collecting events; {@link #await} takes the earliest matching event not taken yet. */
  static final class Events implements HealthListener {
    private final List<HealthEvent> pending = new ArrayList<>();

    @Override
    public synchronized void onEvent(HealthEvent e) {
      pending.add(e);
      notifyAll();
    }

    synchronized HealthEvent await(String server, HealthEvent.Kind kind) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (true) {
        for (int k = 0; k < pending.size(); k++) {
          HealthEvent e = pending.get(k);
          if (e.serverId().equals(server) && e.kind() == kind) {
            return pending.remove(k);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no " + kind + " of " + server + " within " + WAIT_SECONDS + " s: " + pending);
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
  }

  @Test
  void httpServerHealthyFailingRecoveringStopped() throws Exception {
    AtomicInteger status = new AtomicInteger(200);
    AtomicInteger requests = new AtomicInteger();
    HttpServer server = HttpServer.create(loopback(0), 0);
    server.createContext("/health", exchange -> {
      requests.incrementAndGet();
      exchange.sendResponseHeaders(status.get(), -1);
      exchange.close();
    });
    server.start();
    Events events = new Events();
    HealthTracker tracker = HealthTracker.builder().listener(events).build();
    TrackedServer web = tracker.add("web", 1, fast(), loopback(server.getAddress().getPort()));
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    try (ActiveChecker checker = ActiveChecker.builder(tracker).probe(Probes.http(client, "/health").build())
        .random(7).start()) {
      assertTrue(web.state().isUp());
      status.set(503);
      HealthEvent down = events.await("web", HealthEvent.Kind.WENT_DOWN);
      assertEquals(HealthEvent.Cause.CHECK_FAILURES, down.cause());
      assertEquals(CheckStatus.L7_WRONG_STATUS, down.check().status());
      assertEquals(503, down.check().code());
      status.set(302); // 3xx passes by default
      assertEquals(CheckStatus.L7_OK, events.await("web", HealthEvent.Kind.CAME_UP).check().status());
      assertTrue(web.state().isUp());
      server.stop(0);
      HealthEvent refused = events.await("web", HealthEvent.Kind.WENT_DOWN);
      assertEquals(CheckStatus.L4_CONNECTION_PROBLEM, refused.check().status());
      assertFalse(web.state().isUp());
      assertFalse(checker.isClosed());
      assertEquals(1, checker.checkedCount());
    } finally {
      server.stop(0);
    }
    assertTrue(requests.get() >= 2, "coming back UP from h = 0 took two passed checks (rise 2)");
  }

  /** A server that accepts the connection and never answers: the checker's timeout reports L7TOUT. */
  @Test
  void aHungHttpServerTimesOutAsL7tout() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    HttpServer server = HttpServer.create(loopback(0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/health", exchange -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    });
    server.start();
    Events events = new Events();
    HealthTracker tracker = HealthTracker.builder().listener(events).build();
    HealthPolicy policy = fast().toBuilder().rise(1).fall(1).checkTimeout(Duration.ofMillis(200)).build();
    tracker.add("hung", 1, policy, loopback(server.getAddress().getPort()));
    try (ActiveChecker checker = ActiveChecker.builder(tracker)
        .probe(Probes.http(HttpClient.newHttpClient(), "/health").build()).start()) {
      HealthEvent down = events.await("hung", HealthEvent.Kind.WENT_DOWN);
      assertEquals(CheckStatus.L7_TIMEOUT, down.check().status());
      assertTrue(down.check().durationNanos() >= Duration.ofMillis(200).toNanos());
    } finally {
      release.countDown();
      server.stop(0);
    }
  }

  @Test
  void tcpServerThatClosesAndReopens() throws Exception {
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(loopback(0));
    InetSocketAddress address = loopback(socket.getLocalPort());
    Events events = new Events();
    HealthTracker tracker = HealthTracker.builder().listener(events).build();
    tracker.add("tcp", 1, fast(), address);
    try (ActiveChecker checker = ActiveChecker.builder(tracker).probe(Probes.tcp(Duration.ofMillis(300))).start()) {
      socket.close(); // connection refused from now on
      assertEquals(CheckStatus.L4_CONNECTION_PROBLEM, events.await("tcp", HealthEvent.Kind.WENT_DOWN).check().status());
      ServerSocket reopened = new ServerSocket();
      reopened.setReuseAddress(true);
      reopened.bind(address);
      try {
        assertEquals(CheckStatus.L4_OK, events.await("tcp", HealthEvent.Kind.CAME_UP).check().status());
        assertTrue(tracker.server("tcp").orElseThrow().state().isUp());
      } finally {
        reopened.close();
      }
    }
  }

  @Test
  void setAddressMovesTheChecks() throws Exception {
    Events events = new Events();
    HealthTracker tracker = HealthTracker.builder().listener(events).build();
    TrackedServer s = tracker.add("moving", 1, fast(), loopback(closedPort()));
    try (ServerSocket listening = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
         ActiveChecker checker = ActiveChecker.builder(tracker).probe(Probes.tcp(Duration.ofMillis(300))).start()) {
      events.await("moving", HealthEvent.Kind.WENT_DOWN);
      s.setAddress(loopback(listening.getLocalPort()));
      events.await("moving", HealthEvent.Kind.CAME_UP);
      assertEquals(loopback(listening.getLocalPort()), s.address());
    }
  }

  /** Dispatches to one probe per server id. */
  private static Probe byId(java.util.Map<String, Probe> probes) {
    return server -> probes.get(server.id()).check(server);
  }

  @Test
  void throwingNullAndHangingProbesFailAndTheSchedulingGoesOn() throws Exception {
    HealthPolicy policy = fast().toBuilder().checkTimeout(Duration.ofMillis(30)).build();
    Events events = new Events();
    HealthTracker tracker = HealthTracker.builder().listener(events).build();
    for (String id : List.of("throws", "hangs", "null", "ok")) {
      tracker.add(id, 1, policy);
    }
    AtomicInteger throwCalls = new AtomicInteger();
    AtomicInteger hangCalls = new AtomicInteger();
    AtomicInteger okCalls = new AtomicInteger();
    List<CompletableFuture<CheckResult>> hanging = new CopyOnWriteArrayList<>();
    ScheduledExecutorService userExecutor = Executors.newSingleThreadScheduledExecutor();
    try {
      ActiveChecker checker = ActiveChecker.builder(tracker).executor(userExecutor).probe(byId(java.util.Map.of(
          "throws", s -> {
            throwCalls.incrementAndGet();
            throw new IllegalStateException("probe bug");
          },
          "hangs", s -> {
            hangCalls.incrementAndGet();
            CompletableFuture<CheckResult> never = new CompletableFuture<>();
            hanging.add(never);
            return never;
          },
          "null", s -> null,
          "ok", s -> {
            okCalls.incrementAndGet();
            return CompletableFuture.completedFuture(CheckResult.of(true));
          }))).start();
      HealthEvent thrown = events.await("throws", HealthEvent.Kind.WENT_DOWN);
      assertEquals(CheckStatus.PROBE_ERROR, thrown.check().status());
      assertEquals("probe bug", thrown.check().info());
      assertEquals(CheckStatus.PROBE_TIMEOUT, events.await("hangs", HealthEvent.Kind.WENT_DOWN).check().status());
      assertEquals("probe returned null", events.await("null", HealthEvent.Kind.WENT_DOWN).check().info());
      int throwsSoFar = throwCalls.get();
      int hangsSoFar = hangCalls.get();
      awaitCondition(() -> throwCalls.get() > throwsSoFar + 2 && hangCalls.get() > hangsSoFar + 2);
      assertTrue(tracker.server("ok").orElseThrow().state().isUp());
      assertTrue(okCalls.get() > 0);
      assertTrue(hanging.stream().limit(hanging.size() - 1).allMatch(CompletableFuture::isCancelled),
          "timed-out probes are cancelled");
      checker.close();
      assertFalse(userExecutor.isShutdown(), "a user executor is not shut down by close()");
      int after = okCalls.get();
      userExecutor.submit(() -> { }).get(WAIT_SECONDS, TimeUnit.SECONDS);
      assertTrue(okCalls.get() <= after + 1, "at most a check already in flight finishes after close()");
    } finally {
      userExecutor.shutdownNow();
    }
  }

  @Test
  void closeLeavesNoThreadBehind() throws Exception {
    HealthTracker tracker = HealthTracker.builder().build();
    tracker.add("a", 1, fast());
    tracker.add("b", 1, fast());
    AtomicInteger calls = new AtomicInteger();
    ActiveChecker checker = ActiveChecker.builder(tracker).threads(2)
        .probe(s -> CompletableFuture.completedFuture(CheckResult.of(calls.incrementAndGet() % 3 != 0))).start();
    awaitCondition(() -> calls.get() > 10);
    assertTrue(ourThreads() > 0, "the checker runs on its own threads");
    checker.close();
    assertEquals(0, ourThreads(), "close() stops and awaits every owned thread");
    assertTrue(checker.isClosed());
  }

  /** A probe whose checks the test completes by hand: each call queues its server and pending result. */
  static final class ManualProbe implements Probe {
    record Call(TrackedServer server, CompletableFuture<CheckResult> result) {}

    final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();

    @Override
    public CompletableFuture<CheckResult> check(TrackedServer server) {
      CompletableFuture<CheckResult> f = new CompletableFuture<>();
      calls.add(new Call(server, f));
      return f;
    }

    Call awaitCall() throws InterruptedException {
      Call c = calls.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      if (c == null) {
        throw new AssertionError("no check started within " + WAIT_SECONDS + " s");
      }
      return c;
    }
  }

  /** inter 10 min: a check that happens within the test's wait bound was not a regular one. */
  private static HealthPolicy slow() {
    return HealthPolicy.builder().inter(Duration.ofMinutes(10)).rise(1).fall(1).checkTimeout(Duration.ofMinutes(10))
        .build();
  }

  /** Waits until the executor holds the next regular check, minutes away: no check in flight. */
  private static void awaitRegularCheckScheduled(ScheduledThreadPoolExecutor executor) throws InterruptedException {
    awaitCondition(() -> executor.getQueue().stream().anyMatch(task -> task instanceof RunnableScheduledFuture<?> f
        && !f.isCancelled() && f.getDelay(TimeUnit.SECONDS) > 60));
  }

  @Test
  void leavingMaintenanceChecksImmediately() throws Exception {
    Events events = new Events();
    HealthTracker tracker = HealthTracker.builder().listener(events).build();
    TrackedServer m = tracker.add("m", 1, slow());
    ManualProbe probe = new ManualProbe();
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
    try (ActiveChecker checker = ActiveChecker.builder(tracker).executor(executor).probe(probe).start()) {
      probe.awaitCall().result().complete(CheckResult.of(true)); // first check at start (position 0 of the stagger)
      awaitRegularCheckScheduled(executor);
      assertTrue(probe.calls.isEmpty());
      m.setAdminState(AdminState.MAINT);
      m.setAdminState(AdminState.READY);
      assertEquals(HealthEvent.Cause.MAINTENANCE, events.await("m", HealthEvent.Kind.WENT_DOWN).cause());
      events.await("m", HealthEvent.Kind.CAME_UP); // leaving MAINT: h = rise, UP at once
      probe.awaitCall().result().complete(CheckResult.of(false)); // checked at once, not 10 min later
      assertEquals(HealthEvent.Cause.CHECK_FAILURES, events.await("m", HealthEvent.Kind.WENT_DOWN).cause());
    } finally {
      executor.shutdownNow();
    }
  }

  /** The same while the first check is still running: the request to check at once is kept, not dropped. */
  @Test
  void leavingMaintenanceDuringACheckChecksAgainWhenItFinishes() throws Exception {
    Events events = new Events();
    HealthTracker tracker = HealthTracker.builder().listener(events).build();
    TrackedServer m = tracker.add("m", 1, slow());
    ManualProbe probe = new ManualProbe();
    try (ActiveChecker checker = ActiveChecker.builder(tracker).probe(probe).start()) {
      CompletableFuture<CheckResult> first = probe.awaitCall().result();
      m.setAdminState(AdminState.MAINT);
      m.setAdminState(AdminState.READY);
      assertEquals(HealthEvent.Cause.MAINTENANCE, events.await("m", HealthEvent.Kind.WENT_DOWN).cause());
      events.await("m", HealthEvent.Kind.CAME_UP);
      first.complete(CheckResult.of(true));
      probe.awaitCall().result().complete(CheckResult.of(false)); // not 10 min later
      assertEquals(HealthEvent.Cause.CHECK_FAILURES, events.await("m", HealthEvent.Kind.WENT_DOWN).cause());
    }
  }

  /** In MAINT the check task keeps running on schedule but no probe is started. */
  @Test
  void noProbeRunsWhileInMaintenance() throws Exception {
    HealthTracker tracker = HealthTracker.builder().build();
    TrackedServer m = tracker.add("m", 1, fast());
    m.setAdminState(AdminState.MAINT);
    ManualProbe probe = new ManualProbe();
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
    try (ActiveChecker checker = ActiveChecker.builder(tracker).executor(executor).probe(probe).start()) {
      long ranBefore = executor.getCompletedTaskCount();
      awaitCondition(() -> executor.getCompletedTaskCount() > ranBefore + 5);
      assertTrue(probe.calls.isEmpty(), "paused in MAINT");
      m.setAdminState(AdminState.READY);
      assertSame(m, probe.awaitCall().server());
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void aServerAddedAfterStartIsCheckedAtOnce() throws Exception {
    HealthTracker tracker = HealthTracker.builder().build();
    tracker.add("first", 1, slow());
    ManualProbe probe = new ManualProbe();
    try (ActiveChecker checker = ActiveChecker.builder(tracker).probe(probe).start()) {
      ManualProbe.Call first = probe.awaitCall();
      first.result().complete(CheckResult.of(true));
      TrackedServer late = tracker.add("late", 1, slow()); // inter 10 min: only "at once" fits the wait bound
      ManualProbe.Call call = probe.awaitCall();
      assertSame(late, call.server());
      call.result().complete(CheckResult.of(CheckStatus.L4_OK, 0, "", 1000));
      awaitCondition(() -> late.counters().lastCheck().status() == CheckStatus.L4_OK);
      assertEquals(2, checker.checkedCount());
    }
  }

  @Test
  void aRemovedServerIsNoLongerProbed() throws Exception {
    HealthTracker tracker = HealthTracker.builder().build();
    TrackedServer keep = tracker.add("keep", 1, fast());
    TrackedServer gone = tracker.add("gone", 1, fast());
    Set<TrackedServer> removed = ConcurrentHashMap.newKeySet();
    List<String> problems = new CopyOnWriteArrayList<>();
    AtomicInteger keptAfterRemoval = new AtomicInteger();
    Probe probe = s -> {
      if (removed.contains(s)) {
        problems.add("probed " + s.id() + " after its removal completed");
      } else if (!removed.isEmpty()) {
        keptAfterRemoval.incrementAndGet();
      }
      return CompletableFuture.completedFuture(CheckResult.of(true));
    };
    try (ActiveChecker checker = ActiveChecker.builder(tracker).probe(probe).threads(2).start()) {
      awaitCondition(() -> gone.counters().sinceLastCheckNanos() >= 0 && keep.counters().sinceLastCheckNanos() >= 0);
      assertTrue(tracker.remove(gone));
      removed.add(gone);
      assertEquals(1, checker.checkedCount());
      awaitCondition(() -> keptAfterRemoval.get() >= 20); // the other server's checks go on meanwhile
      assertTrue(problems.isEmpty(), () -> problems.toString());
    }
  }

  private static long ourThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(ActiveChecker.THREAD_NAME_PREFIX) && t.isAlive()).count();
  }

  static void awaitCondition(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    Object monitor = new Object();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached within " + WAIT_SECONDS + " s");
      }
      synchronized (monitor) {
        monitor.wait(5); // polls a condition of the code under test; no result depends on this pause
      }
    }
  }
}
