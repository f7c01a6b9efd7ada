package io.veza.routing.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.BackendPool;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every configuration the importer accepts is accepted by the real {@code haproxy -c} (2.6), and a corpus of invalid
 * configurations is refused by both: the importer never accepts what HAProxy refuses.
 */
class HaproxyAgreementTest {
  static final String DEFAULTS = """
      defaults
          mode http
          timeout connect 5s
          timeout client 30s
          timeout server 30s
      """;

  static final Map<String, String> ENV = Map.of("SRV", "127.0.0.1:8080", "PORT", "8081", "ARGS", "check rise 5");

  /** Configurations both accept (each is checked by haproxy -c and imported strictly). */
  static final List<String> VALID = List.of(
      DEFAULTS + "backend b\n    server s1 127.0.0.1:8080\n",
      DEFAULTS + "backend b\n    balance roundrobin\n    server s1 127.0.0.1:8080 check inter 5s fall 3 rise 2\n",
      DEFAULTS + "backend b\n    balance uri len 32 depth 3 whole path-only\n    hash-type consistent\n"
          + "    server s1 127.0.0.1:8080 id 7\n    server s2 127.0.0.1:8081\n",
      DEFAULTS + "backend b\n    balance hash path,field(3,/)\n    hash-type consistent\n"
          + "    server s1 127.0.0.1:8080 id 1\n    server s2 127.0.0.1:8081 id 2\n",
      DEFAULTS + "backend b\n    balance url_param track\n    hash-type map-based sdbm avalanche\n"
          + "    server s1 127.0.0.1:8080\n",
      DEFAULTS + "backend b\n    balance hdr(X-Track-Id)\n    server s1 127.0.0.1:8080 weight 0\n"
          + "    server s2 127.0.0.1:8081 weight 256 backup\n    option allbackups\n",
      DEFAULTS + "backend b\n    cookie SERVERID insert indirect nocache httponly secure domain .veza.fm"
          + " maxidle 30m maxlife 1d attr SameSite=Lax\n    server s1 127.0.0.1:8080 cookie a\n",
      DEFAULTS + "backend b\n    cookie JSESSIONID prefix nocache\n    server s1 127.0.0.1:8080 cookie a\n",
      DEFAULTS + "backend b\n    cookie SRV rewrite\n    server s1 127.0.0.1:8080 cookie a\n",
      DEFAULTS + "backend b\n    dynamic-cookie-key s3cr3t\n    cookie SRV insert dynamic\n"
          + "    server s1 127.0.0.1:8080\n",
      DEFAULTS + "backend b\n    option httpchk\n    http-check expect status 200-299,304\n"
          + "    server s1 127.0.0.1:8080 check\n",
      DEFAULTS + "backend b\n    option httpchk HEAD /health HTTP/1.1\n    http-check expect ! status 500-599\n"
          + "    timeout check 2s\n    server s1 127.0.0.1:8080 check\n",
      DEFAULTS + "backend b\n    option httpchk\n    http-check send meth GET uri /ready ver HTTP/1.1\n"
          + "    http-check expect status 200\n    server s1 127.0.0.1:8080 check\n",
      DEFAULTS + "backend b\n    option redispatch 2\n    retries 5\n    option persist\n"
          + "    server s1 127.0.0.1:8080 check observe layer7 error-limit 5 on-error sudden-death\n",
      DEFAULTS + "backend b\n    no option redispatch\n    server s1 127.0.0.1:8080 check fastinter 1s downinter 10s"
          + " slowstart 20s on-marked-down shutdown-sessions on-marked-up shutdown-backup-sessions\n",
      DEFAULTS + "backend b\n    server s1 127.0.0.1:8080 disabled\n    server s2 127.0.0.1:8081 check disabled\n",
      DEFAULTS + "backend b\n    default-server check inter 3s disabled\n    server s1 127.0.0.1:8080 enabled\n"
          + "    server s2 127.0.0.1:8081 no-check\n",
      DEFAULTS + "backend b\n    stick-table type string len 64 size 100k expire 30m\n    stick on req.cook(SID)\n"
          + "    server s1 127.0.0.1:8080\n",
      DEFAULTS + "backend b\n    stick-table type ip size 1m\n    stick on src\n    server s1 127.0.0.1:8080\n",
      DEFAULTS + "backend b\n    stick-table type string size 1k\n    stick on hdr(X-User)\n"
          + "    server s1 127.0.0.1:8080\n",
      "defaults base\n    mode http\n    timeout connect 1s\n    timeout client 1s\n    timeout server 1s\n"
          + "    balance uri\n    default-server inter 4s\n"
          + "defaults other\n    mode http\n    timeout connect 1s\n    timeout client 1s\n    timeout server 1s\n"
          + "backend b from base\n    server s1 127.0.0.1:8080\n",
      "defaults base\n    mode http\n    timeout connect 1s\n    timeout client 1s\n    timeout server 1s\n"
          + "    cookie SRV insert\ndefaults child from base\n    retries 1\n"
          + "backend b\n    server s1 127.0.0.1:8080 cookie x\n",
      "global\n    spread-checks 5\n    stats socket /tmp/x.sock mode 600 level admin\n" + DEFAULTS
          + "frontend f\n    bind :8080\n    acl api path_beg /api\n    use_backend b if api\n"
          + "backend b\n    server s1 127.0.0.1:8080 check agent-check agent-port 9999 agent-inter 5s\n",
      DEFAULTS + "backend b\n    server s1 \"${SRV}\"\n    server s2 '127.0.0.1':\"${PORT}\"\n"
          + "    server s3 127.0.0.1:8082 \"${ARGS[*]}\"  # a comment\n",
      DEFAULTS + "backend b\n    server s1 127.0.0.1:8080 cookie a\\ b\n    server s2 127.0.0.1:8081 cookie 'c#d'\n",
      DEFAULTS + "backend b\n    server s1 [::1]:8080\n    server s2 localhost:8081\n",
      "resolvers dns\n    nameserver ns1 127.0.0.1:53\n    hold valid 5s\n" + DEFAULTS
          + "backend b\n    balance uri\n    server-template srv 5 streams.veza.invalid:8080 check resolvers dns"
          + " init-addr none\n");

  /** Configurations both refuse. */
  static final List<String> INVALID = List.of(
      DEFAULTS + "backend b\n    server s1 127.0.0.1:8080 chekc\n",
      DEFAULTS + "backend b\n    balance uri len 0\n    server s1 127.0.0.1:8080\n",
      DEFAULTS + "backend b\n    balance uri deep 2\n    server s1 127.0.0.1:8080\n",
      DEFAULTS + "backend b\n    balance hdr()\n    server s1 127.0.0.1:8080\n",
      DEFAULTS + "backend b\n    balance bogus\n    server s1 127.0.0.1:8080\n",
      DEFAULTS + "backend b\n    hash-type ring\n    server s1 127.0.0.1:8080\n",
      DEFAULTS + "backend b\n    cookie SRV insert rewrite\n    server s1 127.0.0.1:8080\n",
      DEFAULTS + "backend b\n    cookie SRV rewrite indirect\n    server s1 127.0.0.1:8080\n",
      DEFAULTS + "backend b\n    cookie SRV insert maxidle 5x\n    server s1 127.0.0.1:8080\n",
      DEFAULTS + "backend b\n    cookie SRV insert domain bad;domain\n    server s1 127.0.0.1:8080\n",
      DEFAULTS + "backend b\n    server s1 127.0.0.1:8080 weight 257\n",
      DEFAULTS + "backend b\n    server s1 127.0.0.1:8080 rise 0\n",
      DEFAULTS + "backend b\n    server s1 127.0.0.1:8080 inter 0\n",
      DEFAULTS + "backend b\n    server s1 127.0.0.1:8080 inter 99999999999\n",
      DEFAULTS + "backend b\n    server s1 127.0.0.1:8080 on-error explode\n",
      DEFAULTS + "backend b\n    server s1 127.0.0.1:8080 on-marked-down nothing\n",
      DEFAULTS + "backend b\n    server s1 127.0.0.1:8080 observe layer5\n",
      DEFAULTS + "backend b\n    server s1 127.0.0.1:8080 id 0\n",
      DEFAULTS + "backend b\n    server s1 127.0.0.1:8080 id 3\n    server s2 127.0.0.1:8081 id 3\n",
      DEFAULTS + "backend b\n    server s1 127.0.0.1:8080\n    server s1 127.0.0.1:8081\n",
      DEFAULTS + "backend b\n    server s1 127.0.0.1:8080 init-state up\n",
      DEFAULTS + "backend b\n    server s1 127.0.0.1:8080 error-limit 0\n",
      DEFAULTS + "backend b\n    server bad/name 127.0.0.1:8080\n",
      DEFAULTS + "backend b\n    server s1\n",
      DEFAULTS + "backend b\n    server s1 nonexistent.invalid:8080\n",
      DEFAULTS + "backend b\n    server s1 127.0.0.1:8080 \"unterminated\n",
      DEFAULTS + "backend b\n    server s1 \"${SRV\n",
      DEFAULTS + "backend b\n    server s1 \"$1\"\n",
      DEFAULTS + "backend b\n    server s1 127.0.0.1:8080 cookie \\xZZ\n",
      DEFAULTS + "backend b\n    option httpchk\n    http-check expect status 300-200\n"
          + "    server s1 127.0.0.1:8080 check\n",
      DEFAULTS + "backend b\n    option httpchk\n    http-check expect status 2xx\n    server s1 127.0.0.1:8080\n",
      DEFAULTS + "backend b\n    no option httpchk\n    server s1 127.0.0.1:8080\n",
      DEFAULTS + "backend b\n    timeout chek 5s\n    server s1 127.0.0.1:8080\n",
      DEFAULTS + "backend b\n    timeout check 5x\n    server s1 127.0.0.1:8080\n",
      DEFAULTS + "backend b\n    stick-table type string\n    stick on src\n    server s1 127.0.0.1:8080\n",
      DEFAULTS + "backend b\n    stick on src\n    server s1 127.0.0.1:8080\n",
      DEFAULTS + "backend b\n    mode ftp\n    server s1 127.0.0.1:8080\n",
      DEFAULTS + "backend b from nowhere\n    server s1 127.0.0.1:8080\n",
      DEFAULTS + "backend b\n    server s1 127.0.0.1:8080\nbackend b\n    server s1 127.0.0.1:8080\n",
      "server s1 127.0.0.1:8080\n" + DEFAULTS,
      DEFAULTS + "    server s1 127.0.0.1:8080\n",
      "global\n    spread-checks 80\n" + DEFAULTS + "backend b\n    server s1 127.0.0.1:8080\n",
      DEFAULTS + "backend b\n    server s1 127.0.0.1:8080",
      DEFAULTS + "backend b\n    retries\n    server s1 127.0.0.1:8080\n",
      DEFAULTS + ".alert \"stop\"\nbackend b\n    server s1 127.0.0.1:8080\n",
      DEFAULTS + "backend b\n    server-template srv 3 nonexistent.invalid:8080\n");

  /**
   * Configurations HAProxy accepts (with warnings or non-fatal alerts: settings it then ignores) that the importer
   * refuses, so that nothing is silently different.
   */
  static final List<String> STRICTER = List.of(
      DEFAULTS + "backend b\n    default-server id 3\n    server s1 127.0.0.1:8080\n",
      "defaults\n    timeout connect 5s\n    timeout client 5s\n    timeout server 5s\n"
          + "backend b\n    mode http\n    server s1 127.0.0.1:8080 observe layer4\n    mode tcp\n",
      "defaults\n    timeout connect 5s\n    timeout client 5s\n    timeout server 5s\n"
          + "backend b\n    server s1 127.0.0.1:8080 observe layer7\n",
      DEFAULTS + "backend b\n    server s1 127.0.0.1:8080 weight 2x\n",
      DEFAULTS + "backend b\n    server s1 127.0.0.1:8080 \"\" check\n",
      DEFAULTS + "backend b\n    server s1 127.0.0.1:8080 inter 5sx\n",
      "global\n    spread-checks 5\n    spread-checks 6\n" + DEFAULTS + "backend b\n    server s1 127.0.0.1:8080\n",
      DEFAULTS + "backend b\n    cookie SRV insert dynamic\n    server s1 127.0.0.1:8080\n",
      DEFAULTS + "backend b\n    server s1 127.0.0.1:8080 maxconn 10\n");

  @TestFactory
  Stream<DynamicTest> theImporterIsStricterWhereHaproxyOnlyWarns() {
    return STRICTER.stream().map(config -> DynamicTest.dynamicTest(firstLines(config), () -> {
      Haproxy.Check c = Haproxy.check(config, ENV);
      assertTrue(c.accepted(), "haproxy -c refused it:\n" + c.output() + "\n" + config);
      assertThrows(HaproxyConfigException.class, () -> importStrict(config));
    }));
  }

  static HaproxyConfig importStrict(String config) {
    return HaproxyConfig.parser().environment(ENV).resolver(host -> {
      if (host.endsWith(".invalid")) {
        throw new java.net.UnknownHostException(host);
      }
      return List.of(InetAddress.getByName(host));
    }).parse(config);
  }

  @TestFactory
  Stream<DynamicTest> validConfigurationsAreAcceptedByBoth() {
    return VALID.stream().map(config -> DynamicTest.dynamicTest(firstLines(config), () -> {
      Haproxy.Check c = Haproxy.check(config, ENV);
      assertTrue(c.accepted(), "haproxy -c refused it:\n" + c.output() + "\n" + config);
      HaproxyConfig imported = importStrict(config);
      assertFalse(imported.backends().isEmpty());
      for (HaproxyBackend b : imported.backends()) {
        try (BackendPool pool = b.builder().build()) {
          assertEquals(b.name(), pool.name());
        }
        b.discovery().ifPresent(d -> d.build().close());
      }
    }));
  }

  @TestFactory
  Stream<DynamicTest> invalidConfigurationsAreRefusedByBoth() {
    return INVALID.stream().map(config -> DynamicTest.dynamicTest(firstLines(config), () -> {
      Haproxy.Check c = Haproxy.check(config, ENV);
      assertFalse(c.accepted(), "haproxy -c accepted it:\n" + c.output() + "\n" + config);
      HaproxyConfigException e = assertThrows(HaproxyConfigException.class, () -> importStrict(config));
      assertTrue(e.getMessage().startsWith("<text>:" + e.line() + ": '" + e.keyword() + "': "), e.getMessage());
      assertTrue(e.line() > 0, e.getMessage());
    }));
  }

  private static String firstLines(String config) {
    String tail = config.startsWith(DEFAULTS) ? config.substring(DEFAULTS.length()) : config;
    return tail.replace("\n", " | ").strip();
  }

  @Test
  void lenientModeListsWhatItSkips() {
    String config = DEFAULTS + "backend b\n    http-request set-header X-A b\n    option forwardfor\n"
        + "    server s1 127.0.0.1:8080 check maxconn 100 ssl verify none\n";
    assertTrue(Haproxy.check(config, ENV).accepted());
    HaproxyConfigException strict = assertThrows(HaproxyConfigException.class, () -> importStrict(config));
    assertEquals(7, strict.line());
    assertEquals("http-request", strict.keyword());
    HaproxyConfig lenient = HaproxyConfig.parser().lenient(true).parse(config);
    assertEquals(List.of("http-request", "option", "maxconn"),
        lenient.ignored().stream().map(ConfigNote::keyword).toList());
    assertTrue(lenient.ignored().get(2).reason().contains("maxconn 100 ssl verify none"),
        lenient.ignored().get(2).reason());
    assertTrue(lenient.backend("b").orElseThrow().servers().get(0).check());
  }
}
