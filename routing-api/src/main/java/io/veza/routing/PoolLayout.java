package io.veza.routing;

import java.util.List;

/** The immutable, configuration-derived shape of a pool that every routing table shares. */
final class PoolLayout {
  /** Server indexes of active servers, in declaration order. */
  final int[] actives;
  /** Server indexes of backup servers, in declaration order. */
  final int[] backups;
  /** Slot of each server in its group (actives or backups). */
  final int[] slotOf;
  final boolean[] isBackup;
  final boolean allBackups;
  final boolean hashing;
  final boolean persist;

  PoolLayout(List<Server> servers, boolean allBackups, boolean hashing, boolean persist) {
    int n = servers.size();
    int nb = 0;
    for (Server s : servers) {
      if (s.backup()) {
        nb++;
      }
    }
    this.actives = new int[n - nb];
    this.backups = new int[nb];
    this.slotOf = new int[n];
    this.isBackup = new boolean[n];
    int a = 0;
    int b = 0;
    for (Server s : servers) {
      int i = s.index();
      isBackup[i] = s.backup();
      if (s.backup()) {
        slotOf[i] = b;
        backups[b++] = i;
      } else {
        slotOf[i] = a;
        actives[a++] = i;
      }
    }
    this.allBackups = allBackups;
    this.hashing = hashing;
    this.persist = persist;
  }
}
