package io.graphcf.propagation.lightgcn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.graphcf.graph.Interactions;
import io.graphcf.propagation.Workers;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * LightGCN / MF-BPR against the dense double-precision reference {@link DenseLightGcn}: the final
 * embeddings, the batch loss, and the hand-written gradient against central finite differences of the
 * reference loss, through every backward strategy (scatter, listed rows, full) and K = 0..3.
 */
class LightGcnTrainerTest {
  /**
   * 4 users × 5 items; user 3 and item 4 are isolated. Edges: u0–{i0,i1}, u1–{i1,i2,i3}, u2–{i0,i3}.
   * Degrees: users 2,3,2,0; items 2,2,1,2,0; e.g. Â[u1,i2] = 1/sqrt(3·1) ≈ 0.577.
   */
  static Interactions tiny() {
    int[] us = {0, 0, 1, 1, 1, 2, 2};
    int[] is = {0, 1, 1, 2, 3, 0, 3};
    return Interactions.fromPairs(4, 5, us, is, us.length);
  }

  enum Strategy { DEFAULT, SCATTER, ROWS, FULL }

  static LightGcnTrainer trainer(Interactions g, int dim, int layers, int batch, float decay, long seed,
      Workers w, Strategy s) {
    LightGcnConfig c = LightGcnConfig.defaults().withDim(dim).withLayers(layers).withBatch(batch).withDecay(decay)
        .withSeed(seed);
    LightGcnTrainer t = new LightGcnTrainer(g, c, w);
    switch (s) {
      case SCATTER -> {
        t.scatterCost = 0;
        t.backwardFull = 2;
      }
      case ROWS -> {
        t.scatterCost = 1e18;
        t.backwardFull = 2;
        t.forwardFull = 2;
      }
      case FULL -> {
        t.scatterCost = 1e18;
        t.backwardFull = 0;
        t.forwardFull = 0;
      }
      default -> { }
    }
    return t;
  }

  @Test
  void tinyHandComputedAdjacencyEntry() {
    DenseLightGcn ref = new DenseLightGcn(tiny());
    assertEquals(1 / Math.sqrt(3), ref.a[1][4 + 2], 1e-12);
    assertEquals(0.0, ref.a[3][4 + 4], 0.0);
  }

  @Test
  void finalEmbeddingsMatchDenseReference() {
    for (long seed = 1; seed <= 6; seed++) {
      for (int dim : new int[] {1, 3, 7}) {
        for (int layers = 0; layers <= 4; layers++) {
          Interactions g = DenseLightGcn.randomGraph(9 + (int) seed, 13 - (int) seed, 0.3, seed);
          try (Workers w = Workers.create(1 + (int) (seed % 2))) {
            LightGcnTrainer t = trainer(g, dim, layers, 8, 1e-4f, seed, w, Strategy.DEFAULT);
            DenseLightGcn ref = new DenseLightGcn(g);
            double[] f = ref.finalEmbeddings(DenseLightGcn.ego(t, dim), dim, layers);
            float[] fu = t.finalUsers();
            float[] fi = t.finalItems();
            for (int k = 0; k < f.length; k++) {
              float got = k < fu.length ? fu[k] : fi[k - fu.length];
              assertEquals(f[k], got, 1e-6, "seed=" + seed + " dim=" + dim + " K=" + layers + " position " + k);
            }
          }
        }
      }
    }
  }

  @Test
  void tinyGradientMatchesFiniteDifferences() {
    // Repeated user 0, repeated item 1, the isolated user 3 and the isolated item 4 all appear.
    int[] us = {0, 1, 0, 2, 3};
    int[] is = {1, 2, 0, 3, 4};
    int[] js = {2, 0, 1, 4, 1};
    for (int layers = 0; layers <= 3; layers++) {
      for (Strategy s : Strategy.values()) {
        checkGradient(tiny(), 3, layers, us, is, js, 1, s, 11);
      }
    }
  }

  @Test
  void widerGraphGradientMatchesFiniteDifferencesThroughEveryStrategy() {
    Interactions g = DenseLightGcn.randomGraph(30, 40, 0.08, 5);
    SplittableRandom r = new SplittableRandom(3);
    int b = 4;
    int[] us = new int[b];
    int[] is = new int[b];
    int[] js = new int[b];
    for (int t = 0; t < b; t++) {
      us[t] = r.nextInt(30);
      is[t] = r.nextInt(40);
      js[t] = r.nextInt(40);
    }
    long[] used = new long[3];
    for (int layers = 0; layers <= 3; layers++) {
      for (Strategy s : Strategy.values()) {
        for (int threads = 1; threads <= 2; threads++) {
          long[] c = checkGradient(g, 5, layers, us, is, js, threads, s, 17 + layers);
          for (int k = 0; k < 3; k++) {
            used[k] += c[k];
          }
          if (layers > 0 && s == Strategy.SCATTER) {
            assertTrue(c[0] > 0, "scatter strategy never scattered at K=" + layers);
          }
          if (layers > 0 && s == Strategy.ROWS) {
            assertTrue(c[1] > 0 && c[0] == 0 && c[2] == 0, "rows strategy " + Arrays.toString(c));
          }
          if (layers > 0 && s == Strategy.FULL) {
            assertTrue(c[2] > 0 && c[0] == 0 && c[1] == 0, "full strategy " + Arrays.toString(c));
          }
        }
      }
    }
    assertTrue(used[0] > 0 && used[1] > 0 && used[2] > 0, Arrays.toString(used));
  }

  /** Compares the analytic gradient with central differences of the dense reference; returns strategy counts. */
  private long[] checkGradient(Interactions g, int dim, int layers, int[] us, int[] is, int[] js, int threads,
      Strategy s, long seed) {
    float decay = 0.05f;
    try (Workers w = Workers.create(threads)) {
      LightGcnTrainer t = trainer(g, dim, layers, us.length, decay, seed, w, s);
      double loss = t.gradient(us, is, js, us.length);
      DenseLightGcn ref = new DenseLightGcn(g);
      double[] e0 = DenseLightGcn.ego(t, dim);
      String where = "K=" + layers + " strategy=" + s + " threads=" + threads + " dim=" + dim;
      assertEquals(ref.loss(e0, dim, layers, us, is, js, us.length, decay), loss, 1e-6, "loss " + where);
      float[] gu = t.gradUsers();
      float[] gi = t.gradItems();
      double h = 1e-5;
      for (int p = 0; p < e0.length; p++) {
        double keep = e0[p];
        e0[p] = keep + h;
        double up = ref.loss(e0, dim, layers, us, is, js, us.length, decay);
        e0[p] = keep - h;
        double down = ref.loss(e0, dim, layers, us, is, js, us.length, decay);
        e0[p] = keep;
        double fd = (up - down) / (2 * h);
        float got = p < gu.length ? gu[p] : gi[p - gu.length];
        assertEquals(fd, got, 2e-6 + 1e-3 * Math.abs(fd), where + " parameter " + p
            + (p < gu.length ? " (user " + p / dim + ")" : " (item " + (p - gu.length) / dim + ")"));
      }
      return t.strategyCounts().clone();
    }
  }

  @Test
  void sameSeedAndThreadsGiveIdenticalModels() {
    Interactions g = DenseLightGcn.randomGraph(120, 150, 0.05, 9);
    for (int threads = 1; threads <= 2; threads++) {
      float[][] a = train(g, threads, 7);
      float[][] b = train(g, threads, 7);
      assertArrayEquals(a[0], b[0], "users, threads=" + threads);
      assertArrayEquals(a[1], b[1], "items, threads=" + threads);
    }
    assertFalse(Arrays.equals(train(g, 1, 7)[0], train(g, 1, 8)[0]), "a different seed must give a different model");
  }

  private static float[][] train(Interactions g, int threads, long seed) {
    try (Workers w = Workers.create(threads)) {
      LightGcnTrainer t = trainer(g, 8, 3, 64, 1e-4f, seed, w, Strategy.DEFAULT);
      t.trainEpoch(1);
      t.trainEpoch(2);
      return new float[][] {t.egoUsers().clone(), t.egoItems().clone()};
    }
  }

  @Test
  void fusedOptimiserStepEqualsGradientThenAdam() {
    // The Adam step fused into the last backward product must give the same bits as the gradient
    // stored in full and then a separate Adam pass, through every strategy (only FULL fuses).
    Interactions g = DenseLightGcn.randomGraph(40, 55, 0.1, 12);
    for (int dim : new int[] {7, 33}) {
      for (int layers = 1; layers <= 3; layers++) {
        for (Strategy s : Strategy.values()) {
          for (int threads = 1; threads <= 2; threads++) {
            try (Workers w = Workers.create(threads)) {
              LightGcnTrainer fused = trainer(g, dim, layers, 16, 0.05f, 3, w, s);
              LightGcnTrainer separate = trainer(g, dim, layers, 16, 0.05f, 3, w, s);
              separate.fuseOptimiser = false;
              for (int e = 1; e <= 2; e++) {
                assertEquals(separate.trainEpoch(e), fused.trainEpoch(e), 0.0);
              }
              String where = "dim=" + dim + " K=" + layers + " strategy=" + s + " threads=" + threads;
              assertArrayEquals(separate.egoUsers(), fused.egoUsers(), "users " + where);
              assertArrayEquals(separate.egoItems(), fused.egoItems(), "items " + where);
              assertEquals(0, separate.fusedSteps, where);
              if (s == Strategy.FULL) {
                assertEquals(2 * fused.stepsPerEpoch(), fused.fusedSteps, "every step fuses: " + where);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void lossDecreasesOnRandomGraph() {
    Interactions g = DenseLightGcn.randomGraph(80, 100, 0.08, 4);
    try (Workers w = Workers.create(2)) {
      LightGcnTrainer t = new LightGcnTrainer(g, LightGcnConfig.defaults().withDim(16).withBatch(128).withLr(0.01f), w);
      double first = t.trainEpoch(1);
      double last = first;
      for (int e = 2; e <= 15; e++) {
        last = t.trainEpoch(e);
      }
      assertTrue(first > 0.6 && first < 0.7, "first epoch loss just under ln 2 = 0.693, got " + first);
      assertTrue(last < first - 0.05, "loss did not decrease: " + first + " -> " + last);
    }
  }

  @Test
  void samplerDrawsValidTriples() {
    Interactions g = DenseLightGcn.randomGraph(50, 60, 0.1, 2);
    BprSampler s = new BprSampler(g.userItems());
    int n = 5000;
    int[] u = new int[n];
    int[] i = new int[n];
    int[] j = new int[n];
    s.sample(new SplittableRandom(1), n, u, i, j);
    for (int b = 0; b < n; b++) {
      assertTrue(g.userItems().contains(u[b], i[b]), "positive " + i[b] + " of user " + u[b]);
      assertFalse(g.userItems().contains(u[b], j[b]), "negative " + j[b] + " of user " + u[b]);
      assertTrue(j[b] >= 0 && j[b] < 60);
    }
  }
}
