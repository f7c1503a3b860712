package io.graphcf.propagation.filter;

import static io.graphcf.propagation.filter.DenseFilterReference.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.graphcf.graph.Interactions;
import io.graphcf.propagation.Workers;
import org.junit.jupiter.api.Test;

/** GF-CF's blocked application against dense R̃ᵀR̃ and D_I^-1/2 V̄V̄ᵀ D_I^1/2 (same V̄). */
class GfCfTest {

  @Test
  void blockedScoresEqualDenseFilter() {
    int[][] shapes = {{30, 20}, {17, 41}, {50, 33}, {9, 7}};
    int[] ks = {5, 8, 3, 1};
    try (Workers w = Workers.create(2)) {
      for (int t = 0; t < shapes.length; t++) {
        long seed = 31 + t;
        Interactions g = DenseFilterReference.randomGraph(seed, shapes[t][0], shapes[t][1], 0.2);
        GfCf model = GfCf.fit(g, ks[t], 0.3, 3, 5, seed, w);
        DenseFilterReference ref = new DenseFilterReference(g);
        ref.lowPass(model.vbar(), model.k());
        int n = g.numUsers();
        int m = g.numItems();
        // users in a scrambled order, scored in blocks of 1, 3 and 7
        int[] users = new int[n];
        for (int u = 0; u < n; u++) {
          users[u] = (u * 7 + 3) % n == u ? u : (u * 7 + 3) % n;
        }
        users = java.util.stream.IntStream.range(0, n).map(u -> (n - 1 - u)).toArray();
        int[] blocks = {1, 3, 7};
        int from = 0;
        for (int bi = 0; from < n; bi++) {
          int to = Math.min(n, from + blocks[bi % 3]);
          float[] out = new float[(to - from) * m + 5];
          model.score(users, from, to, out);
          for (int b = 0; b < to - from; b++) {
            int u = users[from + b];
            // s_u = r_u G + 0.3 · r_u P
            double[] s1 = DenseFilterReference.times(ref.r[u], ref.g);
            double[] s2 = DenseFilterReference.times(ref.r[u], ref.p);
            double[] s = new double[m];
            for (int j = 0; j < m; j++) {
              s[j] = s1[j] + 0.3 * s2[j];
            }
            assertClose(s, out, b * m, 1e-5, "seed=" + seed + " shape=" + n + "x" + m + " user=" + u);
          }
          from = to;
        }
      }
    }
  }

  @Test
  void handComputedLinearFilter() {
    // Users 0:{0,1}, 1:{1,2}, 2:{} ; items 0..3 (item 3 isolated). d_u = (2,2,0), d_i = (1,2,1,0).
    // R̃ = [[1/√2, 1/2, 0, 0], [0, 1/2, 1/√2, 0], [0,0,0,0]].
    // For user 0, t = r R̃ᵀ = (1/√2 + 1/2, 1/2, 0); s = t R̃:
    //   s_0 = t_0/√2 = 1/2 + 1/(2√2), s_1 = (t_0 + t_1)/2 = 1/(2√2) + 1/2, s_2 = t_1/√2 = 1/(2√2), s_3 = 0.
    Interactions g = Interactions.fromPairs(3, 4, new int[] {0, 0, 1, 1}, new int[] {0, 1, 1, 2}, 4);
    try (Workers w = Workers.create(1)) {
      GfCf model = GfCf.fit(g, 2, 0.0, 1, 1, 1, w);
      assertEquals(0, model.k());
      assertNull(model.vbar());
      float[] out = new float[4];
      model.score(new int[] {0}, 0, 1, out);
      double q = 1 / (2 * Math.sqrt(2));
      assertClose(new double[] {0.5 + q, q + 0.5, q, 0}, out, 0, 1e-6, "user 0");
      model.score(new int[] {2}, 0, 1, out);
      assertClose(new double[] {0, 0, 0, 0}, out, 0, 0, "isolated user");
    }
  }

  @Test
  void historyOfATrainingUserEqualsItsRow() {
    Interactions g = DenseFilterReference.randomGraph(5, 40, 30, 0.2);
    try (Workers w = Workers.create(2)) {
      GfCf model = GfCf.fit(g, 6, 0.3, 2, 5, 5, w);
      int m = g.numItems();
      int[] all = java.util.stream.IntStream.range(0, 40).toArray();
      float[] rows = new float[40 * m];
      model.score(all, 0, 40, rows);
      int[] ptr = g.userItems().rowPtr();
      int[] idx = g.userItems().colIdx();
      float[] out = new float[m];
      for (int u = 0; u < 40; u++) {
        // reversed and with a duplicate: duplicates count once, order does not matter
        int d = ptr[u + 1] - ptr[u];
        int[] h = new int[d + (d > 0 ? 1 : 0)];
        for (int q = 0; q < d; q++) {
          h[q] = idx[ptr[u + 1] - 1 - q];
        }
        if (d > 0) {
          h[d] = h[0];
        }
        model.scoreHistory(h, h.length, out);
        for (int j = 0; j < m; j++) {
          assertEquals(rows[u * m + j], out[j], 1e-6 * (1 + Math.abs(out[j])), "user " + u + " item " + j);
        }
      }
      assertThrows(IllegalArgumentException.class, () -> model.scoreHistory(new int[] {m}, 1, new float[m]));
      assertThrows(IllegalArgumentException.class, () -> model.score(new int[] {40}, 0, 1, new float[m]));
      assertThrows(IllegalArgumentException.class, () -> model.score(new int[] {0, 1}, 0, 2, new float[m]));
    }
  }
}
