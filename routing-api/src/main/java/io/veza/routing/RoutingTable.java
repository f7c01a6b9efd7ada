package io.veza.routing;

import io.veza.routing.health.HealthSnapshot;
import io.veza.routing.hash.JumpSelector;

/**
 * Everything {@link BackendPool#route} needs, derived from one {@link HealthSnapshot}: immutable except for the
 * round-robin positions. Built off the request path whenever the tracker publishes a snapshot and installed with
 * one volatile write; routing reads it with one volatile read.
 *
 * <p>Load-balancing set: the balanceable active servers (UP, READY, effective weight &gt; 0). When it is empty,
 * the backup set: the first balanceable backup in declaration order, or every balanceable backup with
 * {@code allbackups} (HAProxy's {@code fbck} / {@code PR_O_USE_ALL_BK}).
 *
 * <p>Round robin: {@link SmoothRoundRobin} over the integer weights {@code round(16 * effectiveWeight)} (slow
 * start moves in sixteenths of the weight, so this is exact for HAProxy's ramp).
 *
 * <p>Hashing: a {@link JumpSelector} whose slots are all active servers in declaration order whatever their state
 * (a pure function of configuration plus the usable set and weights, so every gateway agrees), usable =
 * balanceable, weight = {@code effectiveWeight / max configured active weight}; and one over the backups for
 * {@code allbackups}.
 */
final class RoutingTable implements CookieBinding.Eligibility {
  static final int NONE = -1;

  final HealthSnapshot snapshot;
  /** Whether the active set is used (at least one balanceable active server). */
  final boolean activeUsable;
  /** Round robin over the load-balancing set (active, or backup when no active is usable); null if empty. */
  final SmoothRoundRobin roundRobin;
  /** Hash selection over active slots; null unless hashing and some active is usable. */
  final JumpSelector activeSelector;
  /** Hash selection over backup slots with allbackups; null otherwise. */
  final JumpSelector backupSelector;
  /** The only backup in use without allbackups, or NONE. */
  final int soleBackup;
  private final PoolLayout layout;
  /** Lazily built selectors that exclude one slot, for redispatch; benign races (immutable values). */
  private final JumpSelector[] avoiding;

  RoutingTable(PoolLayout layout, HealthSnapshot snapshot) {
    this.layout = layout;
    this.snapshot = snapshot;
    int[] actives = layout.actives;
    int[] backups = layout.backups;
    int[] ids = new int[Math.max(actives.length, backups.length)];
    int[] weights = new int[ids.length];
    int count = 0;
    for (int server : actives) {
      if (snapshot.isBalanceable(server)) {
        ids[count] = server;
        weights[count++] = rrWeight(snapshot.effectiveWeight(server));
      }
    }
    this.activeUsable = count > 0;
    int sole = NONE;
    if (!activeUsable) {
      for (int server : backups) {
        if (snapshot.isBalanceable(server)) {
          if (!layout.allBackups) {
            sole = server;
            ids[0] = server;
            weights[0] = 1;
            count = 1;
            break;
          }
          ids[count] = server;
          weights[count++] = rrWeight(snapshot.effectiveWeight(server));
        }
      }
    }
    this.soleBackup = sole;
    this.roundRobin = SmoothRoundRobin.of(ids, weights, count);
    if (layout.hashing) {
      this.activeSelector = activeUsable ? selector(layout.actives, snapshot, NONE) : null;
      this.backupSelector = !activeUsable && layout.allBackups && count > 0 ? selector(layout.backups, snapshot, NONE)
          : null;
      this.avoiding = new JumpSelector[Math.max(actives.length, backups.length)];
    } else {
      this.activeSelector = null;
      this.backupSelector = null;
      this.avoiding = null;
    }
  }

  static int rrWeight(double effectiveWeight) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE / 4096, Math.round(effectiveWeight * 16)));
  }

  /**
   * A selector over {@code slots} (server indexes); {@code excludedSlot} (or NONE) is marked unusable. Null if no
   * slot is usable.
   */
  private static JumpSelector selector(int[] slots, HealthSnapshot snapshot, int excludedSlot) {
    int maxWeight = 0;
    for (int server : slots) {
      maxWeight = Math.max(maxWeight, snapshot.weight(server));
    }
    JumpSelector.Builder b = JumpSelector.builder(slots.length);
    boolean any = false;
    for (int slot = 0; slot < slots.length; slot++) {
      int server = slots[slot];
      boolean usable = slot != excludedSlot && snapshot.isBalanceable(server) && maxWeight > 0;
      b.usable(slot, usable);
      if (usable) {
        any = true;
        b.weight(slot, Math.min(1.0, snapshot.effectiveWeight(server) / maxWeight));
      }
    }
    return any ? b.build() : null;
  }

  /**
   * Persistence eligibility (cookie and stick table): not DOWN and not MAINT, so DRAIN, weight 0 and backups keep
   * their sticky clients; with {@code option persist} a DOWN server is accepted too, but never one in MAINT (an
   * operator's maintenance drains persistent traffic as well, like HAProxy's {@code disable server}).
   */
  @Override
  public boolean cookieUsable(int server) {
    if (snapshot.isCookieEligible(server)) {
      return true;
    }
    return layout.persist && snapshot.adminState(server) != io.veza.routing.health.AdminState.MAINT;
  }

  /** Round-robin pick, or NONE if the load-balancing set is empty. */
  int nextRoundRobin() {
    return roundRobin == null ? NONE : roundRobin.next();
  }

  /** Round-robin pick preferring a server other than {@code avoid}. */
  int nextRoundRobinAvoiding(int avoid) {
    return roundRobin == null ? NONE : roundRobin.nextAvoiding(avoid);
  }

  /** Hashed pick for a key hash, or NONE if nothing is usable. */
  int hashed(long keyHash) {
    if (activeSelector != null) {
      int slot = activeSelector.select(keyHash);
      return slot == JumpSelector.NONE ? NONE : layout.actives[slot];
    }
    if (backupSelector != null) {
      int slot = backupSelector.select(keyHash);
      return slot == JumpSelector.NONE ? NONE : layout.backups[slot];
    }
    return soleBackup;
  }

  /**
   * Hashed pick as if {@code avoid} were unusable (redispatch): the keys of the failed server spread over the
   * others exactly as if it had gone down. Falls back to {@code avoid} when it is the only usable server.
   */
  int hashedAvoiding(long keyHash, int avoid) {
    boolean backup = !activeUsable;
    int[] slots = backup ? layout.backups : layout.actives;
    JumpSelector base = backup ? backupSelector : activeSelector;
    int slot = layout.slotOf[avoid];
    if (base == null || layout.isBackup[avoid] != backup) {
      return hashed(keyHash);
    }
    JumpSelector s = avoiding[slot];
    if (s == null) {
      s = base.withUsable(slot, false);
      avoiding[slot] = s;
    }
    if (s.usableCount() == 0) {
      return avoid;
    }
    int picked = s.select(keyHash);
    return picked == JumpSelector.NONE ? avoid : slots[picked];
  }
}
