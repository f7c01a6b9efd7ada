package io.veza.routing.haproxy;

import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.InitialState;
import io.veza.routing.health.ObserveMode;
import io.veza.routing.health.OnErrorAction;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one server line, or of a section's {@code default-server} (HAProxy's {@code defsrv}), which every
 * later server line starts from. Mutable while parsing; {@link #copy()} is HAProxy's {@code srv_settings_cpy}.
 */
final class ServerState {
  boolean check;
  Duration inter = Duration.ofMillis(2000);
  @Nullable Duration fastInter; // null: same as inter (HAProxy keeps 0)
  @Nullable Duration downInter; // null: same as inter
  int rise = 2;
  int fall = 3;
  Duration slowStart = Duration.ZERO;
  int weight = 1;
  @Nullable String cookie;
  boolean backup;
  boolean disabled;
  ObserveMode observe = ObserveMode.NONE;
  int errorLimit = 10;
  OnErrorAction onError = OnErrorAction.FAIL_CHECK;
  boolean onMarkedDownShutdown;
  boolean onMarkedUpShutdownBackup;
  @Nullable InitialState initState;
  @Nullable String resolvers;
  // per server only
  String name = "";
  int line;
  int puid;
  @Nullable String host;
  int port;

  /**
   * The settings a default-server line with {@code policy}'s health keywords would give: an interval equal to
   * {@code inter} counts as unset (it then follows a server's own {@code inter}), as HAProxy keeps 0 for it.
   */
  static ServerState of(HealthPolicy policy) {
    ServerState s = new ServerState();
    s.inter = policy.inter();
    s.fastInter = policy.fastInter().equals(policy.inter()) ? null : policy.fastInter();
    s.downInter = policy.downInter().equals(policy.inter()) ? null : policy.downInter();
    s.rise = policy.rise();
    s.fall = policy.fall();
    s.slowStart = policy.slowStart();
    s.observe = policy.observe();
    s.errorLimit = policy.errorLimit();
    s.onError = policy.onError();
    s.initState = policy.initialState() == InitialState.UP ? null : policy.initialState();
    return s;
  }

  ServerState copy() {
    ServerState s = new ServerState();
    s.check = check;
    s.inter = inter;
    s.fastInter = fastInter;
    s.downInter = downInter;
    s.rise = rise;
    s.fall = fall;
    s.slowStart = slowStart;
    s.weight = weight;
    s.cookie = cookie;
    s.backup = backup;
    s.disabled = disabled;
    s.observe = observe;
    s.errorLimit = errorLimit;
    s.onError = onError;
    s.onMarkedDownShutdown = onMarkedDownShutdown;
    s.onMarkedUpShutdownBackup = onMarkedUpShutdownBackup;
    s.initState = initState;
    s.resolvers = resolvers;
    return s;
  }
}
