package io.veza.routing;

import io.veza.routing.health.AdminState;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.InitialState;
import io.veza.routing.health.ObserveMode;
import io.veza.routing.syntax.HaproxySyntax;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@link BackendPool#toString()}: the pool as an HAProxy 2.6 {@code backend} section (preceded by a {@code global}
 * section when checks are spread) that routing-haproxy reads back into the same settings. What HAProxy cannot say
 * (a key function, signed cookies, check timeouts no {@code timeout connect}/{@code timeout check} pair gives) is
 * written as a comment.
 */
final class HaproxyText {
  private static final HealthPolicy HAPROXY_DEFAULTS = HealthPolicy.defaults();
  private static final Pattern STICK_EXPRESSION =
      Pattern.compile("src|path|(req\\.hdr|hdr|req\\.cook|cookie|url_param|urlp)\\([A-Za-z0-9_.!#$%&'*+^`|~-]+\\)");
  private static final long NO_EXPIRY_NANOS = Long.MAX_VALUE / 4;

  private HaproxyText() {}

  static String render(PoolConfig config, List<Server> servers) {
    StringBuilder out = new StringBuilder();
    HealthPolicy def = config.defaultHealthPolicy;
    if (def.spreadPercent() != 0) {
      out.append("global\n    spread-checks ").append(def.spreadPercent()).append("\n\n");
    }
    out.append("backend ").append(HaproxySyntax.quote(config.name)).append('\n');
    line(out, "mode http");
    Balance b = config.balance;
    if (b.kind() == Balance.Kind.KEY) {
      line(out, "# balance " + b + ": not expressible in HAProxy syntax");
    } else {
      line(out, "balance " + b);
      if (b.isHash()) {
        line(out, "hash-type consistent");
      }
    }
    CookiePersistence c = config.cookie;
    if (c != null) {
      line(out, c.toString());
      if (c.hasDynamicKey()) {
        line(out, "# dynamic-cookie-key: not printed (a secret)");
      }
      if (c.signingOrNull() != null) {
        line(out, "# signed cookies: not expressible in HAProxy syntax");
      }
    }
    line(out, "retries " + config.retries);
    if (config.redispatch) {
      line(out, "option redispatch" + (config.redispatchInterval != -1 ? " " + config.redispatchInterval : ""));
    }
    if (config.persist) {
      line(out, "option persist");
    }
    if (config.allBackups) {
      line(out, "option allbackups");
    }
    checkTimeouts(out, def, servers);
    if (config.stickKey != null) {
      String expr = String.valueOf(config.stickKey);
      Duration expire = config.stickExpireAfterIdle;
      if (STICK_EXPRESSION.matcher(expr).matches() && expire != null) {
        boolean noExpiry = expire.toNanos() >= NO_EXPIRY_NANOS;
        line(out, "stick-table type " + (expr.equals("src") ? "ipv6" : "string") + " size " + config.stickMaxSize
            + (noExpiry ? "" : " expire " + millis(expire)));
        line(out, "stick on " + expr);
      } else {
        line(out, "# stick on " + expr + ": not expressible in HAProxy syntax");
      }
    }
    StringBuilder ds = new StringBuilder("default-server");
    policy(ds, def, HAPROXY_DEFAULTS, false);
    if (config.shutdownSessionsOnMarkedDown) {
      ds.append(" on-marked-down shutdown-sessions");
    }
    if (config.shutdownBackupSessionsOnMarkedUp) {
      ds.append(" on-marked-up shutdown-backup-sessions");
    }
    if (ds.length() > "default-server".length()) {
      line(out, ds.toString());
    }
    for (Server s : servers) {
      StringBuilder sl = new StringBuilder("server ").append(HaproxySyntax.quote(s.id())).append(' ')
          .append(address(s.address()));
      if (s.persistentId() > 0) {
        sl.append(" id ").append(s.persistentId());
      }
      if (s.weight() != 1) {
        sl.append(" weight ").append(s.weight());
      }
      if (s.configuredCookie() != null) {
        sl.append(" cookie ").append(HaproxySyntax.quote(s.configuredCookie()));
      }
      if (s.backup()) {
        sl.append(" backup");
      }
      if (s.checked()) {
        sl.append(" check");
      }
      boolean disabled = s.health.state().admin() == AdminState.MAINT;
      if (disabled) {
        sl.append(" disabled");
      }
      policy(sl, s.healthPolicy(), def, disabled && s.checked());
      line(out, sl.toString());
    }
    return out.toString();
  }

  private static void line(StringBuilder out, String text) {
    out.append("    ").append(text).append('\n');
  }

  private static String address(InetSocketAddress a) {
    String host = a.getHostString();
    if (host.indexOf(':') >= 0 || a.getAddress() instanceof Inet6Address && host.equals(a.getAddress()
        .getHostAddress())) {
      int pct = host.indexOf('%');
      return "[" + (pct >= 0 ? host.substring(0, pct) : host) + "]:" + a.getPort();
    }
    return host + ":" + a.getPort();
  }

  /** The keywords of {@code p} that differ from {@code base}. */
  private static void policy(StringBuilder sb, HealthPolicy p, HealthPolicy base, boolean disabledChecked) {
    if (!p.inter().equals(base.inter())) {
      sb.append(" inter ").append(millis(p.inter()));
    }
    // HAProxy keeps 0 for "same as inter": print the value when that raw setting differs from the base's
    if (raw(p.fastInter(), p.inter()) != raw(base.fastInter(), base.inter())) {
      sb.append(" fastinter ").append(millis(p.fastInter()));
    }
    if (raw(p.downInter(), p.inter()) != raw(base.downInter(), base.inter())) {
      sb.append(" downinter ").append(millis(p.downInter()));
    }
    if (p.rise() != base.rise()) {
      sb.append(" rise ").append(p.rise());
    }
    if (p.fall() != base.fall()) {
      sb.append(" fall ").append(p.fall());
    }
    if (!p.slowStart().equals(base.slowStart())) {
      sb.append(" slowstart ").append(millis(p.slowStart()));
    }
    if (p.observe() != base.observe()) {
      sb.append(" observe ").append(p.observe() == ObserveMode.NONE ? "none" : p.observe().name()
          .toLowerCase(Locale.ROOT));
    }
    if (p.errorLimit() != base.errorLimit()) {
      sb.append(" error-limit ").append(p.errorLimit());
    }
    if (p.onError() != base.onError()) {
      sb.append(" on-error ").append(switch (p.onError()) {
        case FASTINTER -> "fastinter";
        case FAIL_CHECK -> "fail-check";
        case SUDDEN_DEATH -> "sudden-death";
        case MARK_DOWN -> "mark-down";
      });
    }
    InitialState state = p.initialState();
    InitialState baseState = disabledChecked ? InitialState.FULLY_DOWN : base.initialState();
    if (state != baseState) {
      sb.append(" init-state ").append(state.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
  }

  /**
   * HAProxy's check budget is {@code min(inter, timeout connect) + timeout check} (just {@code inter} without timeout
   * check, {@code inter + timeout check} without timeout connect); finds the pair that gives every policy its
   * checkTimeout.
   */
  private static void checkTimeouts(StringBuilder out, HealthPolicy def, List<Server> servers) {
    List<HealthPolicy> policies = new ArrayList<>();
    policies.add(def);
    for (Server s : servers) {
      policies.add(s.healthPolicy());
    }
    boolean all = true;
    long maxDelta = Long.MIN_VALUE;
    for (HealthPolicy p : policies) {
      if (!isMillis(p.checkTimeout()) || !isMillis(p.inter())) {
        line(out, "# check timeouts below a millisecond: not expressible in HAProxy syntax");
        return;
      }
      long d = p.checkTimeout().toMillis() - p.inter().toMillis();
      all &= d == 0;
      maxDelta = Math.max(maxDelta, d);
    }
    if (all) {
      return;
    }
    long check = Math.max(1, maxDelta);
    Long connect = null;
    boolean ok = true;
    for (HealthPolicy p : policies) {
      long inter = p.inter().toMillis();
      long ct = p.checkTimeout().toMillis();
      if (ct - inter == check) {
        continue;
      }
      long c = ct - check; // must be the connect timeout, below this server's inter
      if (c <= 0 || c >= inter || (connect != null && connect != c)) {
        ok = false;
        break;
      }
      connect = c;
    }
    if (ok && connect != null) {
      for (HealthPolicy p : policies) {
        long inter = p.inter().toMillis();
        if (p.checkTimeout().toMillis() - inter == check && inter > connect) {
          ok = false; // this one would be capped by the connect timeout
        }
      }
    }
    if (!ok) {
      line(out, "# check timeouts: no single timeout connect/timeout check pair gives every server its budget");
      return;
    }
    if (connect != null) {
      line(out, "timeout connect " + connect + "ms");
    }
    line(out, "timeout check " + check + "ms");
  }

  private static long raw(Duration interval, Duration inter) {
    return interval.equals(inter) ? 0 : interval.toNanos();
  }

  private static boolean isMillis(Duration d) {
    return d.toNanos() % 1_000_000L == 0;
  }

  private static String millis(Duration d) {
    if (d.isZero()) {
      return "0";
    }
    if (isMillis(d)) {
      long ms = d.toMillis();
      return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
    return (d.toNanos() + 999) / 1000 + "us";
  }
}
