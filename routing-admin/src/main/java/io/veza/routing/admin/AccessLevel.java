package io.veza.routing.admin;

/**
 * What a connection to the runtime API may do, as HAProxy's {@code stats socket ... level}: read-only levels see
 * everything except what they may not change. A session can lower its own level ({@code operator}, {@code user}),
 * never raise it.
 */
public enum AccessLevel {
  /** Read-only, without sensitive columns: {@code show stat} leaves {@code addr}, {@code cookie}, {@code algo} empty. */
  USER("user"),
  /** Read-only, everything (HAProxy's default level). */
  OPERATOR("operator"),
  /** Everything, including changes: {@code set server}, {@code add server}, {@code del server} and the rest. */
  ADMIN("admin");

  private final String haproxyName;

  AccessLevel(String haproxyName) {
    this.haproxyName = haproxyName;
  }

  /**
   * The level's name in HAProxy's configuration and in {@code show cli level}.
   *
   * @return {@code user}, {@code operator} or {@code admin}
   */
  public String haproxyName() {
    return haproxyName;
  }
}
