package io.veza.routing.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The checker against real loopback servers. Waits are on events (with a generous upper bound), never on sleeps.
 */
class ActiveCheckerTest {
  static final long WAIT_SECONDS = 20;

  private static HealthPolicy fast() {
    return HealthPolicy.builder().inter(Duration.ofMillis(30)).fastInter(Duration.ofMillis(20))
        .downInter(Duration.ofMillis(40)).checkTimeout(Duration.ofSeconds(2)).rise(2).fall(2).spreadPercent(10)
        .build();
  }

  /** Listener collecting events; {@link #await} takes the earliest matching event not taken yet. */
  private static final class Events implements HealthListener {
    private final java.util.ArrayList<HealthEvent> pending = new java.util.ArrayList<>();

    @Override
    public synchronized void onEvent(HealthEvent e) {
      pending.add(e);
      notifyAll();
    }

    synchronized HealthEvent await(int server, HealthEvent.Kind kind) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (true) {
        for (int k = 0; k < pending.size(); k++) {
          HealthEvent e = pending.get(k);
          if (e.server() == server && e.kind() == kind) {
            return pending.remove(k);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no " + kind + " of server " + server + " within " + WAIT_SECONDS + " s");
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
  }

  @Test
  void httpServerHealthyFailingRecoveringStopped() throws Exception {
    AtomicInteger status = new AtomicInteger(200);
    AtomicInteger requests = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/health", exchange -> {
      requests.incrementAndGet();
      exchange.sendResponseHeaders(status.get(), -1);
      exchange.close();
    });
    server.start();
    int port = server.getAddress().getPort();
    Events events = new Events();
    HealthTracker tracker = HealthTracker.builder().addServer("web", 1, fast()).listener(events).build();
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    Probe probe = Probes.http(client, i -> URI.create("http://127.0.0.1:" + port + "/health")).build();
    try (ActiveChecker checker = ActiveChecker.builder(tracker).probe(probe).random(7).start()) {
      assertTrue(tracker.snapshot().isUp(0));
      status.set(503);
      HealthEvent down = events.await(0, HealthEvent.Kind.WENT_DOWN);
      assertEquals(HealthEvent.Cause.CHECK_FAILURES, down.cause());
      status.set(302); // 3xx passes by default
      events.await(0, HealthEvent.Kind.CAME_UP);
      assertTrue(tracker.snapshot().isUp(0));
      server.stop(0);
      events.await(0, HealthEvent.Kind.WENT_DOWN);
      assertFalse(tracker.snapshot().isUp(0));
      assertFalse(checker.isClosed());
    } finally {
      server.stop(0);
    }
    assertTrue(requests.get() >= 2, "coming back UP from h = 0 took two passed checks (rise 2)");
  }

  @Test
  void httpProbeMethodAndExpectedStatuses() throws Exception {
    BlockingQueue<String> methods = new LinkedBlockingQueue<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      methods.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    server.start();
    try {
      HttpClient client = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ready");
      Probe head = Probes.http(client, i -> uri).method("HEAD").build();
      assertTrue(head.check(0).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS));
      assertEquals("HEAD /ready", methods.poll(WAIT_SECONDS, TimeUnit.SECONDS));
      Probe only200 = Probes.http(client, i -> uri).expectStatusRange(200, 200).build();
      assertFalse(only200.check(0).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS), "204 is not 200");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void tcpServerThatClosesAndReopens() throws Exception {
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    int port = socket.getLocalPort();
    Events events = new Events();
    HealthTracker tracker = HealthTracker.builder().addServer("tcp", 1, fast()).listener(events).build();
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    try (ActiveChecker checker = ActiveChecker.builder(tracker)
        .probe(Probes.tcp(i -> address, Duration.ofMillis(300))).start()) {
      socket.close(); // connection refused from now on
      events.await(0, HealthEvent.Kind.WENT_DOWN);
      ServerSocket reopened = new ServerSocket();
      reopened.setReuseAddress(true);
      reopened.bind(address);
      try {
        events.await(0, HealthEvent.Kind.CAME_UP);
        assertTrue(tracker.snapshot().isUp(0));
      } finally {
        reopened.close();
      }
    }
  }

  @Test
  void throwingAndHangingProbesFailAndTheSchedulerKeepsGoing() throws Exception {
    HealthPolicy policy = fast().toBuilder().checkTimeout(Duration.ofMillis(30)).build();
    Events events = new Events();
    HealthTracker tracker = HealthTracker.builder().addServer("throws", 1, policy).addServer("hangs", 1, policy)
        .addServer("null", 1, policy).addServer("ok", 1, policy).listener(events).build();
    AtomicInteger throwCalls = new AtomicInteger();
    AtomicInteger hangCalls = new AtomicInteger();
    AtomicInteger okCalls = new AtomicInteger();
    List<CompletableFuture<Boolean>> hanging = new java.util.concurrent.CopyOnWriteArrayList<>();
    ScheduledExecutorService userExecutor = Executors.newSingleThreadScheduledExecutor();
    try {
      ActiveChecker checker = ActiveChecker.builder(tracker)
          .executor(userExecutor)
          .probe(0, i -> {
            throwCalls.incrementAndGet();
            throw new IllegalStateException("probe bug");
          })
          .probe(1, i -> {
            hangCalls.incrementAndGet();
            CompletableFuture<Boolean> never = new CompletableFuture<>();
            hanging.add(never);
            return never;
          })
          .probe(2, i -> null)
          .probe(3, i -> {
            okCalls.incrementAndGet();
            return CompletableFuture.completedFuture(true);
          })
          .start();
      events.await(0, HealthEvent.Kind.WENT_DOWN);
      events.await(1, HealthEvent.Kind.WENT_DOWN);
      events.await(2, HealthEvent.Kind.WENT_DOWN);
      int throwsSoFar = throwCalls.get();
      int hangsSoFar = hangCalls.get();
      awaitCondition(() -> throwCalls.get() > throwsSoFar + 2 && hangCalls.get() > hangsSoFar + 2);
      assertTrue(tracker.snapshot().isUp(3));
      assertTrue(okCalls.get() > 0);
      assertTrue(hanging.stream().limit(hanging.size() - 1).allMatch(CompletableFuture::isCancelled),
          "timed-out probes are cancelled");
      checker.close();
      assertFalse(userExecutor.isShutdown(), "a user executor is not shut down by close()");
      int after = okCalls.get();
      // the user executor keeps running other work; none of it is ours any more
      userExecutor.submit(() -> { }).get(WAIT_SECONDS, TimeUnit.SECONDS);
      assertTrue(okCalls.get() <= after + 1, "at most a check already in flight finishes after close()");
    } finally {
      userExecutor.shutdownNow();
    }
  }

  @Test
  void closeLeavesNoThreadBehind() throws Exception {
    HealthTracker tracker = HealthTracker.builder().addServer("a", 1, fast()).addServer("b", 1, fast()).build();
    AtomicInteger calls = new AtomicInteger();
    ActiveChecker checker = ActiveChecker.builder(tracker).threads(2)
        .probe(i -> CompletableFuture.completedFuture(calls.incrementAndGet() % 3 != 0)).start();
    awaitCondition(() -> calls.get() > 10);
    assertTrue(ourThreads() > 0, "the checker runs on its own threads");
    checker.close();
    assertEquals(0, ourThreads(), "close() stops and awaits every owned thread");
    int after = calls.get();
    assertEquals(after, calls.get());
  }

  /** A probe whose checks the test completes by hand: each call queues its pending result. */
  private static final class ManualProbe implements Probe {
    final BlockingQueue<CompletableFuture<Boolean>> calls = new LinkedBlockingQueue<>();

    @Override
    public CompletableFuture<Boolean> check(int server) {
      CompletableFuture<Boolean> f = new CompletableFuture<>();
      calls.add(f);
      return f;
    }

    CompletableFuture<Boolean> awaitCall() throws InterruptedException {
      CompletableFuture<Boolean> f = calls.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      if (f == null) {
        throw new AssertionError("no check started within " + WAIT_SECONDS + " s");
      }
      return f;
    }
  }

  private static HealthPolicy minuteInterval() {
    return HealthPolicy.builder().inter(Duration.ofSeconds(60)).rise(1).fall(1).checkTimeout(Duration.ofSeconds(60))
        .build();
  }

  /** Waits until the executor holds the next regular check, 60 s away: the first check is over, none in flight. */
  private static void awaitMinuteCheckScheduled(ScheduledThreadPoolExecutor executor) throws InterruptedException {
    awaitCondition(() -> executor.getQueue().stream().anyMatch(task -> task instanceof RunnableScheduledFuture<?> f
        && !f.isCancelled() && f.getDelay(TimeUnit.SECONDS) > 50));
  }

  @Test
  void leavingMaintenanceChecksImmediately() throws Exception {
    Events events = new Events();
    HealthTracker tracker = HealthTracker.builder().addServer("m", 1, minuteInterval()).listener(events).build();
    ManualProbe probe = new ManualProbe();
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
    try (ActiveChecker checker = ActiveChecker.builder(tracker).executor(executor).probe(probe).start()) {
      probe.awaitCall().complete(true); // first check at start (position 0 of the stagger)
      awaitMinuteCheckScheduled(executor);
      assertTrue(probe.calls.isEmpty());
      tracker.setAdminState(0, AdminState.MAINT);
      tracker.setAdminState(0, AdminState.READY);
      assertEquals(HealthEvent.Cause.MAINTENANCE, events.await(0, HealthEvent.Kind.WENT_DOWN).cause());
      events.await(0, HealthEvent.Kind.CAME_UP); // leaving MAINT: h = rise, UP at once
      // the next regular check is 60 s away; leaving MAINT checks at once, and that check fails
      probe.awaitCall().complete(false);
      assertEquals(HealthEvent.Cause.CHECK_FAILURES, events.await(0, HealthEvent.Kind.WENT_DOWN).cause());
    } finally {
      executor.shutdownNow();
    }
  }

  /** The same while the first check is still running: the request to check at once is kept, not dropped. */
  @Test
  void leavingMaintenanceDuringACheckChecksAgainWhenItFinishes() throws Exception {
    Events events = new Events();
    HealthTracker tracker = HealthTracker.builder().addServer("m", 1, minuteInterval()).listener(events).build();
    ManualProbe probe = new ManualProbe();
    try (ActiveChecker checker = ActiveChecker.builder(tracker).probe(probe).start()) {
      CompletableFuture<Boolean> first = probe.awaitCall();
      tracker.setAdminState(0, AdminState.MAINT);
      tracker.setAdminState(0, AdminState.READY);
      assertEquals(HealthEvent.Cause.MAINTENANCE, events.await(0, HealthEvent.Kind.WENT_DOWN).cause());
      events.await(0, HealthEvent.Kind.CAME_UP);
      first.complete(true);
      probe.awaitCall().complete(false); // not 60 s later
      assertEquals(HealthEvent.Cause.CHECK_FAILURES, events.await(0, HealthEvent.Kind.WENT_DOWN).cause());
    }
  }

  private static long ourThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(ActiveChecker.THREAD_NAME_PREFIX) && t.isAlive()).count();
  }

  private static void awaitCondition(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    Object monitor = new Object();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached within " + WAIT_SECONDS + " s");
      }
      synchronized (monitor) {
        monitor.wait(5); // polling an external condition, not passing time for the code under test
      }
    }
  }
}
