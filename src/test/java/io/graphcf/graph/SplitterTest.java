package io.graphcf.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SplitterTest {
  /** A log of nu users with 1..30 records each over ni items, with repeats and timestamps. */
  private static InteractionLog log(long seed, int nu, int ni) {
    SplittableRandom r = new SplittableRandom(seed);
    InteractionLog log = new InteractionLog(true);
    for (int k = 0; k < nu * 12; k++) {
      int u = k < nu ? k : r.nextInt(nu);
      log.add("u" + u, "i" + r.nextInt(ni), r.nextInt(50));
    }
    return log;
  }

  private static Set<String> pairs(ImportedSplit s, boolean test) {
    Set<String> out = new HashSet<>();
    int n = test ? s.testUsers.size() : s.trainUsers.size();
    for (int k = 0; k < n; k++) {
      int u = test ? s.testUsers.getInt(k) : s.trainUsers.getInt(k);
      int i = test ? s.testItems.getInt(k) : s.trainItems.getInt(k);
      out.add(s.users.ids().get(u) + "|" + s.items.ids().get(i));
    }
    return out;
  }

  private static Set<String> logPairs(InteractionLog log) {
    Set<String> out = new HashSet<>();
    for (int r = 0; r < log.size(); r++) {
      out.add(log.users.ids().get(log.userOf.getInt(r)) + "|" + log.items.ids().get(log.itemOf.getInt(r)));
    }
    return out;
  }

  @Test
  void randomSplitIsSeededPerUserAndDisjoint() {
    for (long seed = 0; seed < 20; seed++) {
      InteractionLog log = log(seed, 30, 25);
      ImportedSplit a = Splitter.random(log, 0.25, 99, UnknownTestIds.KEEP);
      ImportedSplit b = Splitter.random(log, 0.25, 99, UnknownTestIds.KEEP);
      assertEquals(pairs(a, false), pairs(b, false), "same seed, same split (log seed " + seed + ")");
      assertEquals(pairs(a, true), pairs(b, true));
      Set<String> train = pairs(a, false);
      Set<String> test = pairs(a, true);
      Set<String> all = new HashSet<>(train);
      all.addAll(test);
      assertEquals(logPairs(log), all, "train ∪ test = distinct log pairs");
      assertEquals(train.size() + test.size(), all.size(), "train ∩ test = ∅");
      // Per user: round(0.25 n) of n distinct items in test, at most n - 1.
      for (int u = 0; u < log.users.size(); u++) {
        String id = log.users.ids().get(u);
        long n = all.stream().filter(p -> p.startsWith(id + "|")).count();
        long t = test.stream().filter(p -> p.startsWith(id + "|")).count();
        long want = n < 2 ? 0 : Math.min(n - 1, Math.round(0.25 * n));
        assertEquals(want, t, "user " + id + " with " + n + " items");
      }
    }
    InteractionLog log = log(1, 30, 25);
    assertNotEquals(pairs(Splitter.random(log, 0.25, 1, UnknownTestIds.KEEP), true),
        pairs(Splitter.random(log, 0.25, 2, UnknownTestIds.KEEP), true));
  }

  @Test
  void latestPicksEachUsersMostRecentDistinctItem() {
    // u1: i1@5, i2@9, i3@9 (tie: the later line wins → i3), i1@2 again; u2: one item only.
    InteractionLog log = new InteractionLog(true);
    log.add("u1", "i1", 5);
    log.add("u1", "i2", 9);
    log.add("u2", "i9", 1);
    log.add("u1", "i3", 9);
    log.add("u1", "i1", 2);
    ImportedSplit s = Splitter.latest(log, UnknownTestIds.KEEP);
    assertEquals(Set.of("u1|i3"), pairs(s, true));
    assertEquals(Set.of("u1|i1", "u1|i2", "u2|i9"), pairs(s, false));
    // A repeated pair uses its latest time: i1 seen at 5 and at 20 → i1 is the latest.
    log.add("u1", "i1", 20);
    assertEquals(Set.of("u1|i1"), pairs(Splitter.latest(log, UnknownTestIds.KEEP), true));
  }

  @Test
  void latestMatchesBruteForceOnRandomLogs() {
    for (long seed = 0; seed < 20; seed++) {
      InteractionLog log = log(seed, 20, 15);
      ImportedSplit s = Splitter.latest(log, UnknownTestIds.KEEP);
      Set<String> want = new HashSet<>();
      for (int u = 0; u < log.users.size(); u++) {
        int best = -1;
        Set<Integer> items = new HashSet<>();
        for (int r = 0; r < log.size(); r++) {
          if (log.userOf.getInt(r) == u) {
            items.add(log.itemOf.getInt(r));
            if (best < 0 || log.timeOf.getDouble(r) >= log.timeOf.getDouble(best)) {
              best = r;
            }
          }
        }
        if (items.size() >= 2) {
          want.add(log.users.ids().get(u) + "|" + log.items.ids().get(log.itemOf.getInt(best)));
        }
      }
      assertEquals(want, pairs(s, true), "log seed " + seed);
    }
  }

  @Test
  void itemsOnlyInTestAreDroppedOrKept() {
    InteractionLog log = new InteractionLog(true);
    log.add("u1", "a", 1);
    log.add("u1", "b", 2);
    ImportedSplit dropped = Splitter.latest(log, UnknownTestIds.DROP);
    assertEquals(0, dropped.testUsers.size());
    assertEquals(1, dropped.droppedTestPairs);
    assertEquals(1, dropped.items.size());
    ImportedSplit kept = Splitter.latest(log, UnknownTestIds.KEEP);
    assertEquals(Set.of("u1|b"), pairs(kept, true));
    assertTrue(kept.items.get("b") >= 0);
  }
}
