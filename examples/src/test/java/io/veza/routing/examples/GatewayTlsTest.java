package io.veza.routing.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.veza.routing.BackendPool;
import io.veza.routing.Balance;
import io.veza.routing.CookiePersistence;
import io.veza.routing.examples.backend.ApiBackend;
import io.veza.routing.examples.gateway.Gateway;
import io.veza.routing.netty.TlsProfiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS termination in the example gateway with a certificate this test generates (the JDK's keytool: an EC P-256
 * key for {@code localhost}/127.0.0.1 in a PKCS#12 key store): requests pass over TLS 1.3 and over TLS 1.2 with a
 * Mozilla intermediate cipher; a TLS 1.2 CBC cipher outside the profile is refused.
 */
class GatewayTlsTest {
  private static final char[] PASSWORD = "changeit".toCharArray();
  @TempDir
  static Path dir;
  private static EventLoopGroup loops;
  private static ApiBackend backend;
  private static BackendPool pool;
  private static Gateway gateway;
  private static SSLContext clientContext;

  @BeforeAll
  static void start() throws Exception {
    Path keyStore = dir.resolve("gateway.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "gateway", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", new String(PASSWORD),
        "-keypass", new String(PASSWORD))
        .redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes());
    assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, "keytool: " + output);

    loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    backend = new ApiBackend("backend-api-1", loops, VezaPlatform.PERSISTENCE_COOKIE);
    backend.start();
    pool = BackendPool.builder("backend-api")
        .server("backend-api-1", backend.address(), s -> s.cookie("api1"))
        .balance(Balance.roundRobin())
        .cookie(CookiePersistence.parse("cookie SERVERID insert indirect nocache").build())
        .build();
    gateway = Gateway.builder().route("/api/", pool).threads(1).tls(keyStore, PASSWORD).build().start();

    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      trust.load(in, PASSWORD);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    clientContext = SSLContext.getInstance("TLS");
    clientContext.init(null, tmf.getTrustManagers(), null);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    gateway.close();
    pool.close();
    backend.stop();
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  @Test
  void requestsPassOverTls13() throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(clientContext).version(HttpClient.Version.HTTP_1_1).build();
    URI uri = URI.create("https://localhost:" + gateway.address().getPort() + ApiBackend.WHOAMI_PATH);
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertEquals("backend-api-1", r.body());
    assertTrue(r.headers().firstValue("set-cookie").orElse("").startsWith("SERVERID=api1"));
    assertEquals("TLSv1.3", r.sslSession().orElseThrow().getProtocol());
    assertTrue(gateway.tls());
  }

  private static String handshake(String protocol, String cipher) throws IOException {
    try (SSLSocket s = (SSLSocket) clientContext.getSocketFactory().createSocket("127.0.0.1",
        gateway.address().getPort())) {
      s.setSoTimeout(10_000);
      s.setEnabledProtocols(new String[] {protocol});
      s.setEnabledCipherSuites(new String[] {cipher});
      s.startHandshake();
      s.getOutputStream().write(("GET " + ApiBackend.WHOAMI_PATH + " HTTP/1.1\r\nHost: localhost\r\n"
          + "Connection: close\r\n\r\n").getBytes());
      String response = new String(s.getInputStream().readAllBytes());
      return s.getSession().getProtocol() + " " + s.getSession().getCipherSuite() + " "
          + response.substring(0, response.indexOf('\r'));
    }
  }

  @Test
  void tls12WithAnIntermediateCipherIsAccepted() throws IOException {
    assertEquals("TLSv1.2 TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 HTTP/1.1 200 OK",
        handshake("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"));
    assertEquals("TLSv1.2 TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 HTTP/1.1 200 OK",
        handshake("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"));
  }

  @Test
  void cipherSuitesOutsideTheProfileAreRefused() {
    for (String cbc : List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA")) {
      assertThrows(SSLHandshakeException.class, () -> handshake("TLSv1.2", cbc), cbc);
    }
  }

  @Test
  void theServerContextEnablesExactlyTheProfile() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve("gateway.p12"))) {
      ks.load(in, PASSWORD);
    }
    var kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD);
    var engine = TlsProfiles.mozillaIntermediate(kmf).newEngine(io.netty.buffer.ByteBufAllocator.DEFAULT);
    assertEquals(List.of("TLSv1.3", "TLSv1.2"), List.of(engine.getEnabledProtocols()).stream().sorted()
        .sorted(java.util.Comparator.reverseOrder()).toList());
    for (String suite : engine.getEnabledCipherSuites()) {
      assertTrue(TlsProfiles.MOZILLA_INTERMEDIATE_CIPHERS.contains(suite), suite);
    }
    assertTrue(engine.getEnabledCipherSuites().length >= 6);
  }
}
