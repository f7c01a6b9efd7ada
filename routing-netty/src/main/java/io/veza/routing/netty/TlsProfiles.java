package io.veza.routing.netty;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;

/**
 * Server TLS contexts for {@link RoutingProxy.Builder#tls}: the Mozilla "intermediate" configuration (server side
 * TLS guidelines, version 5.7): TLS 1.2 and 1.3 only, and only these cipher suites, in this order (the JDK's names;
 * Mozilla's OpenSSL names in the comments). The JDK provider is used, so no native library is needed.
 */
public final class TlsProfiles {
  /** The protocols: TLS 1.3 and TLS 1.2. */
  public static final List<String> MOZILLA_INTERMEDIATE_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /** The cipher suites: the TLS 1.3 ones, then the TLS 1.2 ECDHE and DHE AEAD ones. */
  public static final List<String> MOZILLA_INTERMEDIATE_CIPHERS = List.of(
      "TLS_AES_128_GCM_SHA256", // TLS 1.3
      "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", // ECDHE-ECDSA-AES128-GCM-SHA256
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", // ECDHE-RSA-AES128-GCM-SHA256
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", // ECDHE-ECDSA-AES256-GCM-SHA384
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", // ECDHE-RSA-AES256-GCM-SHA384
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", // ECDHE-ECDSA-CHACHA20-POLY1305
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", // ECDHE-RSA-CHACHA20-POLY1305
      "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", // DHE-RSA-AES128-GCM-SHA256
      "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", // DHE-RSA-AES256-GCM-SHA384
      "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"); // DHE-RSA-CHACHA20-POLY1305

  private TlsProfiles() {}

  /**
   * A server context with the Mozilla intermediate protocols and ciphers, the server's cipher order being advisory
   * as Mozilla recommends for this profile (all of them are strong), and ALPN left out (HTTP/1.1 only).
   *
   * @param keys the server's key and certificate chain (e.g. from a PKCS#12 key store)
   * @return the context
   * @throws SSLException if the JDK cannot build it
   */
  public static SslContext mozillaIntermediate(KeyManagerFactory keys) throws SSLException {
    return SslContextBuilder.forServer(keys)
        .sslProvider(SslProvider.JDK)
        .protocols(MOZILLA_INTERMEDIATE_PROTOCOLS)
        .ciphers(MOZILLA_INTERMEDIATE_CIPHERS)
        .build();
  }
}
