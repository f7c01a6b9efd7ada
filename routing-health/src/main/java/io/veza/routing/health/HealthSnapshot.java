package io.veza.routing.health;

import com.google.common.collect.ImmutableList;

/**
 * Immutable, published view of every server's usability and effective weight, for the routing hot path.
 *
 * <p>A {@link HealthTracker} publishes a new snapshot (copy-on-write, one volatile write) whenever any server's
 * UP/DOWN state, admin state, configured weight or effective weight changes; routing obtains it with one volatile
 * read ({@link HealthTracker#snapshot()}). Reads are array loads: O(1), no allocation, no lock. Each snapshot is
 * internally consistent: for every server {@code isBalanceable(i) == isUp(i) && adminState(i) == READY &&
 * effectiveWeight(i) > 0}. Indexes out of range throw {@link IndexOutOfBoundsException} (they are a programming
 * error, not request input).
 */
public final class HealthSnapshot {
  private static final AdminState[] ADMIN = AdminState.values();

  private final long version;
  private final long timeNanos;
  private final ImmutableList<String> ids;
  private final boolean[] up;
  private final byte[] admin;
  private final int[] weight;
  private final double[] effectiveWeight;
  private final boolean[] balanceable;
  private final int maxWeight;
  private final double maxEffectiveWeight;
  private final int upCount;
  private final int balanceableCount;

  HealthSnapshot(long version, long timeNanos, ImmutableList<String> ids, boolean[] up, byte[] admin, int[] weight,
      double[] effectiveWeight) {
    this.version = version;
    this.timeNanos = timeNanos;
    this.ids = ids;
    this.up = up;
    this.admin = admin;
    this.weight = weight;
    this.effectiveWeight = effectiveWeight;
    int n = up.length;
    this.balanceable = new boolean[n];
    int maxW = 0;
    double maxEw = 0;
    int ups = 0;
    int bal = 0;
    for (int i = 0; i < n; i++) {
      balanceable[i] = up[i] && admin[i] == AdminState.READY.ordinal() && effectiveWeight[i] > 0;
      maxW = Math.max(maxW, weight[i]);
      if (balanceable[i]) {
        maxEw = Math.max(maxEw, effectiveWeight[i]);
        bal++;
      }
      if (up[i]) {
        ups++;
      }
    }
    this.maxWeight = maxW;
    this.maxEffectiveWeight = maxEw;
    this.upCount = ups;
    this.balanceableCount = bal;
  }

  /** Publication number: 0 for the initial snapshot, +1 for each publication. */
  public long version() {
    return version;
  }

  /** Tracker ticker time at which this snapshot was computed (effective weights are as of this time). */
  public long timeNanos() {
    return timeNanos;
  }

  /** Number of servers. */
  public int size() {
    return up.length;
  }

  /** Server id of index {@code i}. */
  public String id(int i) {
    return ids.get(i);
  }

  /** All server ids in index order. */
  public ImmutableList<String> ids() {
    return ids;
  }

  /** Whether server {@code i} is UP (health counter {@code >= rise}, not in MAINT). */
  public boolean isUp(int i) {
    return up[i];
  }

  /** Administrative state of server {@code i}. */
  public AdminState adminState(int i) {
    return ADMIN[admin[i]];
  }

  /** Load-balancing eligibility: not DOWN/MAINT/DRAIN and effective weight &gt; 0. */
  public boolean isBalanceable(int i) {
    return balanceable[i];
  }

  /** Cookie-persistence eligibility: not DOWN and not MAINT (DRAIN and weight 0 still serve sticky clients). */
  public boolean isCookieEligible(int i) {
    return up[i];
  }

  /** Configured weight of server {@code i}, 0..256. */
  public int weight(int i) {
    return weight[i];
  }

  /** Effective weight of server {@code i}: configured weight with slow start applied, 0 while DOWN or in MAINT. */
  public double effectiveWeight(int i) {
    return effectiveWeight[i];
  }

  /** Largest configured weight over all servers. */
  public int maxWeight() {
    return maxWeight;
  }

  /** Largest effective weight over balanceable servers (0 if none). */
  public double maxEffectiveWeight() {
    return maxEffectiveWeight;
  }

  /** Number of UP servers. */
  public int upCount() {
    return upCount;
  }

  /** Number of balanceable servers. */
  public int balanceableCount() {
    return balanceableCount;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("HealthSnapshot{v").append(version).append(" t=").append(timeNanos);
    for (int i = 0; i < up.length; i++) {
      sb.append(", ").append(ids.get(i)).append(up[i] ? " UP " : " DOWN ").append(ADMIN[admin[i]])
          .append(" w=").append(weight[i]).append(" ew=").append(effectiveWeight[i]);
    }
    return sb.append('}').toString();
  }
}
