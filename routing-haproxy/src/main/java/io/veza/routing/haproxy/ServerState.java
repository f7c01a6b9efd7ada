package io.veza.routing.haproxy;

import io.veza.routing.health.InitialState;
import io.veza.routing.health.ObserveMode;
import io.veza.routing.health.OnErrorAction;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one server line, or of a section's {@code default-server} (HAProxy's {@code defsrv}), which every
 * later server line starts from. Mutable while parsing; {@link #copy()} is HAProxy's {@code srv_settings_cpy}.
 */
final class ServerState {
  boolean check;
  int interMs = 2000;
  int fastInterMs;
  int downInterMs;
  int rise = 2;
  int fall = 3;
  int slowStartMs;
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

  ServerState copy() {
    ServerState s = new ServerState();
    s.check = check;
    s.interMs = interMs;
    s.fastInterMs = fastInterMs;
    s.downInterMs = downInterMs;
    s.rise = rise;
    s.fall = fall;
    s.slowStartMs = slowStartMs;
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
