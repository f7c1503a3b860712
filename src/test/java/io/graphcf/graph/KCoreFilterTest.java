package io.graphcf.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KCoreFilterTest {
  /** Naive k-core: recompute all degrees over surviving edges and drop everything below k, until stable. */
  static boolean[][] naive(boolean[][] adj, int k) {
    int nu = adj.length;
    int ni = nu == 0 ? 0 : adj[0].length;
    boolean[] u = new boolean[nu];
    boolean[] i = new boolean[ni];
    java.util.Arrays.fill(u, true);
    java.util.Arrays.fill(i, true);
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int a = 0; a < nu; a++) {
        int d = 0;
        for (int b = 0; b < ni; b++) {
          d += u[a] && i[b] && adj[a][b] ? 1 : 0;
        }
        if (u[a] && d < k) {
          u[a] = false;
          changed = true;
        }
      }
      for (int b = 0; b < ni; b++) {
        int d = 0;
        for (int a = 0; a < nu; a++) {
          d += u[a] && i[b] && adj[a][b] ? 1 : 0;
        }
        if (i[b] && d < k) {
          i[b] = false;
          changed = true;
        }
      }
    }
    return new boolean[][] {u, i};
  }

  @Test
  void peelingMatchesNaiveLoop() {
    for (long seed = 0; seed < 80; seed++) {
      ImportedSplit s = RandomGraphs.split(seed);
      int nu = s.users.size();
      int ni = s.items.size();
      boolean[][] adj = RandomGraphs.dense(nu, ni, s.trainUsers.elements(), s.trainItems.elements(),
          s.trainUsers.size());
      for (int k : new int[] {0, 1, 2, 3, 5, 10}) {
        boolean[][] want = naive(adj, k);
        KCoreFilter.Core c = KCoreFilter.core(nu, ni, s.trainUsers.elements(), s.trainItems.elements(),
            s.trainUsers.size(), k);
        String ctx = "seed " + seed + ", k " + k + ", shape " + nu + " x " + ni;
        assertArrayEquals(want[0], c.keepUser, ctx);
        assertArrayEquals(want[1], c.keepItem, ctx);
        long edges = 0;
        for (int a = 0; a < nu; a++) {
          for (int b = 0; b < ni; b++) {
            edges += want[0][a] && want[1][b] && adj[a][b] ? 1 : 0;
          }
        }
        assertEquals(edges, c.edges, ctx);
      }
    }
  }

  @Test
  void applyRenumbersInOrderAndFiltersTest() {
    // 2-core of: u0-{a,b}, u1-{a,b}, u2-{c}; u2 and c fall out; test (u2,a) and (u0,c) dropped.
    ImportedSplit s = new ImportedSplit();
    String[][] train = {{"u0", "a"}, {"u0", "b"}, {"u1", "a"}, {"u1", "b"}, {"u2", "c"}};
    for (String[] p : train) {
      s.trainUsers.add(s.users.intern(p[0]));
      s.trainItems.add(s.items.intern(p[1]));
    }
    s.testUsers.add(s.users.get("u2"));
    s.testItems.add(s.items.get("a"));
    s.testUsers.add(s.users.get("u0"));
    s.testItems.add(s.items.get("c"));
    s.testUsers.add(s.users.get("u1"));
    s.testItems.add(s.items.get("b"));
    ImportedSplit f = KCoreFilter.apply(s, 2);
    assertEquals(List.of("u0", "u1"), f.users.ids());
    assertEquals(List.of("a", "b"), f.items.ids());
    assertEquals(4, f.trainUsers.size());
    assertEquals(1, f.testUsers.size());
    assertEquals(2, f.droppedTestPairs);
  }

  @Test
  void logFilterKeepsOnlyCoreRecords() {
    SplittableRandom r = new SplittableRandom(5);
    InteractionLog log = new InteractionLog(true);
    for (int k = 0; k < 400; k++) {
      log.add("u" + r.nextInt(30), "i" + r.nextInt(40), k);
    }
    InteractionLog f = KCoreFilter.apply(log, 4);
    KCoreFilter.Core c = KCoreFilter.core(log.users.size(), log.items.size(), log.userOf.elements(),
        log.itemOf.elements(), log.size(), 4);
    Set<String> want = new HashSet<>();
    List<Double> times = new ArrayList<>();
    for (int k = 0; k < log.size(); k++) {
      if (c.keepUser[log.userOf.getInt(k)] && c.keepItem[log.itemOf.getInt(k)]) {
        want.add(log.users.ids().get(log.userOf.getInt(k)) + "|" + log.items.ids().get(log.itemOf.getInt(k)));
        times.add(log.timeOf.getDouble(k));
      }
    }
    Set<String> got = new HashSet<>();
    for (int k = 0; k < f.size(); k++) {
      got.add(f.users.ids().get(f.userOf.getInt(k)) + "|" + f.items.ids().get(f.itemOf.getInt(k)));
      assertEquals(times.get(k), f.timeOf.getDouble(k));
    }
    assertEquals(want, got);
    assertEquals(c.users, f.users.size());
  }
}
