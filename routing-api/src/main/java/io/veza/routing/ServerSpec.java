package io.veza.routing;

import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.HealthTracker;
import java.net.InetSocketAddress;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The definition of one server (HAProxy's {@code server <name> <address> [options]} line): what a pool is built
 * from, what {@link BackendPool#add(ServerSpec)} and a {@link io.veza.routing.discovery.Discovery} deliver.
 * Immutable value; build with {@link #builder(String, InetSocketAddress)}.
 *
 * <p>Options: {@code weight} (default 1), {@code cookie}, {@code backup}, {@code id} (HAProxy's persistent id, which
 * fixes the server's hash slot), {@code check} (default true: checked when the pool runs active checks) and a health
 * policy (default: the pool's default-server policy, which also applies to servers added at runtime).
 */
public final class ServerSpec {
  /** Highest persistent id: slots are ids minus one and must stay below 2^24. */
  public static final int MAX_PERSISTENT_ID = 1 << 24;

  private final String id;
  private final InetSocketAddress address;
  private final int weight;
  private final @Nullable String cookie;
  private final boolean backup;
  private final int persistentId;
  private final boolean check;
  private final @Nullable HealthPolicy healthPolicy;
  private final boolean disabled;

  private ServerSpec(Builder b) {
    this.id = b.id;
    this.address = b.address;
    this.weight = b.weight;
    this.cookie = b.cookie;
    this.backup = b.backup;
    this.persistentId = b.persistentId;
    this.check = b.check;
    this.healthPolicy = b.healthPolicy;
    this.disabled = b.disabled;
  }

  /**
   * A builder for server {@code id} at {@code address}, with HAProxy's defaults.
   *
   * @param id the server name, unique in its pool
   * @param address where the gateway connects to
   * @return a builder
   */
  public static Builder builder(String id, InetSocketAddress address) {
    return new Builder(Objects.requireNonNull(id, "id"), Objects.requireNonNull(address, "address"));
  }

  /**
   * A server with default options.
   *
   * @param id the server name
   * @param address where the gateway connects to
   * @return the spec
   * @throws IllegalArgumentException if the id is empty or invalid
   */
  public static ServerSpec of(String id, InetSocketAddress address) {
    return builder(id, address).build();
  }

  /**
   * A builder holding this spec's values.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(id, address);
    b.weight = weight;
    b.cookie = cookie;
    b.backup = backup;
    b.persistentId = persistentId;
    b.check = check;
    b.healthPolicy = healthPolicy;
    b.disabled = disabled;
    return b;
  }

  /**
   * The server name.
   *
   * @return the name, unique in its pool (HAProxy's server name)
   */
  public String id() {
    return id;
  }

  /**
   * The address.
   *
   * @return where the gateway connects to
   */
  public InetSocketAddress address() {
    return address;
  }

  /**
   * HAProxy {@code weight}, 0..256.
   *
   * @return the configured weight, 0..256; 0 takes no load-balanced traffic
   */
  public int weight() {
    return weight;
  }

  /**
   * HAProxy {@code cookie <value>}, or null.
   *
   * @return the cookie value, or null
   */
  public @Nullable String cookie() {
    return cookie;
  }

  /**
   * HAProxy {@code backup}.
   *
   * @return whether it is a backup server
   */
  public boolean backup() {
    return backup;
  }

  /**
   * HAProxy {@code id}: the persistent id, or 0 for none.
   *
   * @return the id, or 0
   */
  public int persistentId() {
    return persistentId;
  }

  /**
   * HAProxy {@code check}: whether active checks include this server.
   *
   * @return whether it is checked
   */
  public boolean check() {
    return check;
  }

  /**
   * The server's own health policy, or null for the pool's default.
   *
   * @return the policy, or null
   */
  public @Nullable HealthPolicy healthPolicy() {
    return healthPolicy;
  }

  /**
   * HAProxy {@code disabled}: the server joins its pool in maintenance (MAINT: no traffic, checks paused) until an
   * operator sets it READY.
   *
   * @return whether it starts in maintenance
   */
  public boolean disabled() {
    return disabled;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ServerSpec s && s.id.equals(id) && s.address.equals(address) && s.weight == weight
        && Objects.equals(s.cookie, cookie) && s.backup == backup && s.persistentId == persistentId
        && s.check == check && Objects.equals(s.healthPolicy, healthPolicy) && s.disabled == disabled;
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, address, weight, cookie, backup, persistentId, check, healthPolicy, disabled);
  }

  /** The HAProxy server line (without the health-policy keywords). */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("server ").append(id).append(' ')
        .append(address.getHostString()).append(':').append(address.getPort());
    if (persistentId > 0) {
      sb.append(" id ").append(persistentId);
    }
    if (weight != 1) {
      sb.append(" weight ").append(weight);
    }
    if (cookie != null) {
      sb.append(" cookie ").append(cookie);
    }
    if (backup) {
      sb.append(" backup");
    }
    if (check) {
      sb.append(" check");
    }
    if (disabled) {
      sb.append(" disabled");
    }
    return sb.toString();
  }

  /** Builder of {@link ServerSpec}; not thread-safe. {@link #build()} validates and names the field and value. */
  public static final class Builder {
    private final String id;
    private final InetSocketAddress address;
    private int weight = 1;
    private @Nullable String cookie;
    private boolean backup;
    private int persistentId;
    private boolean check = true;
    private @Nullable HealthPolicy healthPolicy;
    private boolean disabled;

    private Builder(String id, InetSocketAddress address) {
      this.id = id;
      this.address = address;
    }

    /**
     * HAProxy {@code cookie <value>}: the persistence cookie value designating this server. Servers may share a
     * value; the first cookie-eligible one in slot order wins.
     *
     * @param value the value, or null for none
     * @return this builder
     */
    public Builder cookie(@Nullable String value) {
      this.cookie = value;
      return this;
    }

    /**
     * HAProxy {@code weight <0..256>} (default 1); 0 takes no load-balanced traffic, like DRAIN.
     *
     * @param weight the server's share relative to the others', 0..256 (checked by {@link #build()})
     * @return this builder
     */
    public Builder weight(int weight) {
      this.weight = weight;
      return this;
    }

    /**
     * HAProxy {@code backup}.
     *
     * @param backup whether the server is a backup
     * @return this builder
     */
    public Builder backup(boolean backup) {
      this.backup = backup;
      return this;
    }

    /**
     * HAProxy {@code backup}.
     *
     * @return this builder
     */
    public Builder backup() {
      return backup(true);
    }

    /**
     * HAProxy {@code id <n>}: a persistent id, 1..{@value ServerSpec#MAX_PERSISTENT_ID}; the server's hash slot is
     * {@code n - 1} whatever else joins or leaves, and every gateway configured with the same ids agrees. Give ids
     * to the servers of hashed pools whose membership changes.
     *
     * @param persistentId the id, or 0 for none
     * @return this builder
     */
    public Builder id(int persistentId) {
      this.persistentId = persistentId;
      return this;
    }

    /**
     * HAProxy {@code check}: whether the pool's active checks include the server (default true).
     *
     * @param check whether to check it
     * @return this builder
     */
    public Builder check(boolean check) {
      this.check = check;
      return this;
    }

    /**
     * The server's health-check and observation policy (default: the pool's default-server policy).
     *
     * @param policy the policy, or null for the pool's
     * @return this builder
     */
    public Builder healthPolicy(@Nullable HealthPolicy policy) {
      this.healthPolicy = policy;
      return this;
    }

    /**
     * HAProxy {@code disabled}: the server joins its pool in maintenance (MAINT) instead of READY (default false).
     *
     * @param disabled whether it starts in maintenance
     * @return this builder
     */
    public Builder disabled(boolean disabled) {
      this.disabled = disabled;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the immutable server definition
     * @throws IllegalArgumentException naming the field and the value
     */
    public ServerSpec build() {
      if (id == null || id.isEmpty()) {
        throw new IllegalArgumentException("server id must be non-empty, was " + Balance.quote(id));
      }
      for (int i = 0; i < id.length(); i++) {
        char c = id.charAt(i);
        if (c <= ' ' || c == 0x7f || c == '/') {
          throw new IllegalArgumentException("server id must have no space, control character or '/', was "
              + Balance.quote(id));
        }
      }
      String where = " (server " + id + ")";
      if (address == null) {
        throw new IllegalArgumentException("server address must not be null, was null" + where);
      }
      if (weight < 0 || weight > HealthTracker.MAX_WEIGHT) {
        throw new IllegalArgumentException("server weight must be in [0, " + HealthTracker.MAX_WEIGHT + "], was "
            + weight + where);
      }
      if (persistentId < 0 || persistentId > MAX_PERSISTENT_ID) {
        throw new IllegalArgumentException("server id must be in [1, " + MAX_PERSISTENT_ID + "] (or 0 for none), was "
            + persistentId + where);
      }
      if (cookie != null && cookie.isEmpty()) {
        throw new IllegalArgumentException("server cookie must be non-empty, was \"\"" + where);
      }
      return new ServerSpec(this);
    }
  }
}
