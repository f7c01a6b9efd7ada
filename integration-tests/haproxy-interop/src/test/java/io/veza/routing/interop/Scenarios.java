package io.veza.routing.interop;

import io.veza.routing.health.AdminState;
import io.veza.routing.health.OperationalState;
import java.util.ArrayList;
import java.util.List;

/**
 * The scenarios compared by {@link HaproxyInteropTest}: every cookie mode and option, cacheability under
 * {@code nocache}, dated cookies both ways, dynamic values, server states, persist, retries and redispatch.
 */
final class Scenarios {
  private Scenarios() {}

  /** README.md, "Differences kept on purpose": the order of round robin within a period. */
  static final String RR_ORDER = "round-robin order";
  /** README.md, "Differences kept on purpose": a cookie carrying NUL is dropped (HAProxy 2.6 forwards it). */
  static final String CONTROL_CHARACTERS = "NUL in a cookie";
  /** README.md: Netty's HTTP decoder refuses (400) a header value with a control character other than HTAB. */
  static final String PROXY_CONTROL_CHARACTERS = "control character in a header";

  private static final String S1 = "server s1 {s1} cookie s1";
  private static final String S2 = "server s2 {s2} cookie s2";

  static List<Scenario> all() {
    List<Scenario> all = new ArrayList<>();
    all.add(insertIndirectNocache());
    all.add(cacheability());
    all.add(requestCookieSyntax());
    all.add(insertPlain());
    all.add(insertPreserve());
    all.add(insertIndirectPreserve());
    all.add(postonly());
    all.add(attributes());
    all.add(rewrite());
    all.add(prefix());
    all.add(prefixIndirect());
    all.add(passive());
    all.add(maxidle());
    all.add(maxlife());
    all.add(maxidleAndMaxlife());
    all.add(datedBothWays());
    all.add(dynamic());
    all.add(serverStates());
    all.add(persist());
    all.add(sharedAndBackup());
    all.add(redispatchLastRetry());
    all.add(redispatchEveryRetry());
    all.add(noRedispatch());
    all.add(redispatchBalanced());
    all.add(persistAndRedispatch());
    all.add(roundRobinWeights());
    all.add(responseCookieSyntax());
    all.add(prefixEdges());
    all.add(dynamicAddressChange());
    all.add(allBackups());
    all.add(persistDownAndRedispatch());
    all.add(observeLayer4());
    all.add(observeWithoutCheck());
    all.add(observeLayer7());
    all.add(observeDuringMaint());
    all.add(cookieEdges());
    return all;
  }

  /** The seed configuration: {@code cookie SERVERID insert indirect nocache}. */
  static Scenario insertIndirectNocache() {
    return Scenario.named("insert indirect nocache")
        .backend("cookie SERVERID insert indirect nocache", S1, S2)
        .request("no cookie: balanced, inserted", c -> c.get("/"))
        .request("no cookie, max-age=60: inserted, private", c -> c.get("/").replyHeader("Cache-Control", "max-age=60"))
        .request("SERVERID=s2: direct, removed from the request", c -> c.get("/").cookie("SERVERID=s2"))
        .request("among other cookies", c -> c.get("/").cookie("a=1; SERVERID=s1; b=2"))
        .request("first of the header", c -> c.get("/").cookie("SERVERID=s2; b=2"))
        .request("last of the header", c -> c.get("/").cookie("a=1; SERVERID=s2"))
        .request("only cookie of the second header", c -> c.get("/").cookie("a=1").cookie("SERVERID=s1"))
        .request("unknown value: balanced, re-issued", c -> c.get("/").cookie("SERVERID=zz; x=y"))
        .request("empty value", c -> c.get("/").cookie("SERVERID=; x=y"))
        .request("POST without cookie", c -> c.post("/form"))
        .request("backend sets SERVERID itself: removed", c -> c.get("/").setCookie("SERVERID=app; path=/"))
        .request("backend sets SERVERID on a direct request", c -> c.get("/").cookie("SERVERID=s1")
            .setCookie("SERVERID=app; path=/").setCookie("JSESSIONID=42; path=/"))
        .request("backend cookies pass, ours last", c -> c.get("/").setCookie("JSESSIONID=42; path=/; HttpOnly")
            .setCookie("lang=fr"))
        .request("backend cookie with spaces around '='", c -> c.get("/").setCookie("lang = fr ; path=/"))
        .request("WebSocket 101: inserted", c -> c.get("/ws").websocket())
        .request("WebSocket 101, direct", c -> c.get("/ws").cookie("SERVERID=s2").websocket());
  }

  /** {@code nocache}: {@code Cache-control: private} only on a cacheable response (HAProxy's TX_CACHEABLE). */
  static Scenario cacheability() {
    Scenario sc = Scenario.named("nocache cacheability").backend("cookie SERVERID insert nocache", S1, S2);
    String[][] headers = {
        {"Cache-Control", "public"},
        {"Cache-Control", "public, max-age=60"},
        {"Cache-Control", "max-age=60"},
        {"Cache-Control", "s-maxage=30"},
        {"Cache-Control", "max-age=0"},
        {"Cache-Control", "max-age=0, s-maxage=60"},
        {"Cache-Control", "s-maxage=0"},
        {"Cache-Control", "private"},
        {"Cache-Control", "Private, max-age=60"},
        {"Cache-Control", "no-cache"},
        {"Cache-Control", "no-store, max-age=60"},
        {"Cache-Control", "no-cache=\"set-cookie\", max-age=60"},
        {"Cache-Control", "must-revalidate"},
        {"Expires", "Thu, 01 Jan 2099 00:00:00 GMT"},
        {"Expires", "0"},
        {"ETag", "\"abc\""},
        {"Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT"},
        {"Pragma", "no-cache"},
    };
    for (String[] h : headers) {
      sc.request("GET 200, " + h[0] + ": " + h[1], c -> c.get("/").replyHeader(h[0], h[1]));
    }
    sc.request("Pragma: no-cache then Cache-Control: public, max-age=60", c -> c.get("/")
        .replyHeader("Pragma", "no-cache").replyHeader("Cache-Control", "public, max-age=60"));
    sc.request("max-age=60 in a second Cache-Control header", c -> c.get("/")
        .replyHeader("Cache-Control", "no-transform").replyHeader("Cache-Control", "max-age=60"));
    sc.request("private then public", c -> c.get("/").replyHeader("Cache-Control", "private, public, max-age=5"));
    for (int status : new int[] {203, 204, 206, 300, 301, 302, 304, 404, 405, 410, 414, 500, 501, 503}) {
      sc.request("GET " + status + ", max-age=60", c -> c.get("/").status(status)
          .replyHeader("Cache-Control", "max-age=60"));
    }
    for (String method : new String[] {"HEAD", "OPTIONS", "POST", "PUT", "DELETE"}) {
      sc.request(method + " 200, max-age=60", c -> c.method(method, "/").replyHeader("Cache-Control", "max-age=60"));
    }
    sc.request("WebSocket 101, max-age=60", c -> c.get("/ws").websocket().replyHeader("Cache-Control", "max-age=60"));
    return sc;
  }

  /** How request cookies are read and forwarded: separators, spaces, quotes, repeated names. */
  static Scenario requestCookieSyntax() {
    return Scenario.named("request cookie syntax (insert indirect)")
        .backend("cookie SERVERID insert indirect", S1, S2)
        .request("spaces around '='", c -> c.get("/").cookie("a = 1; SERVERID = s2; b =2"))
        .request("tabs and spaces", c -> c.get("/").cookie("a=1;\tSERVERID=s2 ;  b=2"))
        .request("comma separator", c -> c.get("/").cookie("a=1, SERVERID=s2, b=2"))
        .request("quoted value", c -> c.get("/").cookie("SERVERID=\"s2\"; a=\"x;y\""))
        .request("case-sensitive name", c -> c.get("/").cookie("serverid=s2; a=1"))
        .request("first occurrence wins", c -> c.get("/").cookie("SERVERID=s2; SERVERID=s1"))
        .request("unknown then known", c -> c.get("/").cookie("SERVERID=zz; SERVERID=s2"))
        .request("$Version attribute", c -> c.get("/").cookie("$Version=1; SERVERID=s2; $Path=/"))
        .request("cookie without '='", c -> c.get("/").cookie("flag; SERVERID=s2"))
        .request("empty cookies", c -> c.get("/").cookie(";; SERVERID=s2;;"))
        .request("only SERVERID: the header goes", c -> c.get("/").cookie("SERVERID=s1"))
        .request("SERVERID in two headers", c -> c.get("/").cookie("SERVERID=s2").cookie("a=1; SERVERID=s1"))
        .request("value with '|' dates, no maxidle", c -> c.get("/").cookie("SERVERID=s2|ABCDE|ABCDE; a=1"));
  }

  static Scenario insertPlain() {
    return Scenario.named("insert")
        .backend("cookie SERVERID insert", S1, S2)
        .request("no cookie", c -> c.get("/"))
        .request("direct: no Set-Cookie, cookie forwarded", c -> c.get("/").cookie("a=1; SERVERID=s2"))
        .request("backend sets SERVERID: removed, ours added", c -> c.get("/").setCookie("SERVERID=app"))
        .request("backend sets SERVERID on a direct request: removed", c -> c.get("/").cookie("SERVERID=s1")
            .setCookie("SERVERID=app"))
        .request("spaces in the forwarded cookie", c -> c.get("/").cookie("a = 1;SERVERID= s2"));
  }

  static Scenario insertPreserve() {
    return Scenario.named("insert preserve")
        .backend("cookie SERVERID insert preserve nocache", S1, S2)
        .request("no cookie: inserted", c -> c.get("/").replyHeader("Cache-Control", "max-age=60"))
        .request("backend sets SERVERID: kept, none inserted, no private", c -> c.get("/")
            .replyHeader("Cache-Control", "max-age=60").setCookie("SERVERID=app; Max-Age=0"))
        .request("backend sets SERVERID on a direct request: kept", c -> c.get("/").cookie("SERVERID=s2")
            .setCookie("SERVERID=logout; Expires=Thu, 01 Jan 1970 00:00:00 GMT"))
        .request("unknown value, backend silent: re-issued", c -> c.get("/").cookie("SERVERID=zz"));
  }

  static Scenario insertIndirectPreserve() {
    return Scenario.named("insert indirect preserve")
        .backend("cookie SERVERID insert indirect preserve", S1, S2)
        .request("direct, backend sets SERVERID: kept", c -> c.get("/").cookie("SERVERID=s2")
            .setCookie("SERVERID=logout"))
        .request("balanced, backend sets SERVERID: kept, none inserted", c -> c.get("/").setCookie("SERVERID=x"))
        .request("direct: removed from the request", c -> c.get("/").cookie("SERVERID=s1; a=1"));
  }

  static Scenario postonly() {
    return Scenario.named("insert postonly nocache")
        .backend("cookie SERVERID insert postonly nocache", S1, S2)
        .request("GET: nothing inserted", c -> c.get("/").replyHeader("Cache-Control", "max-age=60"))
        .request("POST: inserted", c -> c.post("/").replyHeader("Cache-Control", "max-age=60"))
        .request("GET with a valid cookie", c -> c.get("/").cookie("SERVERID=s1"))
        .request("POST with an unknown cookie", c -> c.post("/").cookie("SERVERID=zz"));
  }

  static Scenario attributes() {
    return Scenario.named("httponly secure domain attr")
        .backend("cookie SRV insert indirect nocache httponly secure domain .example.com domain .example.org "
                + "attr SameSite=Lax attr Partitioned",
            "server s1 {s1} cookie a", "server s2 {s2} cookie b", "server s3 {s3}")
        .request("first", c -> c.get("/"))
        .request("second", c -> c.get("/"))
        .request("server without cookie: expired Set-Cookie", c -> c.get("/"))
        .request("direct", c -> c.get("/").cookie("SRV=b"))
        .request("first again, backend sets SRV", c -> c.get("/").setCookie("SRV=app"))
        .request("second again", c -> c.get("/"))
        .request("server without cookie, backend sets SRV", c -> c.get("/").setCookie("SRV=app; path=/"));
  }

  static Scenario rewrite() {
    return Scenario.named("rewrite")
        .backend("cookie JSESSIONID rewrite", S1, S2)
        .request("backend sets the cookie: value rewritten", c -> c.get("/").setCookie("JSESSIONID=abc123; path=/"))
        .request("spaces around '=' and a second cookie", c -> c.get("/").setCookie("JSESSIONID = abc ; path=/")
            .setCookie("other=1"))
        .request("request carries s2: direct, forwarded unchanged", c -> c.get("/").cookie("JSESSIONID=s2"))
        .request("direct and the backend sets it again", c -> c.get("/").cookie("JSESSIONID=s1")
            .setCookie("JSESSIONID=new"))
        .request("no Set-Cookie from the backend: nothing added", c -> c.get("/"));
  }

  static Scenario prefix() {
    return Scenario.named("prefix")
        .backend("cookie JSESSIONID prefix", S1, S2)
        .request("backend sets the cookie: prefixed", c -> c.get("/").setCookie("JSESSIONID=abc; path=/"))
        .request("prefixed cookie: direct, prefix stripped", c -> c.get("/").cookie("a=1; JSESSIONID=s2~abc; b=2"))
        .request("prefixed with an unknown server", c -> c.get("/").cookie("JSESSIONID=zz~abc"))
        .request("no '~': value forwarded", c -> c.get("/").cookie("JSESSIONID=abc"))
        .request("direct and the backend sets it again", c -> c.get("/").cookie("JSESSIONID=s1~abc")
            .setCookie("JSESSIONID=def; Secure"));
  }

  static Scenario prefixIndirect() {
    return Scenario.named("prefix indirect")
        .backend("cookie JSESSIONID prefix indirect", S1, S2)
        .request("balanced, backend sets the cookie: prefixed", c -> c.get("/").setCookie("JSESSIONID=abc"))
        .request("direct, backend sets the cookie: removed", c -> c.get("/").cookie("JSESSIONID=s2~abc")
            .setCookie("JSESSIONID=def"));
  }

  static Scenario passive() {
    return Scenario.named("passive")
        .backend("cookie SERVERID", S1, S2)
        .request("cookie s2: direct", c -> c.get("/").cookie("SERVERID=s2"))
        .request("backend's own Set-Cookie untouched", c -> c.get("/").setCookie("SERVERID=s1; path=/"))
        .request("no cookie: nothing added", c -> c.get("/"));
  }

  /** A cookie date that reads back as {@code now - age} rounded down to a multiple of 4 (HAProxy's quantum). */
  private static String ago(Scenario.Ctx c, long age) {
    return Scenario.Ctx.date(Scenario.Ctx.floor4(c.now - age));
  }

  static Scenario maxidle() {
    Scenario sc = Scenario.named("maxidle 30s")
        .backend("cookie SERVERID insert indirect nocache maxidle 30s", S1, S2)
        .request("no cookie: SRV|LAST", c -> c.get("/"))
        .request("undated cookie: dates added", c -> c.get("/").cookie("SERVERID=s2"))
        .request("LAST now: no refresh", c -> c.get("/").cookie("SERVERID=s2|" + Scenario.Ctx.date(c.now + 3)))
        .request("LAST in the future (+1 day +8 s): expired", c -> c.get("/")
            .cookie("SERVERID=s2|" + Scenario.Ctx.date(c.now + 86400 + 8)))
        .request("LAST in the future (+1 h): accepted, no refresh", c -> c.get("/")
            .cookie("SERVERID=s2|" + Scenario.Ctx.date(c.now + 3600)))
        .request("LAST 8 s ago: refreshed", c -> c.get("/").cookie("SERVERID=s2|" + ago(c, 8)))
        .request("LAST unreadable: treated as absent", c -> c.get("/").cookie("SERVERID=s2|A=B*C"))
        .request("LAST and a FIRST without maxlife: FIRST dropped", c -> c.get("/")
            .cookie("SERVERID=s2|" + ago(c, 4) + "|" + ago(c, 100)))
        .request("LAST 4 bytes: ignored", c -> c.get("/").cookie("SERVERID=s2|ABCD"));
    // around the maxidle boundary: every residue of (now - 30) mod 4 is reached by one of these
    for (int age = 28; age <= 40; age += 4) {
      int a = age;
      sc.request("LAST " + a + "-" + (a + 3) + " s ago", c -> c.get("/").cookie("SERVERID=s2|" + ago(c, a)));
    }
    return sc;
  }

  static Scenario maxlife() {
    Scenario sc = Scenario.named("maxlife 60s")
        .backend("cookie SERVERID insert indirect maxlife 60s", S1, S2)
        .request("no cookie: SRV|LAST|FIRST", c -> c.get("/"))
        .request("undated cookie: both dates added", c -> c.get("/").cookie("SERVERID=s1"))
        .request("LAST only: FIRST added", c -> c.get("/").cookie("SERVERID=s1|" + ago(c, 0)))
        .request("FIRST 20 s ago: kept", c -> c.get("/").cookie("SERVERID=s1|" + ago(c, 0) + "|" + ago(c, 20)))
        .request("FIRST in the future (+2 days): expired", c -> c.get("/")
            .cookie("SERVERID=s1|" + ago(c, 0) + "|" + Scenario.Ctx.date(c.now + 2 * 86400)));
    for (int age = 56; age <= 68; age += 4) {
      int a = age;
      sc.request("FIRST " + a + "-" + (a + 3) + " s ago", c -> c.get("/")
          .cookie("SERVERID=s1|" + ago(c, 0) + "|" + ago(c, a)));
    }
    return sc;
  }

  static Scenario maxidleAndMaxlife() {
    return Scenario.named("maxidle 1h maxlife 1d")
        .backend("cookie SERVERID insert indirect nocache maxidle 1h maxlife 1d", S1, S2)
        .request("no cookie", c -> c.get("/"))
        .request("both valid, LAST old: refreshed, FIRST kept", c -> c.get("/")
            .cookie("SERVERID=s2|" + ago(c, 600) + "|" + ago(c, 7200)))
        .request("LAST expired", c -> c.get("/").cookie("SERVERID=s2|" + ago(c, 3700) + "|" + ago(c, 7200)))
        .request("FIRST expired, LAST valid", c -> c.get("/").cookie("SERVERID=s2|" + ago(c, 8) + "|"
            + ago(c, 90000)))
        .request("unknown value with dates: FIRST kept", c -> c.get("/")
            .cookie("SERVERID=zz|" + ago(c, 8) + "|" + ago(c, 100)))
        .admin("s1 maint", "set server b/s1 state maint", p -> p.setAdminState("s1", AdminState.MAINT))
        .request("cookie of a server in MAINT with dates: re-pinned, FIRST kept", c -> c.get("/")
            .cookie("SERVERID=s1|" + ago(c, 8) + "|" + ago(c, 7200)))
        .request("cookie of a server in MAINT, FIRST expired", c -> c.get("/")
            .cookie("SERVERID=s1|" + ago(c, 8) + "|" + ago(c, 90000)));
  }

  /** Cookies issued by one side presented to the other, and back. */
  static Scenario datedBothWays() {
    return Scenario.named("dated cookies both ways")
        .backend("cookie SERVERID insert indirect nocache maxidle 20m maxlife 2h", S1, S2)
        .request("issue (no cookie)", c -> c.get("/").jar())
        .swapJars()
        .request("present the other side's cookie", c -> c.get("/").jar())
        .request("again, with another cookie", c -> c.get("/").cookie("x=1").jar())
        .swapJars()
        .request("and back", c -> c.get("/").jar())
        .admin("s1 (the jars' server) to MAINT", "set server b/s1 state maint",
            p -> p.setAdminState("s1", AdminState.MAINT))
        .request("cookie of a server in MAINT: re-issued, FIRST kept", c -> c.get("/").jar())
        .swapJars()
        .request("the re-issued cookie, crossed", c -> c.get("/").jar());
  }

  static Scenario dynamic() {
    return Scenario.named("dynamic cookies")
        .backend("cookie SERVERID insert indirect nocache dynamic", "dynamic-cookie-key s3cr3t-k3y",
            "server s1 {s1}", "server s2 {s2}", "server s3 {s3} cookie fixed")
        .request("first: dynamic value of s1", c -> c.get("/").jar())
        .request("second: dynamic value of s2", c -> c.get("/"))
        .request("third: explicit value wins", c -> c.get("/"))
        .request("back with the first cookie", c -> c.get("/").jar())
        .swapJars()
        .request("the other side's dynamic cookie", c -> c.get("/").jar())
        .request("a dynamic value of another key", c -> c.get("/").cookie("SERVERID=0123456789abcdef"));
  }

  /** DRAIN, MAINT, forced DOWN and back, through the runtime API and the pool. */
  static Scenario serverStates() {
    return Scenario.named("DRAIN MAINT DOWN")
        .backend("cookie SERVERID insert indirect nocache", S1, S2, "server s3 {s3} cookie s3")
        .admin("s1 drain", "set server b/s1 state drain", p -> p.setAdminState("s1", AdminState.DRAIN))
        .request("cookie s1 still served", c -> c.get("/").cookie("SERVERID=s1"))
        .request("new client: not s1 (1)", c -> c.get("/"))
        .request("new client: not s1 (2)", c -> c.get("/"))
        .request("new client: not s1 (3)", c -> c.get("/"))
        .admin("s1 maint", "set server b/s1 state maint", p -> p.setAdminState("s1", AdminState.MAINT))
        .request("cookie s1: re-pinned", c -> c.get("/").cookie("SERVERID=s1"))
        .admin("s1 ready", "set server b/s1 state ready", p -> p.setAdminState("s1", AdminState.READY))
        .request("cookie s1 served again", c -> c.get("/").cookie("SERVERID=s1"))
        .admin("s2 health down", "set server b/s2 health down", p -> p.setHealth("s2", OperationalState.DOWN))
        // s1 came back from MAINT: HAProxy's fwrr queues it at another position than the library's round robin
        .request("cookie s2: re-pinned", c -> c.get("/").cookie("SERVERID=s2")).differs(RR_ORDER)
        .request("new client (1)", c -> c.get("/")).differs(RR_ORDER)
        .request("new client (2)", c -> c.get("/")).differs(RR_ORDER)
        .request("new client (3)", c -> c.get("/")).differs(RR_ORDER)
        .counters("same shares")
        .admin("s2 health up", "set server b/s2 health up", p -> p.setHealth("s2", OperationalState.UP))
        .request("cookie s2 served again", c -> c.get("/").cookie("SERVERID=s2"))
        .admin("s3 weight 0", "set server b/s3 weight 0", p -> p.setWeight("s3", 0))
        .request("cookie s3 (weight 0) still served", c -> c.get("/").cookie("SERVERID=s3"))
        .request("new client, weight 0 skipped (1)", c -> c.get("/"))
        .request("new client, weight 0 skipped (2)", c -> c.get("/"))
        .admin("everything down", "set server b/s1 health down", p -> p.setHealth("s1", OperationalState.DOWN))
        .admin("s2 maint", "set server b/s2 state maint", p -> p.setAdminState("s2", AdminState.MAINT))
        .request("only s3 at weight 0: no server", c -> c.get("/"))
        .request("cookie s3 still served", c -> c.get("/").cookie("SERVERID=s3"))
        .counters("counters and states");
  }

  static Scenario persist() {
    return Scenario.named("option persist")
        .backend("cookie SERVERID insert indirect nocache", "option persist", S1, S2)
        .admin("s1 health down", "set server b/s1 health down", p -> p.setHealth("s1", OperationalState.DOWN))
        .request("cookie s1: still sent to s1", c -> c.get("/").cookie("SERVERID=s1"))
        .request("new client: s2", c -> c.get("/"))
        .admin("s1 maint", "set server b/s1 state maint", p -> p.setAdminState("s1", AdminState.MAINT))
        .request("cookie s1 in MAINT", c -> c.get("/").cookie("SERVERID=s1"));
  }

  static Scenario sharedAndBackup() {
    return Scenario.named("shared cookie and backups")
        .backend("cookie SERVERID insert indirect", "server s1 {s1} cookie x", "server s2 {s2} cookie x",
            "server b1 {b1} backup cookie b1", "server b2 {b2} backup")
        .request("shared value: first server", c -> c.get("/").cookie("SERVERID=x"))
        .admin("s1 down", "set server b/s1 health down", p -> p.setHealth("s1", OperationalState.DOWN))
        .request("shared value, first down: second server", c -> c.get("/").cookie("SERVERID=x"))
        .admin("s2 down", "set server b/s2 health down", p -> p.setHealth("s2", OperationalState.DOWN))
        .request("no active server: first backup", c -> c.get("/"))
        .request("again the first backup", c -> c.get("/"))
        .request("cookie of the second backup (no cookie value)", c -> c.get("/").cookie("SERVERID=b1"))
        .admin("b1 maint", "set server b/b1 state maint", p -> p.setAdminState("b1", AdminState.MAINT))
        .request("backup without a cookie value: removal Set-Cookie", c -> c.get("/"));
  }

  private static Scenario killedS1(String name, String... options) {
    List<String> lines = new ArrayList<>(List.of("cookie SERVERID insert indirect"));
    lines.addAll(List.of(options));
    lines.add(S1);
    lines.add(S2);
    lines.add("server s3 {s3} cookie s3");
    return Scenario.named(name).backend(lines.toArray(String[]::new)).kill("s1");
  }

  static Scenario redispatchLastRetry() {
    return killedS1("redispatch on the last retry", "option redispatch", "retries 2")
        .request("cookie s1, s1 refuses: redispatched, re-pinned", c -> c.get("/").cookie("SERVERID=s1"))
        .counters("counters after the redispatch")
        .request("cookie s2: direct", c -> c.get("/").cookie("SERVERID=s2"))
        .revive("s1")
        .request("cookie s1 again", c -> c.get("/").cookie("SERVERID=s1"))
        .counters("counters at the end");
  }

  static Scenario redispatchEveryRetry() {
    return killedS1("redispatch every retry", "option redispatch 1", "retries 3")
        .request("cookie s1, s1 refuses", c -> c.get("/").cookie("SERVERID=s1"))
        .counters("counters");
  }

  static Scenario noRedispatch() {
    return killedS1("no redispatch", "retries 2")
        .request("cookie s1, s1 refuses: 503", c -> c.get("/").cookie("SERVERID=s1"))
        .request("no cookie: round robin reaches s1 at some point (1)", c -> c.get("/"))
        .request("no cookie (2)", c -> c.get("/"))
        .request("no cookie (3)", c -> c.get("/"))
        .counters("counters");
  }

  static Scenario redispatchBalanced() {
    return killedS1("redispatch of a balanced request", "option redispatch", "retries 3")
        .request("no cookie (1)", c -> c.get("/"))
        .request("no cookie (2)", c -> c.get("/"))
        .request("no cookie (3)", c -> c.get("/"))
        .request("no cookie (4)", c -> c.get("/"))
        .counters("counters");
  }

  static Scenario persistAndRedispatch() {
    return killedS1("persist with redispatch", "option redispatch", "option persist", "retries 1")
        .request("cookie s1, s1 refuses", c -> c.get("/").cookie("SERVERID=s1"))
        .counters("counters");
  }

  static Scenario roundRobinWeights() {
    Scenario sc = Scenario.named("round robin weights 1 2 3")
        .backend("balance roundrobin", "server s1 {s1} weight 1", "server s2 {s2} weight 2",
            "server s3 {s3} weight 3");
    for (int i = 1; i <= 12; i++) {
      sc.request("request " + i, c -> c.get("/"));
      if (i % 6 >= 3 || i % 6 == 0) {
        sc.differs(RR_ORDER);
      }
    }
    return sc.counters("shares per server after two periods");
  }

  /** The backend's Set-Cookie headers as HAProxy reads them (one cookie per header, attributes after ';'). */
  static Scenario responseCookieSyntax() {
    return Scenario.named("response cookie syntax (insert indirect)")
        .backend("cookie SERVERID insert indirect", S1, S2)
        .request("comma then ours", c -> c.get("/").cookie("SERVERID=s1").setCookie("a=1, SERVERID=x"))
        .request("ours then comma", c -> c.get("/").cookie("SERVERID=s1").setCookie("SERVERID=x, a=1"))
        .request("Expires with a comma", c -> c.get("/").cookie("SERVERID=s1")
            .setCookie("JSESSIONID=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Path=/"))
        .request("no '='", c -> c.get("/").cookie("SERVERID=s1").setCookie("SERVERID"))
        .request("empty value", c -> c.get("/").cookie("SERVERID=s1").setCookie("SERVERID=; Max-Age=0"))
        .request("name differs in case", c -> c.get("/").cookie("SERVERID=s1").setCookie("serverid=x"))
        .request("spaces before '='", c -> c.get("/").cookie("SERVERID=s1").setCookie("SERVERID =x; path=/"))
        .request("two of ours", c -> c.get("/").setCookie("SERVERID=x").setCookie("SERVERID=y"))
        .request("quoted value", c -> c.get("/").cookie("SERVERID=s2").setCookie("k=\"a;b\"; path=/"))
        .request("attribute-like first pair", c -> c.get("/").cookie("SERVERID=s2").setCookie("Path=/; x=1"));
  }

  static Scenario prefixEdges() {
    return Scenario.named("prefix edge cases")
        .backend("cookie JSESSIONID prefix", S1, S2, "server s3 {s3} backup")
        .request("empty application value", c -> c.get("/").cookie("JSESSIONID=s2~; a=1"))
        .request("empty server part", c -> c.get("/").cookie("JSESSIONID=~abc"))
        .request("two '~'", c -> c.get("/").cookie("JSESSIONID=s2~a~b"))
        .request("backend value already prefixed", c -> c.get("/").cookie("JSESSIONID=s1~x")
            .setCookie("JSESSIONID=s2~abc"))
        .admin("s2 down", "set server b/s2 health down", p -> p.setHealth("s2", OperationalState.DOWN))
        .request("prefixed cookie of a DOWN server", c -> c.get("/").cookie("JSESSIONID=s2~abc"))
        .admin("s1 down", "set server b/s1 health down", p -> p.setHealth("s1", OperationalState.DOWN))
        .request("backup without cookie value: Set-Cookie untouched", c -> c.get("/").cookie("JSESSIONID=s1~x")
            .setCookie("JSESSIONID=abc"));
  }

  /** Odd request and response cookies: empty headers, stray separators, '=' in values, tabs, quotes, Latin-1. */
  static Scenario cookieEdges() {
    return Scenario.named("cookie edge cases")
        .backend("cookie SERVERID insert indirect nocache", S1, S2)
        .request("empty Cookie header", c -> c.get("/").cookie(""))
        .request("only separators", c -> c.get("/").cookie(" ; ;"))
        .request("trailing separator after ours", c -> c.get("/").cookie("a=1; SERVERID=s2;"))
        .request("leading separator", c -> c.get("/").cookie(";SERVERID=s2; a=1"))
        .request("'=' inside the value", c -> c.get("/").cookie("SERVERID=s2=x; a=b=c"))
        .request("'==' after the name", c -> c.get("/").cookie("SERVERID==s2; a=1"))
        .request("tab inside a value", c -> c.get("/").cookie("a=b\tc; SERVERID=s2"))
        .request("Latin-1 byte in another cookie", c -> c.get("/").cookie("n=caf\u00e9; SERVERID=s2"))
        .request("NUL inside another cookie", c -> c.get("/").cookie("a=b\u0000c; SERVERID=s2; d=e"))
        .differs(CONTROL_CHARACTERS).proxyDiffers(PROXY_CONTROL_CHARACTERS)
        .request("SOH and DEL inside other cookies", c -> c.get("/").cookie("a=b\u0001c; SERVERID=s2; d=\u007F"))
        .proxyDiffers(PROXY_CONTROL_CHARACTERS)
        .request("name with a space inside", c -> c.get("/").cookie("SERVER ID=s2; a=1"))
        .request("ours twice in one header, both removed", c -> c.get("/").cookie("SERVERID=s2; a=1; SERVERID=s1"))
        .request("200 cookies in one header", c -> {
          StringBuilder sb = new StringBuilder();
          for (int i = 0; i < 200; i++) {
            sb.append("c").append(i).append('=').append(i).append("; ");
          }
          return c.get("/").cookie(sb.append("SERVERID=s2").toString());
        })
        .request("30 Cookie headers, ours in the last", c -> {
          Scenario.Req r = c.get("/");
          for (int i = 0; i < 29; i++) {
            r.cookie("c" + i + "=" + i);
          }
          return r.cookie("SERVERID=s2");
        })
        .request("Set-Cookie with a quoted value of ours", c -> c.get("/").setCookie("SERVERID=\"x\"; path=/"))
        .request("Set-Cookie with tabs around '='", c -> c.get("/").cookie("SERVERID=s1")
            .setCookie("k\t=\tv; path=/"))
        .request("Set-Cookie whose name is empty", c -> c.get("/").cookie("SERVERID=s1").setCookie("=v; path=/"));
  }

  /** HAProxy {@code set server addr}: a dynamic cookie follows the address ({@code srv_set_dyncookie}). */
  static Scenario dynamicAddressChange() {
    return Scenario.named("dynamic cookie after an address change")
        .backend("cookie SERVERID insert indirect dynamic", "dynamic-cookie-key k3y",
            "server s1 {s1}", "server s2 {s2}")
        .request("s1 at its address", c -> c.get("/").jar())
        .admin("s1 moves to the address of s9", "set server b/s1 addr 127.0.0.1 port {s9.port}",
            (p, a) -> p.setAddress("s1", a.get("s9")))
        .request("old cookie of s1: unknown now, re-pinned to s2", c -> c.get("/").cookie("x=1").jar())
        .forget()
        .request("new client: s1 with the value of its new address", c -> c.get("/").jar())
        .request("that value routes to s1", c -> c.get("/").jar());
  }

  static Scenario allBackups() {
    return Scenario.named("allbackups")
        .backend("cookie SERVERID insert indirect", "option allbackups", S1,
            "server b1 {b1} backup cookie b1 weight 1", "server b2 {b2} backup cookie b2 weight 1")
        .admin("s1 down", "set server b/s1 health down", p -> p.setHealth("s1", OperationalState.DOWN))
        .request("backup (1)", c -> c.get("/"))
        .request("backup (2)", c -> c.get("/"))
        .request("backup (3)", c -> c.get("/"))
        .request("cookie b2", c -> c.get("/").cookie("SERVERID=b2"))
        .admin("s1 up", "set server b/s1 health up", p -> p.setHealth("s1", OperationalState.UP))
        .request("cookie b2 while s1 is up: still b2", c -> c.get("/").cookie("SERVERID=b2"))
        .request("new client: s1", c -> c.get("/"));
  }

  /** A persisted request to a DOWN server that refuses: redispatched on the first retry (server not running). */
  static Scenario persistDownAndRedispatch() {
    return killedS1("persist to a DOWN server, redispatch", "option persist", "option redispatch", "retries 3")
        .admin("s1 down", "set server b/s1 health down", p -> p.setHealth("s1", OperationalState.DOWN))
        .request("cookie s1: persisted, refused, redispatched", c -> c.get("/").cookie("SERVERID=s1"))
        .counters("counters");
  }

  private static final String OBSERVE = " check inter 1h";

  /** {@code observe layer4 on-error mark-down}: a refused connection takes the server DOWN at once. */
  static Scenario observeLayer4() {
    return Scenario.named("observe layer4 mark-down")
        .backend("cookie SERVERID insert indirect", "option redispatch", "retries 1",
            S1 + OBSERVE + " observe layer4 error-limit 1 on-error mark-down",
            S2 + OBSERVE + " observe layer4 error-limit 1 on-error mark-down")
        .admin("s1 full health", "set server b/s1 health up", p -> p.setHealth("s1", OperationalState.UP))
        .admin("s2 full health", "set server b/s2 health up", p -> p.setHealth("s2", OperationalState.UP))
        .kill("s1")
        .request("cookie s1: refused, marked down, redispatched", c -> c.get("/").cookie("SERVERID=s1"))
        .counters("s1 DOWN")
        .request("cookie s1 again: re-pinned without trying s1", c -> c.get("/").cookie("SERVERID=s1"))
        .counters("counters");
  }

  /** {@code observe} needs {@code check}: without it HAProxy observes nothing ({@code health_adjust}). */
  static Scenario observeWithoutCheck() {
    return Scenario.named("observe without check")
        .backend("cookie SERVERID insert indirect", "option redispatch", "retries 1",
            S1 + " observe layer4 error-limit 1 on-error mark-down",
            S2 + " observe layer4 error-limit 1 on-error mark-down")
        .kill("s1")
        .request("cookie s1: refused, redispatched", c -> c.get("/").cookie("SERVERID=s1"))
        .counters("s1 still UP")
        .request("cookie s1 again: tried again", c -> c.get("/").cookie("SERVERID=s1"))
        .counters("counters");
  }

  /** {@code observe layer7}: 5xx answers count, {@code fail-check} at the limit. */
  static Scenario observeLayer7() {
    return Scenario.named("observe layer7 fail-check")
        .backend("cookie SERVERID insert indirect",
            S1 + OBSERVE + " rise 2 fall 2 observe layer7 error-limit 2 on-error fail-check",
            S2 + OBSERVE + " rise 2 fall 2 observe layer7 error-limit 2 on-error fail-check")
        .admin("s1 full health", "set server b/s1 health up", p -> p.setHealth("s1", OperationalState.UP))
        .admin("s2 full health", "set server b/s2 health up", p -> p.setHealth("s2", OperationalState.UP))
        .request("500 (1)", c -> c.get("/").cookie("SERVERID=s1").status(500))
        .request("503 (2): one failed check", c -> c.get("/").cookie("SERVERID=s1").status(503))
        .counters("one failed check")
        .request("200 clears the count", c -> c.get("/").cookie("SERVERID=s1"))
        .request("501 is fine", c -> c.get("/").cookie("SERVERID=s1").status(501))
        .request("502 (1)", c -> c.get("/").cookie("SERVERID=s1").status(502))
        .request("504 (2): second failed check, DOWN", c -> c.get("/").cookie("SERVERID=s1").status(504))
        .counters("s1 DOWN")
        .request("cookie s1: re-pinned", c -> c.get("/").cookie("SERVERID=s1"));
  }

  /** Errors observed while the server is in MAINT (reached through option persist) are counted, as HAProxy does. */
  static Scenario observeDuringMaint() {
    return Scenario.named("observe during MAINT")
        .backend("cookie SERVERID insert indirect", "option persist",
            S1 + OBSERVE + " observe layer7 error-limit 2 on-error fail-check", S2)
        .admin("s1 full health", "set server b/s1 health up", p -> p.setHealth("s1", OperationalState.UP))
        .admin("s1 maint", "set server b/s1 state maint", p -> p.setAdminState("s1", AdminState.MAINT))
        .request("persisted to MAINT, 500 (1)", c -> c.get("/").cookie("SERVERID=s1").status(500))
        .request("persisted to MAINT, 500 (2)", c -> c.get("/").cookie("SERVERID=s1").status(500))
        .counters("hanafail counted in MAINT")
        .admin("s1 ready", "set server b/s1 state ready", p -> p.setAdminState("s1", AdminState.READY))
        .counters("after MAINT")
        .request("cookie s1 after MAINT", c -> c.get("/").cookie("SERVERID=s1"));
  }
}
