package io.veza.routing.examples.gateway;

import io.netty.handler.ssl.SslContext;
import io.veza.routing.BackendPool;
import io.veza.routing.netty.ProxyStats;
import io.veza.routing.netty.RoutingProxy;
import io.veza.routing.netty.TlsProfiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;

/**
 * The Veza gateway: a thin configuration of {@code routing-netty}'s {@link RoutingProxy} (one {@link BackendPool}
 * per path prefix: {@code /api/} and {@code /ws} to {@code backend-api}, {@code /hls/} to {@code stream-server}),
 * with TLS termination (Mozilla intermediate profile) when given a certificate. Everything a request goes through
 * (normalisation, routing, the request and response phases, retries, connection reuse, WebSocket sessions) is the
 * module's; see its README.
 */
public final class Gateway implements AutoCloseable {
  private final RoutingProxy proxy;
  private final boolean tls;

  private Gateway(RoutingProxy proxy, boolean tls) {
    this.proxy = proxy;
    this.tls = tls;
  }

  /**
   * A builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the listening socket.
   *
   * @return this gateway
   * @throws InterruptedException if interrupted while binding
   */
  public Gateway start() throws InterruptedException {
    proxy.start();
    return this;
  }

  /**
   * The address the gateway listens on.
   *
   * @return the address
   */
  public InetSocketAddress address() {
    return proxy.address();
  }

  /**
   * Whether it terminates TLS.
   *
   * @return true with a certificate
   */
  public boolean tls() {
    return tls;
  }

  /**
   * Whether it runs on native epoll.
   *
   * @return true on epoll
   */
  public boolean nativeTransport() {
    return proxy.nativeTransport();
  }

  /**
   * Counters since start.
   *
   * @return the counters
   */
  public ProxyStats.Snapshot stats() {
    return proxy.stats();
  }

  @Override
  public void close() {
    proxy.close();
  }

  /** Builder; not thread-safe. */
  public static final class Builder {
    private final RoutingProxy.Builder proxy = RoutingProxy.builder();
    private boolean tls;

    private Builder() {}

    /**
     * Requests whose normalised path starts with {@code pathPrefix} go to {@code pool}.
     *
     * @param pathPrefix the prefix
     * @param pool the pool
     * @return this builder
     */
    public Builder route(String pathPrefix, BackendPool pool) {
      proxy.route(pathPrefix, pool);
      return this;
    }

    /**
     * Listening address (default loopback).
     *
     * @param address the address
     * @return this builder
     */
    public Builder bindAddress(InetAddress address) {
      proxy.bindAddress(address);
      return this;
    }

    /**
     * Listening port (default ephemeral).
     *
     * @param port the port
     * @return this builder
     */
    public Builder port(int port) {
      proxy.port(port);
      return this;
    }

    /**
     * HAProxy {@code timeout connect}.
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      proxy.connectTimeout(timeout);
      return this;
    }

    /**
     * HAProxy {@code timeout server}.
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder responseTimeout(Duration timeout) {
      proxy.responseTimeout(timeout);
      return this;
    }

    /**
     * Idle timeout of parked keep-alive backend connections.
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder idleTimeout(Duration timeout) {
      proxy.idleTimeout(timeout);
      return this;
    }

    /**
     * Event loop threads (default one per available core).
     *
     * @param threads the count
     * @return this builder
     */
    public Builder threads(int threads) {
      proxy.threads(threads);
      return this;
    }

    /**
     * Terminates TLS with the key and certificate chain of a PKCS#12 key store (Mozilla intermediate: TLS 1.2 and
     * 1.3, its cipher list).
     *
     * @param keyStore the PKCS#12 file
     * @param password its password (also the key's)
     * @return this builder
     * @throws IOException if the file cannot be read
     * @throws GeneralSecurityException if it is not a usable key store
     */
    public Builder tls(Path keyStore, char[] password) throws IOException, GeneralSecurityException {
      Objects.requireNonNull(keyStore, "keyStore");
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keyStore)) {
        ks.load(in, password);
      }
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, password);
      SslContext context = TlsProfiles.mozillaIntermediate(kmf);
      proxy.tls(context);
      tls = true;
      return this;
    }

    /**
     * Builds the gateway (not started).
     *
     * @return the gateway
     */
    public Gateway build() {
      return new Gateway(proxy.build(), tls);
    }
  }
}
