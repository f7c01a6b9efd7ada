package io.veza.routing.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.BackendPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * {@link BackendPool#toString()} prints a backend section that HAProxy accepts and that imports back to an equal
 * {@link HaproxyBackend} (every imported value equal: balance, cookie, retries, options, health policies, servers
 * with their ids, the HTTP check... ; HaproxyBackend#equals), for backends generated from the supported grammar.
 */
class RoundTripProperties {
  static final String DEFAULTS = "defaults\n    mode http\n    timeout client 5s\n    timeout server 5s\n";

  @Property(tries = 150, seed = "2718")
  void toStringParsesBackToAnEqualBackend(@ForAll long seed) {
    String config = generate(new Random(seed));
    HaproxyBackend first = HaproxyConfig.parser().resolver(ParserNeverThrowsProperties::resolve).parse(config)
        .backends().get(0);
    String rendered;
    try (BackendPool pool = first.builder().build()) {
      rendered = pool.toString();
    }
    HaproxyBackend second = HaproxyConfig.parser().resolver(ParserNeverThrowsProperties::resolve)
        .parse(DEFAULTS + rendered).backends().get(0);
    assertEquals(first, second, "generated:\n" + config + "\nrendered:\n" + rendered);
    assertEquals(first.defaultHealthPolicy(), second.defaultHealthPolicy(), rendered);
    Haproxy.Check c = Haproxy.check(DEFAULTS + rendered, Map.of());
    assertTrue(c.accepted(), c.output() + "\n" + rendered);
  }

  static String generate(Random r) {
    StringBuilder g = new StringBuilder();
    if (r.nextInt(3) == 0) {
      g.append("global\n    spread-checks ").append(1 + r.nextInt(50)).append('\n');
    }
    g.append("defaults\n    mode http\n    timeout client 5s\n    timeout server 5s\n");
    if (r.nextBoolean()) {
      g.append("    timeout connect ").append(100 + r.nextInt(5000)).append("ms\n");
    }
    if (r.nextBoolean()) {
      g.append("    timeout check ").append(1 + r.nextInt(3)).append("s\n");
    }
    g.append("backend b").append(r.nextInt(100)).append('\n');
    switch (r.nextInt(5)) {
      case 0 -> g.append("    balance roundrobin\n");
      case 1 -> g.append("    balance uri").append(r.nextBoolean() ? " whole" : "")
          .append(r.nextBoolean() ? " path-only" : "").append(r.nextBoolean() ? " len " + (1 + r.nextInt(64)) : "")
          .append(r.nextBoolean() ? " depth " + (1 + r.nextInt(4)) : "").append("\n    hash-type consistent\n");
      case 2 -> g.append("    balance url_param track\n");
      case 3 -> g.append("    balance hdr(X-Key)\n    hash-type map-based\n");
      default -> { }
    }
    if (r.nextBoolean()) {
      String[] modes = {" insert", " insert indirect nocache", " prefix", " rewrite", " insert postonly preserve",
          " insert httponly secure domain .veza.fm maxidle 30m maxlife 2h attr SameSite=Lax", ""};
      g.append("    cookie SERVERID").append(modes[r.nextInt(modes.length)]).append('\n');
    }
    if (r.nextBoolean()) {
      g.append("    retries ").append(r.nextInt(6)).append('\n');
    }
    if (r.nextBoolean()) {
      g.append("    option redispatch").append(r.nextBoolean() ? " " + (r.nextInt(5) - 2) : "").append('\n');
    }
    if (r.nextBoolean()) {
      g.append("    option persist\n");
    }
    if (r.nextBoolean()) {
      g.append("    option allbackups\n");
    }
    if (r.nextBoolean()) {
      g.append("    stick-table type string size ").append(1 + r.nextInt(1000)).append('k')
          .append(r.nextBoolean() ? " expire " + (1 + r.nextInt(60)) + "m" : "").append('\n')
          .append("    stick on ").append(r.nextBoolean() ? "req.cook(SID)" : "hdr(X-User)").append('\n');
    }
    g.append("    default-server").append(serverOptions(r, true)).append('\n');
    int n = 1 + r.nextInt(5);
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      g.append("    server s").append(i).append(" 127.0.0.").append(1 + i).append(':').append(8000 + r.nextInt(100));
      if (r.nextInt(3) == 0) {
        int id = 1 + r.nextInt(20);
        if (!ids.contains(id)) {
          ids.add(id);
          g.append(" id ").append(id);
        }
      }
      g.append(serverOptions(r, false)).append('\n');
    }
    return g.toString();
  }

  static String serverOptions(Random r, boolean defaultServer) {
    StringBuilder o = new StringBuilder();
    if (r.nextBoolean()) {
      o.append(" check");
    }
    if (r.nextInt(3) == 0) {
      o.append(" inter ").append(1 + r.nextInt(10)).append('s');
    }
    if (r.nextInt(4) == 0) {
      o.append(" fastinter ").append(100 + r.nextInt(900)).append("ms");
    }
    if (r.nextInt(4) == 0) {
      o.append(" downinter ").append(1 + r.nextInt(30)).append('s');
    }
    if (r.nextInt(3) == 0) {
      o.append(" rise ").append(1 + r.nextInt(5)).append(" fall ").append(1 + r.nextInt(5));
    }
    if (r.nextInt(3) == 0) {
      o.append(" slowstart ").append(r.nextInt(60)).append('s');
    }
    if (r.nextInt(3) == 0) {
      o.append(" weight ").append(r.nextInt(100));
    }
    if (!defaultServer && r.nextInt(3) == 0) {
      o.append(" cookie c").append(r.nextInt(10));
    }
    if (r.nextInt(5) == 0) {
      o.append(" backup");
    }
    if (r.nextInt(6) == 0) {
      o.append(" disabled");
    }
    if (r.nextInt(4) == 0) {
      o.append(" observe ").append(r.nextBoolean() ? "layer4" : "layer7");
    }
    if (r.nextInt(4) == 0) {
      o.append(" error-limit ").append(1 + r.nextInt(20));
    }
    if (r.nextInt(4) == 0) {
      String[] a = {"fastinter", "fail-check", "sudden-death", "mark-down"};
      o.append(" on-error ").append(a[r.nextInt(a.length)]);
    }
    if (defaultServer && r.nextInt(3) == 0) {
      o.append(" on-marked-down shutdown-sessions");
    }
    if (defaultServer && r.nextInt(3) == 0) {
      o.append(" on-marked-up shutdown-backup-sessions");
    }
    return o.toString();
  }
}
