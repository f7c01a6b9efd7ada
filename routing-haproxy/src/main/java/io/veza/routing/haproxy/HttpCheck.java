package io.veza.routing.haproxy;

import io.veza.routing.health.Probe;
import io.veza.routing.health.Probes;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The HTTP health check of a backend: HAProxy's {@code option httpchk [<method>] [<uri>] [<version>]} merged with
 * {@code http-check send meth|uri|ver} and {@code http-check expect [!] status <codes>}, with HAProxy's defaults
 * ({@code OPTIONS / HTTP/1.0}, expecting a status in 200-399). Build the pool's probe with {@link #probe(HttpClient)}
 * and pass it to {@link io.veza.routing.BackendPool#startChecks}. Immutable.
 *
 * <p>The JDK client decides the HTTP version it speaks ({@link HttpClient.Builder#version}); {@link #version()} is
 * what the configuration asked for, so that a gateway can build its client to match.
 */
public final class HttpCheck {
  private final String method;
  private final String uri;
  private final String version;
  private final int[][] codes;
  private final boolean inverse;

  HttpCheck(String method, String uri, String version, int[][] codes, boolean inverse) {
    this.method = method;
    this.uri = uri;
    this.version = version;
    this.codes = codes;
    this.inverse = inverse;
  }

  /** HAProxy's default: {@code option httpchk} alone. */
  static HttpCheck defaults() {
    return new HttpCheck("OPTIONS", "/", "HTTP/1.0", new int[][] {{200, 399}}, false);
  }

  HttpCheck with(String newMethod, String newUri, String newVersion) {
    return new HttpCheck(newMethod, newUri, newVersion, codes, inverse);
  }

  HttpCheck expecting(int[][] newCodes, boolean newInverse) {
    return new HttpCheck(method, uri, version, newCodes, newInverse);
  }

  /**
   * The request method (default {@code OPTIONS}).
   *
   * @return the method
   */
  public String method() {
    return method;
  }

  /**
   * The request URI, a path starting with {@code /} (default {@code /}).
   *
   * @return the URI
   */
  public String uri() {
    return uri;
  }

  /**
   * The HTTP version the configuration asks for (default {@code HTTP/1.0}).
   *
   * @return the version
   */
  public String version() {
    return version;
  }

  /**
   * Whether a response status passes the check ({@code http-check expect [!] status <codes>}).
   *
   * @param status an HTTP status
   * @return whether the check passes
   */
  public boolean passes(int status) {
    boolean in = false;
    for (int[] range : codes) {
      if (status >= range[0] && status <= range[1]) {
        in = true;
        break;
      }
    }
    return in != inverse;
  }

  /**
   * The expectation as HAProxy writes it, e.g. {@code status 200-399} or {@code ! status 500-599}.
   *
   * @return the expectation
   */
  public String expectation() {
    List<String> parts = new ArrayList<>();
    for (int[] r : codes) {
      parts.add(r[0] == r[1] ? Integer.toString(r[0]) : r[0] + "-" + r[1]);
    }
    return (inverse ? "! " : "") + "status " + String.join(",", parts);
  }

  /**
   * A probe that sends this check's request to each server and passes on the expected statuses.
   *
   * @param client the JDK client the probe uses (the caller owns it)
   * @return the probe
   */
  public Probe probe(HttpClient client) {
    return Probes.http(client, uri).method(method).expectStatus(this::passes).build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HttpCheck c && c.method.equals(method) && c.uri.equals(uri) && c.version.equals(version)
        && c.expectation().equals(expectation());
  }

  @Override
  public int hashCode() {
    return Objects.hash(method, uri, version, expectation());
  }

  /** The configuration lines: {@code option httpchk M U V} and {@code http-check expect ...}. */
  @Override
  public String toString() {
    return "option httpchk " + method + " " + uri + " " + version + "\n" + "http-check expect " + expectation();
  }
}
