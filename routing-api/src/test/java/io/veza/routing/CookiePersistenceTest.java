package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Configuration validation (errors name the field and the value) and HAProxy line parsing. */
class CookiePersistenceTest {

  private static void assertRejected(Executable build, String... fragments) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), () -> "message \"" + e.getMessage() + "\" lacks \"" + f + "\"");
    }
  }

  @Test
  void modesAreExclusive() {
    assertRejected(() -> CookiePersistence.parse("cookie SERVERID insert rewrite").build(),
        "modes are incompatible", "insert and rewrite");
    assertRejected(() -> CookiePersistence.parse("cookie SERVERID prefix insert").build(), "insert and prefix");
  }

  @Test
  void rewriteWithIndirectIsRefused() {
    assertRejected(() -> CookiePersistence.rewrite("SERVERID").indirect().build(),
        "'rewrite' and 'indirect'", "mode=rewrite indirect=true");
  }

  @Test
  void preserveNeedsInsertOrIndirect() {
    assertRejected(() -> CookiePersistence.rewrite("SERVERID").preserve().build(),
        "'preserve' requires at least 'insert' or 'indirect'", "mode=rewrite");
    assertRejected(() -> CookiePersistence.passive("SERVERID").preserve().build(), "mode=passive");
    // HAProxy accepts preserve with indirect alone (ck_opts & (PSV|INS|IND)) == PSV is the only refusal
    assertTrue(CookiePersistence.passive("SERVERID").indirect().preserve().build().preserve());
    assertTrue(CookiePersistence.prefix("SERVERID").indirect().preserve().build().preserve());
  }

  @Test
  void cookieNameMustBeAToken() {
    assertRejected(() -> CookiePersistence.insert("SERVER ID").build(), "RFC 6265 token", "\"SERVER ID\"", "%x20");
    assertRejected(() -> CookiePersistence.insert("a;b").build(), "\"a;b\"", "';'");
    assertRejected(() -> CookiePersistence.insert("").build(), "was \"\"");
    assertRejected(() -> CookiePersistence.insert("$Version").build(), "'$'", "$Version");
  }

  @Test
  void domainAndAttrAreChecked() {
    assertRejected(() -> CookiePersistence.insert("S").domain("veza.io;x").build(), "domain", "veza.io;x", "';'");
    assertRejected(() -> CookiePersistence.insert("S").domain("veza\r\n.io").build(), "domain", "%x0D");
    assertRejected(() -> CookiePersistence.insert("S").attr("SameSite=Lax; Secure").build(),
        "attr", "SameSite=Lax; Secure", "';'");
    assertRejected(() -> CookiePersistence.insert("S").attr("a\u0001").build(), "attr", "%x01");
    assertRejected(() -> CookiePersistence.insert("S").attr("\u007f").build(), "attr", "%x7F");
  }

  @Test
  void datesOnlyWithInsertAndPositive() {
    assertRejected(() -> CookiePersistence.rewrite("S").maxIdleSeconds(10).build(),
        "insert-mode", "mode=rewrite", "maxidle=10");
    assertRejected(() -> CookiePersistence.insert("S").maxLifeSeconds(0), "maxlife must be > 0", "was 0");
    assertRejected(() -> CookiePersistence.insert("S").maxIdleSeconds(-5), "maxidle", "was -5");
  }

  @Test
  void dynamicNeedsAKeyAndSigningNeedsAWritingMode() {
    assertRejected(() -> CookiePersistence.insert("S").dynamic().build(), "dynamicKey", "was dynamicKey=null");
    assertRejected(() -> CookiePersistence.insert("S").dynamicKey(""), "dynamicKey", "was \"\"");
    CookieSigning s = CookieSigning.hmacSha256(new byte[16]);
    assertRejected(() -> CookiePersistence.passive("S").signed(s).build(), "mode=passive");
    assertRejected(() -> CookieSigning.hmacSha256(new byte[15]), "currentKey", "was 15 bytes");
  }

  private static BackendPool poolWith(CookiePersistence c, String... values) {
    BackendPool.Builder b = Pools.builder("p").cookie(c);
    for (int i = 0; i < values.length; i++) {
      String v = values[i];
      b.server(ServerSpec.builder("s" + i, Pools.addr(i)).cookie(v).build());
    }
    return b.build();
  }

  @Test
  void serverValuesAreCheckedByThePool() {
    CookiePersistence insert = CookiePersistence.insert("S").build();
    assertRejected(() -> poolWith(insert, "s1", "a b"), "server s1 cookie", "\"a b\"", "%x20");
    assertRejected(() -> poolWith(insert, "s|1"), "server s0 cookie", "'|'", "\"s|1\"");
    CookiePersistence prefix = CookiePersistence.prefix("S").build();
    assertRejected(() -> poolWith(prefix, "s~1"), "'~'");
    assertEquals(1, poolWith(prefix, "s|1").size());
    BackendPool live = poolWith(insert, "ok");
    assertRejected(() -> live.add(ServerSpec.builder("x", Pools.addr(9)).cookie("bad;value").build()),
        "server x cookie");
    assertEquals(1, live.size(), "a refused join changes nothing");
  }

  @Test
  void parsesHaproxyLines() {
    CookiePersistence p = CookiePersistence.parse(
        "cookie SERVERID insert indirect nocache postonly preserve httponly secure domain .veza.io "
            + "domain .veza.fm maxidle 30m maxlife 1d dynamic attr \"SameSite=Lax\"")
        .dynamicKey("k").build();
    assertEquals("SERVERID", p.name());
    assertEquals(CookiePersistence.Mode.INSERT, p.mode());
    assertTrue(p.indirect() && p.nocache() && p.postonly() && p.preserve() && p.httpOnly() && p.secure());
    assertEquals(List.of(".veza.io", ".veza.fm"), p.domains());
    assertEquals(1800, p.maxIdleSeconds());
    assertEquals(86400, p.maxLifeSeconds());
    assertTrue(p.dynamic() && p.hasDynamicKey());
    assertEquals(List.of("SameSite=Lax"), p.attrs());
    assertEquals("cookie SERVERID insert indirect nocache postonly preserve httponly secure domain .veza.io "
        + "domain .veza.fm maxidle 1800s maxlife 86400s dynamic attr \"SameSite=Lax\"", p.toString());
    CookiePersistence q = CookiePersistence.parse("JSESSIONID prefix nocache").build();
    assertEquals(CookiePersistence.Mode.PREFIX, q.mode());
    assertFalse(q.indirect());
    assertEquals(CookiePersistence.Mode.PASSIVE, CookiePersistence.parse("cookie SRV").build().mode());
  }

  @Test
  void toStringParsesBackToTheSameConfiguration() {
    CookiePersistence p = CookiePersistence.insert("SERVERID").indirect().nocache().domain(".veza.io")
        .maxIdleSeconds(90).attr("SameSite=None").secure().build();
    assertEquals(p.toString(), CookiePersistence.parse(p.toString()).build().toString());
  }

  @Test
  void parseErrorsNameTheToken() {
    assertRejected(() -> CookiePersistence.parse("cookie SERVERID insert sticky"), "'sticky'");
    assertRejected(() -> CookiePersistence.parse("cookie SERVERID insert domain"), "'domain' expects an argument");
    assertRejected(() -> CookiePersistence.parse("cookie SERVERID insert maxidle 5x"), "maxidle", "'5x'");
    assertRejected(() -> CookiePersistence.parse("cookie SERVERID insert maxidle 500ms"), "minimum", "'500ms'");
    assertRejected(() -> CookiePersistence.parse("cookie SERVERID insert maxlife 99999999999"), "overflows");
    assertRejected(() -> CookiePersistence.parse("cookie"), "expects <cookie_name>");
  }
}
