package io.veza.routing.interop;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.veza.routing.BackendPool;
import io.veza.routing.RouteDecision;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Threads on which the library's round robin starts where HAProxy's does. The pool's round robin keeps one position
 * per thread stripe and starts the stripes apart ({@code RoundRobin.Positions}), so that the first picks of different
 * threads spread; HAProxy has one position, and its first pick is the first server. A single-threaded gateway on the
 * first stripe walks the same sequence as HAProxy, so the suite runs each library side on such a thread, found by
 * probing through the public API: on a fresh pool of 64 equal servers, a thread's first pick is the first server
 * only on the stripe that starts at position 0.
 */
final class FirstStripe {
  private static final int ATTEMPTS = 256;

  private FirstStripe() {}

  /** Whether the calling thread's first round-robin pick in a fresh pool is the first server. */
  static boolean onFirstStripe() {
    BackendPool.Builder b = BackendPool.builder("probe");
    for (int i = 0; i < 64; i++) {
      b.server("p" + i, new InetSocketAddress(InetAddress.getLoopbackAddress(), 1 + i));
    }
    try (BackendPool pool = b.build()) {
      RouteDecision d = pool.route(null);
      return d.server() != null && d.server().id().equals("p0");
    }
  }

  /** A single-thread executor whose thread is on the first stripe. */
  static ExecutorService executor() throws Exception {
    List<ExecutorService> rejected = new ArrayList<>();
    try {
      for (int i = 0; i < ATTEMPTS; i++) {
        ExecutorService e = Executors.newSingleThreadExecutor(r -> {
          Thread t = new Thread(r, "library-gateway");
          t.setDaemon(true);
          return t;
        });
        if (e.submit(FirstStripe::onFirstStripe).get()) {
          return e;
        }
        rejected.add(e);
      }
    } finally {
      rejected.forEach(ExecutorService::shutdownNow);
    }
    throw new AssertionError("no thread on the first round-robin stripe in " + ATTEMPTS + " attempts");
  }

  /** A one-thread Netty event loop group whose thread is on the first stripe. */
  static EventLoopGroup eventLoop() throws Exception {
    List<EventLoopGroup> rejected = new ArrayList<>();
    try {
      for (int i = 0; i < ATTEMPTS; i++) {
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        if (g.submit(FirstStripe::onFirstStripe).get()) {
          return g;
        }
        rejected.add(g);
      }
    } finally {
      rejected.forEach(EventLoopGroup::shutdownGracefully);
    }
    throw new AssertionError("no event loop on the first round-robin stripe in " + ATTEMPTS + " attempts");
  }
}
