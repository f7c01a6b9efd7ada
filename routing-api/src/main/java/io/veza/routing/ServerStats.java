package io.veza.routing;

import io.veza.routing.RouteDecision.Reason;
import io.veza.routing.health.CheckCounters;
import io.veza.routing.health.ServerStatus;
import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One server's statistics at one instant: what HAProxy's {@code show stat} reports for a server row, as far as a
 * routing library knows it. Counters are cumulative since the server joined the pool; each is exact, read one by
 * one.
 *
 * @param id server name ({@code svname})
 * @param persistentId HAProxy {@code id} ({@code sid}), or 0
 * @param slot hash slot
 * @param address where the gateway connects ({@code addr})
 * @param backup whether a backup server ({@code act}/{@code bck})
 * @param cookie persistence cookie value ({@code cookie}), or null
 * @param status health status: operational and admin state, health counter, weights ({@code status},
 *     {@code weight}, {@code uweight}, {@code check_health})
 * @param checks check counters ({@code chkfail}, {@code chkdown}, {@code lastchg}, {@code downtime},
 *     {@code hanafail}, {@code check_status}, {@code check_code}, {@code check_duration}, {@code last_chk})
 * @param sessionsCurrent registered sessions now ({@code scur})
 * @param sessionsMax most registered sessions at once ({@code smax})
 * @param sessionsTotal sessions registered in all ({@code stot})
 * @param decisions routing decisions that chose this server, per reason
 * @param connectErrors failed connections after the last retry ({@code econ})
 * @param responseErrors transport errors after connect ({@code eresp})
 * @param retries retries to this server ({@code wretr})
 * @param redispatches retries moved away from this server ({@code wredis})
 * @param responses HTTP responses by class: index 0..4 for 1xx..5xx, 5 for others ({@code hrsp_*})
 */
public record ServerStats(String id, int persistentId, int slot, @Nullable InetSocketAddress address,
                          boolean backup, @Nullable String cookie, ServerStatus status, CheckCounters checks,
                          int sessionsCurrent, int sessionsMax, long sessionsTotal, Map<Reason, Long> decisions,
                          long connectErrors, long responseErrors, long retries, long redispatches,
                          long[] responses) {

  /**
   * Validates and copies.
   *
   * @param id server name
   * @param persistentId persistent id
   * @param slot hash slot
   * @param address address
   * @param backup backup flag
   * @param cookie cookie value
   * @param status health status
   * @param checks check counters
   * @param sessionsCurrent current sessions
   * @param sessionsMax max sessions
   * @param sessionsTotal total sessions
   * @param decisions decisions per reason
   * @param connectErrors econ
   * @param responseErrors eresp
   * @param retries wretr
   * @param redispatches wredis
   * @param responses hrsp by class
   */
  public ServerStats {
    decisions = Map.copyOf(decisions);
    responses = responses.clone();
  }

  /**
   * HAProxy {@code lbtot}: times load balancing (not persistence) chose this server, redispatches included.
   *
   * @return the count
   */
  public long loadBalanced() {
    return decisions.getOrDefault(Reason.BALANCED, 0L) + decisions.getOrDefault(Reason.HASHED, 0L)
        + decisions.getOrDefault(Reason.BACKUP, 0L) + decisions.getOrDefault(Reason.REDISPATCHED, 0L)
        + decisions.getOrDefault(Reason.COOKIE_SERVER_DOWN, 0L) + decisions.getOrDefault(Reason.INVALID_COOKIE, 0L);
  }

  /**
   * HTTP responses of one class.
   *
   * @param statusClass 1..5, or 0 for statuses outside 100..599
   * @return the count
   */
  public long responses(int statusClass) {
    return statusClass >= 1 && statusClass <= 5 ? responses[statusClass - 1] : responses[5];
  }

  /**
   * HTTP responses by class ({@code hrsp_1xx} .. {@code hrsp_5xx}, {@code hrsp_other}).
   *
   * @return a copy of the counts: index 0..4 for 1xx..5xx, 5 for statuses outside 100..599; changing it does not
   *     change these statistics
   */
  @Override
  public long[] responses() {
    return responses.clone();
  }

  /** Equal when every component is, the response counts compared by value. */
  @Override
  public boolean equals(Object o) {
    return o instanceof ServerStats s && id.equals(s.id) && persistentId == s.persistentId && slot == s.slot
        && java.util.Objects.equals(address, s.address) && backup == s.backup
        && java.util.Objects.equals(cookie, s.cookie) && status.equals(s.status) && checks.equals(s.checks)
        && sessionsCurrent == s.sessionsCurrent && sessionsMax == s.sessionsMax && sessionsTotal == s.sessionsTotal
        && decisions.equals(s.decisions) && connectErrors == s.connectErrors && responseErrors == s.responseErrors
        && retries == s.retries && redispatches == s.redispatches && java.util.Arrays.equals(responses, s.responses);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(id, persistentId, slot, address, backup, cookie, status, checks, sessionsCurrent,
        sessionsMax, sessionsTotal, decisions, connectErrors, responseErrors, retries, redispatches)
        * 31 + java.util.Arrays.hashCode(responses);
  }

  @Override
  public String toString() {
    return "ServerStats[id=" + id + ", persistentId=" + persistentId + ", slot=" + slot + ", address=" + address
        + ", backup=" + backup + ", cookie=" + cookie + ", status=" + status + ", checks=" + checks
        + ", sessions=" + sessionsCurrent + "/" + sessionsMax + "/" + sessionsTotal + ", decisions=" + decisions
        + ", econ=" + connectErrors + ", eresp=" + responseErrors + ", wretr=" + retries + ", wredis=" + redispatches
        + ", responses=" + java.util.Arrays.toString(responses) + "]";
  }

  /** {@code countedPicks}: the server's balanced picks that round robin counted itself. */
  static ServerStats of(Server s, long countedPicks) {
    ServerCounters c = s.counters;
    Map<Reason, Long> decisions = new EnumMap<>(Reason.class);
    for (Reason r : Reason.values()) {
      long n = c.sum(r.ordinal()) + (r == Reason.BALANCED ? countedPicks : 0);
      if (n != 0) {
        decisions.put(r, n);
      }
    }
    long[] responses = new long[6];
    for (int k = 0; k < 6; k++) {
      responses[k] = c.sum(ServerCounters.HRSP_1XX + k);
    }
    SessionRegistry.Sessions ss = s.sessions;
    return new ServerStats(s.id(), s.persistentId(), s.slot(), s.health.address(), s.backup(), s.cookieValue(),
        s.health.status(), s.health.counters(), ss.current.get(), ss.max.get(), ss.total.get(), decisions,
        c.sum(ServerCounters.CONNECT_ERRORS), c.sum(ServerCounters.RESPONSE_ERRORS), c.sum(ServerCounters.RETRIES),
        c.sum(ServerCounters.REDISPATCHES), responses);
  }
}
