package io.veza.routing;

import io.veza.routing.hash.JumpSelector;
import io.veza.routing.health.TrackedServer;
import org.jspecify.annotations.Nullable;

/**
 * Everything {@link BackendPool#route} reads, as one immutable snapshot published with one volatile write and read
 * with one volatile read. Built from persistent structures, so replacing one server's part (a health transition, a
 * slow-start step, a join or a leave) copies O(log n) and shares the rest.
 *
 * <ul>
 *   <li>{@code slots}: slot to server.
 *   <li>Round robin ({@link RoundRobin}) over the active servers' balancing weights (effective weight in sixteenths,
 *       so slow start's HAProxy steps are exact; 0 when not balanceable), and over the backups' for
 *       {@code allbackups}; {@code backupUp} holds 1 for each balanceable backup, so its first non-zero slot is
 *       HAProxy's "first usable backup in declaration order".
 *   <li>Hashing (hashed pools only): a {@link JumpSelector} over the active slots and one over the backup slots.
 *       A slot is usable when its server is balanceable; its weight is {@code effectiveWeight / scale} with the
 *       pool's fixed scale, so changing one server's weight moves keys only to or from that server. Slots that hold
 *       no server of the group are holes (not usable). The selector's slot count is the group's highest slot + 1,
 *       so the choice is a pure function of (key, membership, usable set, weights), whatever the history.
 *   <li>{@link CookieIndex}: cookie value to servers.
 * </ul>
 */
final class RoutingTable {
  final SlotArray<Server> slots;
  final WeightTree activeWeights;
  final WeightTree backupWeights;
  final WeightTree backupUp;
  final @Nullable JumpSelector activeSelector;
  final @Nullable JumpSelector backupSelector;
  final CookieIndex cookies;
  /** Null until {@link #sealed()}: intermediate tables of one change never build a schedule. */
  final @Nullable RoundRobin activeRoundRobin;
  final @Nullable RoundRobin backupRoundRobin;
  /** Whether some active server is balanceable (otherwise backups serve). */
  final boolean activeUsable;
  private final RoundRobin.Positions activePositions;
  private final RoundRobin.Positions backupPositions;

  private RoutingTable(SlotArray<Server> slots, WeightTree activeWeights, WeightTree backupWeights,
                       WeightTree backupUp, @Nullable JumpSelector activeSelector,
                       @Nullable JumpSelector backupSelector, CookieIndex cookies,
                       RoundRobin.Positions activePositions, RoundRobin.Positions backupPositions,
                       @Nullable RoutingTable previous) {
    this.slots = slots;
    this.activeWeights = activeWeights;
    this.backupWeights = backupWeights;
    this.backupUp = backupUp;
    this.activeSelector = activeSelector;
    this.backupSelector = backupSelector;
    this.cookies = cookies;
    this.activePositions = activePositions;
    this.backupPositions = backupPositions;
    // counted picks find their servers through the schedule and its slots: a schedule is never shared across a change
    // of a slot's server (today such a change always passes the slot's weight through 0; this keeps it so regardless)
    this.activeRoundRobin = previous != null && previous.activeWeights == activeWeights && previous.slots == slots
        ? previous.activeRoundRobin : null;
    this.backupRoundRobin = previous != null && previous.backupWeights == backupWeights
        ? previous.backupRoundRobin : null;
    this.activeUsable = activeWeights.total() > 0;
  }

  static RoutingTable empty(boolean hashing) {
    return new RoutingTable(SlotArray.empty(), WeightTree.EMPTY, WeightTree.EMPTY, WeightTree.EMPTY,
        hashing ? JumpSelector.allUsable(0) : null, hashing ? JumpSelector.allUsable(0) : null, CookieIndex.EMPTY,
        new RoundRobin.Positions(), new RoundRobin.Positions(), null).sealed();
  }

  /**
   * This table ready to publish: the round-robin schedules of changed weights are built (once per published change,
   * not per intermediate step), unchanged ones are shared.
   */
  RoutingTable sealed() {
    if (activeRoundRobin != null && backupRoundRobin != null) {
      return this;
    }
    return new RoutingTable(this,
        activeRoundRobin != null ? activeRoundRobin : new RoundRobin(activeWeights, activePositions, slots),
        backupRoundRobin != null ? backupRoundRobin : new RoundRobin(backupWeights, backupPositions));
  }

  private RoutingTable(RoutingTable t, RoundRobin active, RoundRobin backup) {
    this.slots = t.slots;
    this.activeWeights = t.activeWeights;
    this.backupWeights = t.backupWeights;
    this.backupUp = t.backupUp;
    this.activeSelector = t.activeSelector;
    this.backupSelector = t.backupSelector;
    this.cookies = t.cookies;
    this.activePositions = t.activePositions;
    this.backupPositions = t.backupPositions;
    this.activeRoundRobin = active;
    this.backupRoundRobin = backup;
    this.activeUsable = t.activeUsable;
  }

  private RoutingTable with(SlotArray<Server> s, WeightTree aw, WeightTree bw, WeightTree bu,
                            @Nullable JumpSelector as, @Nullable JumpSelector bs, CookieIndex c) {
    return new RoutingTable(s, aw, bw, bu, as, bs, c, activePositions, backupPositions, this);
  }

  /** Round-robin weight of an effective weight: sixteenths, at least 1 when positive. */
  static int balancingWeight(double effectiveWeight) {
    if (!(effectiveWeight > 0)) {
      return 0;
    }
    return (int) Math.max(1, Math.min(1 << 20, Math.round(effectiveWeight * 16)));
  }

  /**
   * This table with {@code server}'s contributions set from {@code state} at {@code slot}: it is placed there and
   * weighs in round robin and hashing as {@code state} says.
   *
   * @param scale the pool's hash weight scale (effective weights are divided by it)
   */
  RoutingTable place(Server server, int slot, TrackedServer.State state, double scale) {
    SlotArray<Server> s = slots.get(slot) == server ? slots : slots.set(slot, server);
    boolean balanceable = state.isBalanceable();
    int w = balanceable ? balancingWeight(state.effectiveWeight()) : 0;
    double hashWeight = balanceable ? Math.min(1.0, state.effectiveWeight() / scale) : 1.0;
    boolean hashUsable = balanceable && hashWeight > 0;
    if (!hashUsable) {
      hashWeight = 1.0;
    }
    if (server.backup()) {
      JumpSelector bs = backupSelector == null ? null : backupSelector.with(slot, hashUsable, hashWeight);
      return with(s, activeWeights, backupWeights.set(slot, w), backupUp.set(slot, balanceable ? 1 : 0),
          activeSelector, bs, cookies);
    }
    JumpSelector as = activeSelector == null ? null : activeSelector.with(slot, hashUsable, hashWeight);
    return with(s, activeWeights.set(slot, w), backupWeights, backupUp, as, backupSelector, cookies);
  }

  /** This table without any server at {@code slot} (weights 0, hash slot unusable). */
  RoutingTable clear(int slot, boolean backup) {
    SlotArray<Server> s = slots.get(slot) == null ? slots : slots.set(slot, null);
    if (backup) {
      JumpSelector bs = backupSelector == null || slot >= backupSelector.slots() ? backupSelector
          : backupSelector.with(slot, false, 1.0);
      return with(s, activeWeights, backupWeights.set(slot, 0), backupUp.set(slot, 0), activeSelector, bs, cookies);
    }
    JumpSelector as = activeSelector == null || slot >= activeSelector.slots() ? activeSelector
        : activeSelector.with(slot, false, 1.0);
    return with(s, activeWeights.set(slot, 0), backupWeights, backupUp, as, backupSelector, cookies);
  }

  /** This table with the hash selectors sized to the groups' highest slots + 1 (holes are not usable). */
  RoutingTable withSelectorSlots(int activeSlots, int backupSlots) {
    if (activeSelector == null || backupSelector == null) {
      return this;
    }
    JumpSelector as = activeSelector.slots() == activeSlots ? activeSelector : activeSelector.withSlots(activeSlots);
    JumpSelector bs = backupSelector.slots() == backupSlots ? backupSelector : backupSelector.withSlots(backupSlots);
    return as == activeSelector && bs == backupSelector ? this
        : with(slots, activeWeights, backupWeights, backupUp, as, bs, cookies);
  }

  RoutingTable withCookies(CookieIndex c) {
    return c == cookies ? this : with(slots, activeWeights, backupWeights, backupUp, activeSelector, backupSelector, c);
  }

  /** The active round robin's positions, where its counted picks are read ({@link RoundRobin.Positions#balancedPicks}). */
  RoundRobin.Positions activePositions() {
    return activePositions;
  }

  @Nullable Server server(int slot) {
    return slots.get(slot);
  }
}
