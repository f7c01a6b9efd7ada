package io.veza.routing.admin;

import io.veza.routing.BackendPool;
import io.veza.routing.Server;
import io.veza.routing.health.CheckResult;
import io.veza.routing.health.CheckStatus;
import io.veza.routing.health.HealthEvent;
import io.veza.routing.health.HealthListener;
import io.veza.routing.health.OperationalState;
import io.veza.routing.health.ServerStatus;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Follows one pool's health events, in sequence order (it is a {@link HealthListener}), and keeps what HAProxy keeps
 * per backend but a pool does not: which servers are usable at each event (for the "N active and M backup servers
 * left" of the log lines, exact at that event even when later ones have happened since), and the backend's own
 * state ({@code show stat}'s BACKEND row: {@code status}, {@code chkdown}, {@code lastchg}, {@code downtime}: the
 * backend is UP while any server, active or backup, is usable, as HAProxy's {@code tot_weight > 0}). Optionally it
 * writes the log lines HAProxy writes for each transition ({@link HealthLog}).
 *
 * <p>It starts from the pool's state when it is created; events of transitions that happened before are ignored.
 * Listener calls come one at a time (the tracker's per-listener queue); reads from other threads synchronize.
 */
final class PoolMonitor implements HealthListener {
  /** What the monitor knows of one member. */
  private static final class Member {
    @Nullable Boolean backup;
    boolean usable;
  }

  private final BackendPool pool;
  private final @Nullable BiConsumer<System.Logger.Level, String> log;
  private final Map<String, Member> members = new HashMap<>();
  // guarded by this
  private boolean backendUp;
  private long backendLastChange;
  private long backendDownSince = -1;
  private long backendDowntime;
  private long backendDownTransitions;
  private long lastSequence;
  private @Nullable String pendingNoServer;

  PoolMonitor(BackendPool pool, @Nullable BiConsumer<System.Logger.Level, String> log) {
    this.pool = pool;
    this.log = log;
    long now = pool.health().ticker().read();
    synchronized (this) {
      for (Server s : pool.servers()) {
        Member m = new Member();
        m.backup = s.backup();
        m.usable = s.health().state().isBalanceable();
        members.put(s.id(), m);
      }
      backendUp = members.isEmpty() || members.values().stream().anyMatch(m -> m.usable);
      backendLastChange = now;
      backendDownSince = backendUp ? -1 : now;
    }
  }

  /** Installs the monitor as a listener of the pool's tracker. */
  PoolMonitor install() {
    pool.health().addListener(this);
    return this;
  }

  /** Removes the listener. */
  void uninstall() {
    pool.health().removeListener(this);
  }

  @Override
  public void onEvent(HealthEvent e) {
    String line = null;
    System.Logger.Level level = System.Logger.Level.INFO;
    String noServer = null;
    synchronized (this) {
      if (e.sequence() <= lastSequence) {
        return;
      }
      lastSequence = e.sequence();
      Member m = members.get(e.serverId());
      switch (e.kind()) {
        case ADDED -> {
          m = new Member();
          m.usable = e.current().isBalanceable();
          members.put(e.serverId(), m);
        }
        case REMOVED -> members.remove(e.serverId());
        default -> {
          if (m == null) {
            m = new Member();
            members.put(e.serverId(), m);
          }
          m.usable = e.current().isBalanceable();
        }
      }
      if (m != null && m.backup == null) {
        pool.server(e.serverId()).ifPresent(s -> members.get(e.serverId()).backup = s.backup());
      }
      boolean backup = m != null && Boolean.TRUE.equals(m.backup);
      boolean wasUp = backendUp;
      boolean up = members.isEmpty() || members.values().stream().anyMatch(x -> x.usable);
      if (up != wasUp) {
        backendUp = up;
        backendLastChange = e.timeNanos();
        if (!up) {
          backendDownTransitions++;
          backendDownSince = e.timeNanos();
          noServer = "backend " + pool.name() + " has no server available!";
        } else {
          if (backendDownSince >= 0) {
            backendDowntime += e.timeNanos() - backendDownSince;
          }
          backendDownSince = -1;
        }
      }
      if (log != null) {
        line = message(e, backup);
        level = e.kind() == HealthEvent.Kind.WENT_DOWN && !wasStopping(e.previous())
            ? System.Logger.Level.WARNING : System.Logger.Level.INFO;
        if (line == null && e.kind() == HealthEvent.Kind.ADMIN_STATE_CHANGED) {
          // entering MAINT from UP: the WENT_DOWN event of the same change carries the line, HAProxy writes
          // "no server available" after it
          if (noServer != null) {
            pendingNoServer = noServer;
            noServer = null;
          }
        } else if (pendingNoServer != null) {
          noServer = noServer == null ? pendingNoServer : noServer;
          pendingNoServer = null;
        }
      }
    }
    if (log != null) {
      if (line != null) {
        log.accept(level, line);
      }
      if (noServer != null) {
        log.accept(System.Logger.Level.ERROR, noServer);
      }
    }
  }

  private static boolean wasStopping(ServerStatus s) {
    return s.operational() == OperationalState.STOPPING || s.admin() == io.veza.routing.health.AdminState.DRAIN;
  }

  /** Under the monitor: usable active and backup servers now (HAProxy's {@code srv_act}, {@code srv_bck}). */
  private int[] counts() {
    int act = 0;
    int bck = 0;
    for (Member m : members.values()) {
      if (m.usable) {
        if (Boolean.TRUE.equals(m.backup)) {
          bck++;
        } else {
          act++;
        }
      }
    }
    return new int[] {act, bck};
  }

  /**
   * The line HAProxy's {@code srv_update_status} writes for this transition (src/server.c), without the final
   * period's newline, or null for a transition HAProxy does not log.
   */
  @Nullable String message(HealthEvent e, boolean backup) {
    String who = (backup ? "Backup " : "") + "Server " + pool.name() + "/" + e.serverId();
    ServerStatus before = e.previous();
    ServerStatus after = e.current();
    switch (e.kind()) {
      case WENT_DOWN: {
        if (e.cause() == HealthEvent.Cause.MAINTENANCE) {
          return who + " is going DOWN for maintenance" + tail(e, null, true, true) + ".";
        }
        String reason = e.cause() == HealthEvent.Cause.FORCED ? "changed from CLI" : null;
        return who + " is DOWN" + tail(e, reason, true, false) + ".";
      }
      case CAME_UP: {
        if (before.admin() == io.veza.routing.health.AdminState.MAINT
            && after.admin() != io.veza.routing.health.AdminState.MAINT) {
          return null; // reported by the ADMIN_STATE_CHANGED line ("leaving forced maintenance")
        }
        String reason = e.check() == null ? "changed from CLI" : null;
        return who + " is UP" + tail(e, reason, false, false) + ".";
      }
      case STOPPING:
        return who + " is stopping" + tail(e, e.check() == null ? "changed from CLI" : null, false, false) + ".";
      case ADMIN_STATE_CHANGED: {
        io.veza.routing.health.AdminState from = before.admin();
        io.veza.routing.health.AdminState to = after.admin();
        if (to == io.veza.routing.health.AdminState.MAINT) {
          if (before.operational() == OperationalState.DOWN) {
            return who + " was DOWN and now enters maintenance.";
          }
          return null; // the WENT_DOWN (cause MAINTENANCE) line follows
        }
        if (from == io.veza.routing.health.AdminState.MAINT) {
          return who + " is " + (after.operational() == OperationalState.DOWN ? "DOWN" : "UP") + "/"
              + (to == io.veza.routing.health.AdminState.DRAIN ? "DRAIN" : "READY")
              + " (leaving forced maintenance).";
        }
        if (to == io.veza.routing.health.AdminState.DRAIN) {
          return who + " enters drain state" + tail(e, null, false, true) + ".";
        }
        return who + " is " + (after.operational() == OperationalState.DOWN ? "DOWN" : "UP")
            + " (leaving forced drain).";
      }
      default:
        return null;
    }
  }

  /**
   * HAProxy's {@code srv_append_status}: the check details (or the reason), then the server counts ("left" when
   * the server is now stopped, "online" otherwise).
   */
  private String tail(HealthEvent e, @Nullable String reason, boolean stopped, boolean forced) {
    StringBuilder sb = new StringBuilder();
    CheckResult check = e.check();
    if (reason == null && check != null && !forced) {
      CheckStatus st = check.status();
      sb.append(", reason: ").append(st.description());
      if (Stats.hasCode(st)) {
        sb.append(", code: ").append(check.code());
      }
      if (!check.info().isEmpty()) {
        sb.append(", info: \"");
        asciiEncode(check.info(), sb);
        sb.append('"');
      }
      if (check.durationNanos() >= 0) {
        sb.append(", check duration: ").append(check.durationNanos() / 1_000_000L).append("ms");
      }
    } else if (reason != null) {
      sb.append(", ").append(reason);
    }
    int[] c = counts();
    String onBackup = c[1] > 0 && c[0] == 0 ? " Running on backup." : "";
    if (stopped) {
      sb.append(". ").append(c[0]).append(" active and ").append(c[1]).append(" backup servers left.")
          .append(onBackup).append(' ').append(sessions(e)).append(" sessions active, 0 requeued, 0 remaining in queue");
    } else {
      sb.append(". ").append(c[0]).append(" active and ").append(c[1]).append(" backup servers online.")
          .append(onBackup).append(" 0 sessions requeued, 0 total in queue");
    }
    return sb.toString();
  }

  private int sessions(HealthEvent e) {
    return pool.server(e.serverId()).map(pool::sessionCount).orElse(0);
  }

  /**
   * HAProxy's {@code chunk_asciiencode} with {@code '"'} as the quote: non-printable characters, {@code <},
   * {@code >} and the quote become {@code <XX>} (hex, upper case); characters above 0xFF are encoded per UTF-8 byte.
   */
  private static void asciiEncode(String s, StringBuilder out) {
    for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c < 32 || c > 126 || c == '<' || c == '>' || c == '"') {
        out.append('<').append(String.format("%02X", c)).append('>');
      } else {
        out.append((char) c);
      }
    }
  }

  synchronized boolean backendUp() {
    return backendUp;
  }

  synchronized long backendDownTransitions() {
    return backendDownTransitions;
  }

  /** Seconds since the backend's state last changed. */
  synchronized long backendSinceLastChangeSeconds() {
    return Math.max(0, (pool.health().ticker().read() - backendLastChange) / 1_000_000_000L);
  }

  /** Seconds the backend has spent DOWN, the current period included. */
  synchronized long backendDowntimeSeconds() {
    long now = pool.health().ticker().read();
    return (backendDowntime + (backendDownSince >= 0 ? now - backendDownSince : 0)) / 1_000_000_000L;
  }
}
