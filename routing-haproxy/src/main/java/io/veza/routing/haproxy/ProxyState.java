package io.veza.routing.haproxy;

import io.veza.routing.Balance;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A {@code defaults} or {@code backend} section while it is parsed: what HAProxy's {@code proxy_defproxy_cpy} copies
 * from a defaults section into a backend (or into a defaults section declared {@code from} it), plus the backend's
 * own servers and stick table.
 */
final class ProxyState {
  final String name;
  final boolean defaults;
  final int line;

  boolean http;
  Balance balance = Balance.roundRobin();
  String balanceText = "roundrobin";
  int balanceLine;
  String hashType = "";
  @Nullable List<String> cookieWords; // the last cookie line, without its attr pairs
  List<String> cookieAttrs = new ArrayList<>(); // HAProxy keeps attrs of every cookie line (cookie_attrs is not reset)
  int cookieLine;
  @Nullable String dynamicKey;
  int retries = 3;
  boolean redispatch;
  int redispatchInterval = -1;
  boolean persist;
  boolean allBackups;
  int timeoutCheckMs;
  int timeoutConnectMs;
  ServerState defsrv = new ServerState();

  // health checks: the check this section inherits, and its own option httpchk / http-check lines
  @Nullable HttpCheck inheritedCheck;
  @Nullable HttpCheck ownOption;
  int ownOptionLine;
  final List<List<String>> ownRules = new ArrayList<>();
  final List<Integer> ownRuleLines = new ArrayList<>();

  // backend only
  final List<ServerState> servers = new ArrayList<>();
  @Nullable ServerState template;
  @Nullable String templatePrefix;
  int templateCount;
  @Nullable List<String> stickTable;
  int stickTableLine;
  @Nullable List<String> stickOn;
  int stickOnLine;

  ProxyState(String name, boolean defaults, int line) {
    this.name = name;
    this.defaults = defaults;
    this.line = line;
  }

  /** A section that starts from {@code from}'s settings (HAProxy's {@code proxy_defproxy_cpy}). */
  static ProxyState from(@Nullable ProxyState from, String name, boolean defaults, int line,
                         @Nullable HttpCheck fromCheck) {
    ProxyState p = new ProxyState(name, defaults, line);
    if (from != null) {
      p.http = from.http;
      p.balance = from.balance;
      p.balanceText = from.balanceText;
      p.balanceLine = from.balanceLine;
      p.hashType = from.hashType;
      p.cookieWords = from.cookieWords;
      p.cookieAttrs = new ArrayList<>(from.cookieAttrs);
      p.cookieLine = from.cookieLine;
      p.dynamicKey = from.dynamicKey;
      p.retries = from.retries;
      p.redispatch = from.redispatch;
      p.redispatchInterval = from.redispatchInterval;
      p.persist = from.persist;
      p.allBackups = from.allBackups;
      p.timeoutCheckMs = from.timeoutCheckMs;
      p.timeoutConnectMs = from.timeoutConnectMs;
      p.defsrv = from.defsrv.copy();
      p.inheritedCheck = fromCheck;
    }
    return p;
  }
}
