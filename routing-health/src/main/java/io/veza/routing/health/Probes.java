package io.veza.routing.health;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.IntPredicate;
import org.jspecify.annotations.Nullable;

/**
 * Factories of {@link Probe}s: HTTP (HAProxy {@code option httpchk} + {@code http-check expect status}), TCP connect
 * (plain {@code check}) and user functions. Results carry HAProxy's status codes ({@code L4OK}, {@code L4CON},
 * {@code L4TOUT}, {@code L7OK}, {@code L7STS}, {@code L7TOUT}, {@code L7RSP}), the HTTP status, the error detail and
 * the duration.
 */
public final class Probes {
  private Probes() {}

  /**
   * Wraps a user function that decides pass or fail.
   *
   * @param function starts one check of a server and completes with whether it passed
   * @return a probe reporting {@code PROCOK} / {@code PROCERR}
   */
  public static Probe of(Function<TrackedServer, ? extends CompletionStage<Boolean>> function) {
    Objects.requireNonNull(function, "function");
    return server -> {
      CompletionStage<Boolean> stage = function.apply(server);
      if (stage == null) {
        return CompletableFuture.completedFuture(CheckResult.of(false));
      }
      return stage.thenApply(ok -> CheckResult.of(Boolean.TRUE.equals(ok)));
    };
  }

  /**
   * An HTTP probe of {@code path} on each server's address ({@code http://host:port/path}), for example
   * {@code Probes.http(client, "/api/v1/health")}.
   *
   * @param client the JDK client used for requests (the caller owns it)
   * @param path the request path, starting with {@code /}
   * @return a builder (method, expected statuses, timeout)
   * @throws IllegalArgumentException if the path does not start with {@code /}
   */
  public static HttpProbeBuilder http(HttpClient client, String path) {
    Objects.requireNonNull(path, "path");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/', was \"" + path + "\"");
    }
    return http(client, server -> {
      InetSocketAddress a = server.address();
      if (a == null) {
        throw new IllegalStateException("server " + server.id() + " has no address");
      }
      String host = a.getHostString();
      if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
        host = "[" + host + "]"; // IPv6 literal
      }
      return URI.create("http://" + host + ":" + a.getPort() + path);
    });
  }

  /**
   * An HTTP probe builder (HAProxy {@code option httpchk <method> <uri>} + {@code http-check expect status}).
   * Defaults: method GET, passes on 2xx and 3xx (HAProxy's default expectation), request timeout none (the
   * checker's {@code checkTimeout} applies).
   *
   * @param client the JDK client used for requests (the caller owns it)
   * @param uris the URI to check for each server
   * @return a builder of the HTTP probe, with the defaults above
   */
  public static HttpProbeBuilder http(HttpClient client, Function<TrackedServer, URI> uris) {
    return new HttpProbeBuilder(Objects.requireNonNull(client, "client"), Objects.requireNonNull(uris, "uris"));
  }

  /**
   * A TCP connect probe (HAProxy plain {@code check}: a successful connect passes) to each server's address. Uses
   * {@link AsynchronousSocketChannel} on the JDK's default channel group; the channel is closed as soon as the
   * connect completes, fails, times out or the check is cancelled.
   *
   * @param connectTimeout connect timeout, &gt; 0 (HAProxy {@code timeout connect}); the checker's
   *     {@code checkTimeout} applies as well
   * @return a probe that passes when a TCP connection to the server's address opens within the timeout
   * @throws IllegalArgumentException if the timeout is not positive
   */
  public static Probe tcp(Duration connectTimeout) {
    if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout must be > 0, was " + connectTimeout);
    }
    long timeoutNanos = connectTimeout.toNanos();
    return layered(CheckStatus.L4_TIMEOUT, server -> {
      Ticker ticker = server.tracker().ticker();
      long start = ticker.read();
      InetSocketAddress address = server.address();
      if (address == null) {
        return CompletableFuture.completedFuture(
            CheckResult.of(CheckStatus.SOCKET_ERROR, 0, "no address", 0));
      }
      CompletableFuture<CheckResult> result = new CompletableFuture<>();
      AsynchronousSocketChannel channel;
      try {
        channel = AsynchronousSocketChannel.open();
      } catch (IOException e) {
        return CompletableFuture.completedFuture(
            CheckResult.of(CheckStatus.SOCKET_ERROR, 0, detail(e), ticker.read() - start));
      }
      result.whenComplete((ok, error) -> closeQuietly(channel));
      try {
        channel.connect(address, null, new CompletionHandler<Void, Void>() {
          @Override
          public void completed(Void v, Void attachment) {
            result.complete(CheckResult.of(CheckStatus.L4_OK, 0, "", ticker.read() - start));
          }

          @Override
          public void failed(Throwable error, Void attachment) {
            result.complete(CheckResult.of(CheckStatus.L4_CONNECTION_PROBLEM, 0, detail(error),
                ticker.read() - start));
          }
        });
      } catch (RuntimeException e) {
        result.complete(CheckResult.of(CheckStatus.SOCKET_ERROR, 0, detail(e), ticker.read() - start));
      }
      // completeOnTimeout uses the JDK's shared delayer thread, not one of ours; the stage returned is `result`
      // itself, so the checker cancelling it (its own timeout) completes it and closes the channel at once
      return result.completeOnTimeout(CheckResult.of(CheckStatus.L4_TIMEOUT, 0, "", timeoutNanos), timeoutNanos,
          TimeUnit.NANOSECONDS);
    });
  }

  /** A probe whose checker timeout is reported with {@code timeout} (its layer). */
  private static Probe layered(CheckStatus timeout, Probe probe) {
    return new Probe() {
      @Override
      public CompletionStage<CheckResult> check(TrackedServer server) {
        return probe.check(server);
      }

      @Override
      public CheckStatus timeoutStatus() {
        return timeout;
      }
    };
  }

  private static void closeQuietly(AsynchronousSocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing to do: the check result is already decided
    }
  }

  /** The innermost message of an error chain, as HAProxy's check {@code info} ("Connection refused"). */
  static String detail(@Nullable Throwable error) {
    Throwable t = error;
    while (t != null && (t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    String message = null;
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getMessage() != null && !c.getMessage().isEmpty()) {
        message = c.getMessage();
      }
      if (c.getCause() == c) {
        break;
      }
    }
    if (message == null && t != null) {
      message = t.getClass().getSimpleName();
    }
    return message == null ? "" : message;
  }

  /** Builder of an HTTP probe; not thread-safe, the built probe is. */
  public static final class HttpProbeBuilder {
    private final HttpClient client;
    private final Function<TrackedServer, URI> uris;
    private String method = "GET";
    private IntPredicate expectedStatus = status -> status >= 200 && status < 400;
    private @Nullable Duration requestTimeout;

    private HttpProbeBuilder(HttpClient client, Function<TrackedServer, URI> uris) {
      this.client = client;
      this.uris = uris;
    }

    /**
     * HTTP method (HAProxy {@code option httpchk <method>}), default GET.
     *
     * @param method for example {@code HEAD} or {@code OPTIONS}
     * @return this builder
     * @throws IllegalArgumentException if blank
     */
    public HttpProbeBuilder method(String method) {
      if (method == null || method.isBlank()) {
        throw new IllegalArgumentException("method must be non-blank, was " + method);
      }
      this.method = method;
      return this;
    }

    /**
     * Passing statuses (HAProxy {@code http-check expect status}); default 2xx and 3xx.
     *
     * @param expected the statuses that pass
     * @return this builder
     */
    public HttpProbeBuilder expectStatus(IntPredicate expected) {
      this.expectedStatus = Objects.requireNonNull(expected, "expected");
      return this;
    }

    /**
     * Passing statuses as an inclusive range, e.g. {@code expectStatusRange(200, 299)}.
     *
     * @param fromInclusive lowest passing status
     * @param toInclusive highest passing status
     * @return this builder
     * @throws IllegalArgumentException if {@code fromInclusive > toInclusive}
     */
    public HttpProbeBuilder expectStatusRange(int fromInclusive, int toInclusive) {
      if (fromInclusive > toInclusive) {
        throw new IllegalArgumentException(
            "expectStatusRange must have from <= to, was " + fromInclusive + ".." + toInclusive);
      }
      return expectStatus(s -> s >= fromInclusive && s <= toInclusive);
    }

    /**
     * Per-request timeout given to the {@link HttpClient} (optional; the checker's checkTimeout applies anyway).
     *
     * @param timeout the timeout, &gt; 0, or null for none
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public HttpProbeBuilder requestTimeout(@Nullable Duration timeout) {
      if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
        throw new IllegalArgumentException("requestTimeout must be > 0, was " + timeout);
      }
      this.requestTimeout = timeout;
      return this;
    }

    /**
     * Builds the probe.
     *
     * @return a probe that sends this builder's request to each server and passes on an expected status
     */
    public Probe build() {
      String m = method;
      IntPredicate expected = expectedStatus;
      Duration timeout = requestTimeout;
      return layered(CheckStatus.L7_TIMEOUT, server -> {
        Ticker ticker = server.tracker().ticker();
        long start = ticker.read();
        HttpRequest.Builder rb;
        try {
          rb = HttpRequest.newBuilder(uris.apply(server))
              .method(m, HttpRequest.BodyPublishers.noBody())
              .header("User-Agent", "veza-routing-health");
        } catch (RuntimeException e) {
          return CompletableFuture.completedFuture(
              CheckResult.of(CheckStatus.SOCKET_ERROR, 0, detail(e), ticker.read() - start));
        }
        if (timeout != null) {
          rb.timeout(timeout);
        }
        return client.sendAsync(rb.build(), HttpResponse.BodyHandlers.discarding())
            .thenApply(response -> {
              int code = response.statusCode();
              return CheckResult.of(expected.test(code) ? CheckStatus.L7_OK : CheckStatus.L7_WRONG_STATUS, code,
                  "HTTP status check returned code <" + code + ">", ticker.read() - start);
            })
            .exceptionally(e -> failure(e, ticker.read() - start));
      });
    }

    private static CheckResult failure(Throwable error, long duration) {
      Throwable t = error;
      while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
        t = t.getCause();
      }
      CheckStatus status;
      if (t instanceof HttpConnectTimeoutException) {
        status = CheckStatus.L4_TIMEOUT;
      } else if (t instanceof HttpTimeoutException || t instanceof TimeoutException) {
        status = CheckStatus.L7_TIMEOUT;
      } else if (t instanceof ConnectException) {
        status = CheckStatus.L4_CONNECTION_PROBLEM;
      } else {
        status = CheckStatus.L7_INVALID_RESPONSE;
      }
      String info = detail(t);
      if (status == CheckStatus.L4_CONNECTION_PROBLEM && info.equals("ConnectException")) {
        info = "Connection refused";
      }
      return CheckResult.of(status, 0, info, duration);
    }
  }
}
