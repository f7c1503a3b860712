package io.graphcf.graph;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Turns one {@link InteractionLog} into a train/test {@link ImportedSplit}, per user:
 *
 * <ul>
 *   <li>{@link #none}: everything is training data (no test set);
 *   <li>{@link #random}: each user's distinct items are shuffled with a seeded {@link
 *       SplittableRandom} and {@code round(fraction · n)} of them (at most {@code n - 1}, so that
 *       every user keeps a training item) go to test — the per-user 80/20 split of NGCF/LightGCN's
 *       data sets;
 *   <li>{@link #latest}: each user's most recent interaction (largest timestamp; among equal
 *       timestamps the one on the later line) goes to test if the user has at least two distinct
 *       items — leave-one-out by time.
 * </ul>
 *
 * A (user, item) pair repeated in the log counts once (with its latest timestamp, so it cannot land
 * in both train and test). Users keep their ordinals by first appearance; items are numbered by
 * first appearance in training, and an item seen only in test is dropped (counted in {@link
 * ImportedSplit#droppedTestPairs}) unless the policy is {@link UnknownTestIds#KEEP}. The same log,
 * fraction and seed always give the same split.
 */
public final class Splitter {
  private Splitter() {}

  /** All interactions in train, test empty. */
  public static ImportedSplit none(InteractionLog log) {
    byte[] role = new byte[log.size()];
    Arrays.fill(role, TRAIN);
    return build(log, role, UnknownTestIds.KEEP);
  }

  /** Seeded per-user random split; {@code testFraction} in [0, 1). */
  public static ImportedSplit random(InteractionLog log, double testFraction, long seed, UnknownTestIds unknownItems) {
    if (!(testFraction >= 0 && testFraction < 1)) {
      throw new IllegalArgumentException("test fraction must be in [0, 1), got " + testFraction);
    }
    int[][] byUser = distinctPerUser(log);
    byte[] role = new byte[log.size()];
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int[] recs : byUser) {
      int n = recs.length;
      for (int r : recs) {
        role[r] = TRAIN;
      }
      int nTest = n < 2 ? 0 : (int) Math.min(n - 1, Math.round(testFraction * n));
      // Partial Fisher–Yates: the first nTest slots become a uniform sample without replacement.
      for (int k = 0; k < nTest; k++) {
        int j = k + rnd.nextInt(n - k);
        int t = recs[k];
        recs[k] = recs[j];
        recs[j] = t;
        role[recs[k]] = TEST;
      }
    }
    return build(log, role, unknownItems);
  }

  /** Per-user leave-latest-out by timestamp; the log must have timestamps. */
  public static ImportedSplit latest(InteractionLog log, UnknownTestIds unknownItems) {
    if (!log.hasTimestamps()) {
      throw new IllegalArgumentException("the leave-latest split needs a timestamp column");
    }
    int[][] byUser = distinctPerUser(log);
    byte[] role = new byte[log.size()];
    for (int[] recs : byUser) {
      int best = -1;
      for (int r : recs) {
        role[r] = TRAIN;
        if (best < 0 || later(log, r, best)) {
          best = r;
        }
      }
      if (recs.length >= 2) {
        role[best] = TEST;
      }
    }
    return build(log, role, unknownItems);
  }

  private static final byte DUPLICATE = 0;
  private static final byte TRAIN = 1;
  private static final byte TEST = 2;

  /** Whether record a is more recent than b: larger time, ties by later line. */
  private static boolean later(InteractionLog log, int a, int b) {
    double ta = log.timeOf.getDouble(a);
    double tb = log.timeOf.getDouble(b);
    return ta > tb || (ta == tb && a > b);
  }

  /**
   * For each user (by ordinal), the records that represent its distinct items (the latest record
   * of each pair), sorted by item ordinal so that the order does not depend on the log's order of
   * duplicates.
   */
  private static int[][] distinctPerUser(InteractionLog log) {
    int n = log.size();
    int nu = log.users.size();
    int[] start = new int[nu + 1];
    for (int r = 0; r < n; r++) {
      start[log.userOf.getInt(r) + 1]++;
    }
    for (int u = 0; u < nu; u++) {
      start[u + 1] += start[u];
    }
    int[] fill = Arrays.copyOf(start, nu);
    int[] recs = new int[n];
    for (int r = 0; r < n; r++) {
      recs[fill[log.userOf.getInt(r)]++] = r;
    }
    int[][] out = new int[nu][];
    long[] keys = new long[0];
    for (int u = 0; u < nu; u++) {
      int s = start[u];
      int e = start[u + 1];
      int m = e - s;
      if (keys.length < m) {
        keys = new long[Math.max(m, 2 * keys.length)];
      }
      // Sort by (item, record) and keep the best record of each item.
      for (int k = 0; k < m; k++) {
        int r = recs[s + k];
        keys[k] = ((long) log.itemOf.getInt(r) << 32) | r;
      }
      Arrays.sort(keys, 0, m);
      int w = 0;
      int[] distinct = new int[m];
      for (int k = 0; k < m; k++) {
        int r = (int) keys[k];
        int item = (int) (keys[k] >>> 32);
        if (w > 0 && log.itemOf.getInt(distinct[w - 1]) == item) {
          if (!log.hasTimestamps() || later(log, r, distinct[w - 1])) {
            distinct[w - 1] = r;
          }
        } else {
          distinct[w++] = r;
        }
      }
      out[u] = w == m ? distinct : Arrays.copyOf(distinct, w);
    }
    return out;
  }

  private static ImportedSplit build(InteractionLog log, byte[] role, UnknownTestIds unknownItems) {
    ImportedSplit s = new ImportedSplit();
    s.skippedLines = log.skippedLines;
    int n = log.size();
    for (int r = 0; r < n; r++) {
      if (role[r] == TRAIN) {
        s.trainUsers.add(s.users.intern(log.users.ids().get(log.userOf.getInt(r))));
        s.trainItems.add(s.items.intern(log.items.ids().get(log.itemOf.getInt(r))));
      }
    }
    for (int r = 0; r < n; r++) {
      if (role[r] == TEST) {
        int u = s.users.get(log.users.ids().get(log.userOf.getInt(r)));
        String itemId = log.items.ids().get(log.itemOf.getInt(r));
        int i = s.items.get(itemId);
        if (i < 0 && unknownItems == UnknownTestIds.KEEP) {
          i = s.items.intern(itemId);
        }
        assert u >= 0 : "every user keeps a training item";
        if (i < 0) {
          s.droppedTestPairs++;
        } else {
          s.testUsers.add(u);
          s.testItems.add(i);
        }
      }
    }
    return s;
  }
}
