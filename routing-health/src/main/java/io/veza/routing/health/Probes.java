package io.veza.routing.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;

/** Factories of {@link Probe}s: HTTP (HAProxy {@code option httpchk}), TCP connect (plain {@code check}), functions. */
public final class Probes {
  private Probes() {}

  /** Wraps a user function returning a {@link CompletionStage}. */
  public static Probe of(Probe function) {
    return Objects.requireNonNull(function, "function");
  }

  /**
   * An HTTP probe builder (HAProxy {@code option httpchk <method> <uri>} + {@code http-check expect status}).
   * Defaults: method GET, passes on 2xx and 3xx (HAProxy's default expectation), request timeout none (the
   * checker's {@code checkTimeout} applies).
   *
   * @param client the JDK client used for requests (the caller owns it)
   * @param uris the URI to check for each server index, e.g. {@code i -> URI.create("http://" + host(i) + "/health")}
   */
  public static HttpProbeBuilder http(HttpClient client, IntFunction<URI> uris) {
    return new HttpProbeBuilder(Objects.requireNonNull(client, "client"), Objects.requireNonNull(uris, "uris"));
  }

  /**
   * A TCP connect probe (HAProxy plain {@code check}: a successful connect passes). Uses
   * {@link AsynchronousSocketChannel} on the JDK's default channel group; the channel is closed as soon as the
   * connect completes, fails, times out or the check is cancelled.
   *
   * @param addresses the address of each server index
   * @param connectTimeout connect timeout, &gt; 0 (HAProxy {@code timeout connect}); the checker's
   *     {@code checkTimeout} applies as well
   */
  public static Probe tcp(IntFunction<InetSocketAddress> addresses, Duration connectTimeout) {
    Objects.requireNonNull(addresses, "addresses");
    if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout must be > 0, was " + connectTimeout);
    }
    long timeoutNanos = connectTimeout.toNanos();
    return server -> {
      CompletableFuture<Boolean> result = new CompletableFuture<>();
      AsynchronousSocketChannel channel;
      try {
        channel = AsynchronousSocketChannel.open();
      } catch (IOException e) {
        return CompletableFuture.completedFuture(false);
      }
      result.whenComplete((ok, error) -> closeQuietly(channel));
      try {
        channel.connect(addresses.apply(server), null, new CompletionHandler<Void, Void>() {
          @Override
          public void completed(Void v, Void attachment) {
            result.complete(true);
          }

          @Override
          public void failed(Throwable error, Void attachment) {
            result.complete(false);
          }
        });
      } catch (RuntimeException e) {
        result.complete(false);
      }
      // orTimeout uses the JDK's shared delayer thread, not one of ours
      return result.orTimeout(timeoutNanos, TimeUnit.NANOSECONDS).exceptionally(e -> false);
    };
  }

  private static void closeQuietly(AsynchronousSocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing to do: the check result is already decided
    }
  }

  /** Builder of an HTTP probe; not thread-safe, the built probe is. */
  public static final class HttpProbeBuilder {
    private final HttpClient client;
    private final IntFunction<URI> uris;
    private String method = "GET";
    private IntPredicate expectedStatus = status -> status >= 200 && status < 400;
    private Duration requestTimeout;

    private HttpProbeBuilder(HttpClient client, IntFunction<URI> uris) {
      this.client = client;
      this.uris = uris;
    }

    /** HTTP method (HAProxy {@code option httpchk <method>}), default GET; HEAD, OPTIONS etc. are fine. */
    public HttpProbeBuilder method(String method) {
      if (method == null || method.isBlank()) {
        throw new IllegalArgumentException("method must be non-blank, was " + method);
      }
      this.method = method;
      return this;
    }

    /** Passing statuses (HAProxy {@code http-check expect status}); default 2xx and 3xx. */
    public HttpProbeBuilder expectStatus(IntPredicate expected) {
      this.expectedStatus = Objects.requireNonNull(expected, "expected");
      return this;
    }

    /** Passing statuses as an inclusive range, e.g. {@code expectStatusRange(200, 299)}. */
    public HttpProbeBuilder expectStatusRange(int fromInclusive, int toInclusive) {
      if (fromInclusive > toInclusive) {
        throw new IllegalArgumentException(
            "expectStatusRange must have from <= to, was " + fromInclusive + ".." + toInclusive);
      }
      return expectStatus(s -> s >= fromInclusive && s <= toInclusive);
    }

    /** Per-request timeout given to the {@link HttpClient} (optional; the checker's checkTimeout applies anyway). */
    public HttpProbeBuilder requestTimeout(Duration timeout) {
      if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
        throw new IllegalArgumentException("requestTimeout must be > 0, was " + timeout);
      }
      this.requestTimeout = timeout;
      return this;
    }

    /** Builds the probe. */
    public Probe build() {
      String m = method;
      IntPredicate expected = expectedStatus;
      Duration timeout = requestTimeout;
      return server -> {
        HttpRequest.Builder rb = HttpRequest.newBuilder(uris.apply(server))
            .method(m, HttpRequest.BodyPublishers.noBody())
            .header("User-Agent", "veza-routing-health");
        if (timeout != null) {
          rb.timeout(timeout);
        }
        return client.sendAsync(rb.build(), HttpResponse.BodyHandlers.discarding())
            .thenApply(response -> expected.test(response.statusCode()))
            .exceptionally(e -> false);
      };
    }
  }
}
