package io.graphcf.propagation.ultragcn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.graphcf.graph.Interactions;
import io.graphcf.propagation.Workers;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ItemItemConstraintTest {

  /**
   * 3 users × 4 items: u0 = {0, 1}, u1 = {0, 1, 2}, u2 = {2}; item 3 has no users.
   * G = RᵀR: row 0 = [2, 2, 1, 0], row 1 = [2, 2, 1, 0], row 2 = [1, 1, 2, 0], row 3 = 0.
   * g = [5, 5, 4, 0] (also Σ_{u∈N(i)} deg(u): item 0 → 2 + 3 = 5, item 2 → 3 + 1 = 4).
   * ω_{0,j} = G_{0j} · sqrt(6)/5 · 1/sqrt(g_j + 1): j=0,1 → 2·sqrt(6)/5/sqrt(6) = 0.4,
   * j=2 → sqrt(6)/5/sqrt(5) = 0.21909. Tie between 0 and 1 → smaller index first.
   */
  @Test
  void handComputedTinyGraph() {
    Interactions g = Interactions.fromPairs(3, 4, new int[] {0, 0, 1, 1, 1, 2}, new int[] {0, 1, 0, 1, 2, 2}, 6);
    assertArrayEquals(new long[] {5, 5, 4, 0}, ItemItemConstraint.rowSums(g));
    try (Workers w = Workers.create(1)) {
      ItemItemConstraint c = ItemItemConstraint.compute(g, 2, w);
      assertArrayEquals(new int[] {0, 1, 0, 1, 2, 0, -1, -1}, c.neighbours());
      assertEquals(0.4f, c.weights()[0], 1e-7f);
      assertEquals(0.4f, c.weights()[1], 1e-7f);
      // item 2: ω_{2,2} = 2·sqrt(5)/4/sqrt(5) = 0.5; ω_{2,0} = sqrt(5)/4/sqrt(6) = 0.22822
      assertEquals(0.5f, c.weights()[4], 1e-7f);
      assertEquals((float) (Math.sqrt(5) / 4 / Math.sqrt(6)), c.weights()[5], 1e-7f);
      assertEquals(0f, c.weights()[6]);
      assertEquals(2, c.count(0));
      assertEquals(0, c.count(3));
    }
  }

  @Test
  void matchesDenseBruteForceOnRandomGraphs() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int trial = 0; trial < 30; trial++) {
      long seed = rnd.nextLong();
      SplittableRandom r = new SplittableRandom(seed);
      int users = 1 + r.nextInt(40);
      int items = 1 + r.nextInt(60);
      int n = r.nextInt(users * items / 3 + 1);
      int[] us = new int[n];
      int[] is = new int[n];
      for (int e = 0; e < n; e++) {
        us[e] = r.nextInt(users);
        // skewed item popularity so that ties and heavy items both occur
        is[e] = (int) (items * Math.pow(r.nextDouble(), 2));
      }
      Interactions g = Interactions.fromPairs(users, items, us, is, n);
      int k = 1 + r.nextInt(12);
      int[][] expectedIdx = new int[items][];
      float[][] expectedW = new float[items][];
      bruteForce(g, k, expectedIdx, expectedW);
      for (int threads : new int[] {1, 2, 3}) {
        try (Workers w = Workers.create(threads)) {
          ItemItemConstraint c = ItemItemConstraint.compute(g, k, w);
          for (int i = 0; i < items; i++) {
            for (int m = 0; m < k; m++) {
              String where = "seed=" + seed + " users=" + users + " items=" + items + " k=" + k + " threads=" + threads
                  + " item=" + i + " rank=" + m;
              assertEquals(expectedIdx[i][m], c.neighbours()[i * k + m], where);
              assertEquals(expectedW[i][m], c.weights()[i * k + m], 0f, where);
            }
          }
        }
      }
    }
  }

  /** Dense G = RᵀR by a triple loop, ω for every pair, then a full selection sort per row. */
  private static void bruteForce(Interactions g, int k, int[][] outIdx, float[][] outW) {
    int users = g.numUsers();
    int items = g.numItems();
    long[][] dense = new long[items][items];
    for (int u = 0; u < users; u++) {
      for (int a = 0; a < items; a++) {
        if (!g.userItems().contains(u, a)) {
          continue;
        }
        for (int b = 0; b < items; b++) {
          if (g.userItems().contains(u, b)) {
            dense[a][b]++;
          }
        }
      }
    }
    long[] rowSum = new long[items];
    for (int a = 0; a < items; a++) {
      for (int b = 0; b < items; b++) {
        rowSum[a] += dense[a][b];
      }
    }
    for (int a = 0; a < items; a++) {
      double[] w = new double[items];
      boolean[] used = new boolean[items];
      for (int b = 0; b < items; b++) {
        w[b] = ItemItemConstraint.omega(dense[a][b], Math.sqrt(rowSum[a] + 1.0) / rowSum[a],
            1.0 / Math.sqrt(rowSum[b] + 1.0));
      }
      outIdx[a] = new int[k];
      outW[a] = new float[k];
      for (int m = 0; m < k; m++) {
        int best = -1;
        for (int b = 0; b < items; b++) {
          if (!used[b] && dense[a][b] > 0 && (best < 0 || ItemItemConstraint.better(w[b], b, w[best], best))) {
            best = b;
          }
        }
        outIdx[a][m] = best;
        outW[a][m] = best < 0 ? 0f : (float) w[best];
        if (best >= 0) {
          used[best] = true;
        }
      }
    }
  }

  @Test
  void rejectsNegativeK() {
    Interactions g = Interactions.fromPairs(1, 1, new int[] {0}, new int[] {0}, 1);
    try (Workers w = Workers.create(1)) {
      assertThrows(IllegalArgumentException.class, () -> ItemItemConstraint.compute(g, -1, w));
    }
  }
}
