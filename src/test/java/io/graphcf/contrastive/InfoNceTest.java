package io.graphcf.contrastive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.graphcf.propagation.Workers;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fused InfoNCE against a naive double-precision computation that stores the whole
 * (batch × nodes) score matrix, over seeded shapes (odd dims, a single node, partial tiles, more
 * chunks than tiles), including positives beyond the clamp.
 */
class InfoNceTest {
  private static final int[][] SHAPES = {
      // numNodes, dim, batch rows
      {1, 1, 1}, {7, 3, 4}, {64, 7, 10}, {65, 64, 33}, {130, 33, 130}, {600, 16, 57}, {1000, 129, 5}};

  @Test
  void matchesNaiveFullMatrix() {
    for (int s = 0; s < SHAPES.length; s++) {
      for (long seed = 1; seed <= 3; seed++) {
        check(SHAPES[s][0], SHAPES[s][1], SHAPES[s][2], seed, 0.2f, 1);
      }
    }
  }

  @Test
  void clampedPositivesAndLargeScores() {
    // scale 3 with τ = 0.1 gives scores far outside [−5, 5] and exp overflowing float without the max shift
    for (long seed = 1; seed <= 3; seed++) {
      check(200, 16, 40, seed, 0.1f, 3);
    }
  }

  @Test
  void bitIdenticalForOneAndTwoThreads() {
    int n = 700;
    int d = 24;
    SplittableRandom r = new SplittableRandom(5);
    float[] g = random(n * d, r, 1);
    float[] e = random(n * d, r, 1);
    int[] nodes = distinct(n, 90, r);
    float[] w = new float[90];
    for (int b = 0; b < w.length; b++) {
      w[b] = (float) r.nextDouble();
    }
    float[] gg1 = new float[n * d];
    float[] ge1 = new float[n * d];
    float[] gg2 = new float[n * d];
    float[] ge2 = new float[n * d];
    double l1;
    double l2;
    try (Workers one = Workers.create(1); Workers two = Workers.create(2)) {
      l1 = new InfoNce(d).lossAndGradient(nodes, w, 90, g, e, n, 0.2f, gg1, ge1, one);
      l2 = new InfoNce(d).lossAndGradient(nodes, w, 90, g, e, n, 0.2f, gg2, ge2, two);
    }
    assertEquals(l1, l2, 0.0);
    assertArrayEquals(gg1, gg2);
    assertArrayEquals(ge1, ge2);
  }

  @Test
  void rejectsBadShapes() {
    InfoNce f = new InfoNce(4);
    float[] m = new float[12];
    assertThrows(IllegalArgumentException.class,
        () -> f.lossAndGradient(new int[] {0}, new float[] {1}, 1, m, new float[8], 3, 0.2f, m, m, Workers.create(1)));
  }

  private static void check(int n, int d, int rows, long seed, float tau, float scale) {
    SplittableRandom r = new SplittableRandom(seed * 1000 + n);
    float[] g = random(n * d, r, scale);
    float[] e = random(n * d, r, scale);
    int[] nodes = distinct(n, rows, r);
    float[] w = new float[rows];
    for (int b = 0; b < rows; b++) {
      w[b] = (float) (0.1 + r.nextDouble());
    }
    float[] gradG = random(n * d, r, 1);
    float[] gradE = random(n * d, r, 1);
    double[] refG = toDouble(gradG);
    double[] refE = toDouble(gradE);
    double ref = naive(nodes, w, rows, g, e, n, d, tau, refG, refE);
    double got;
    try (Workers workers = Workers.create(2)) {
      got = new InfoNce(d).lossAndGradient(nodes, w, rows, g, e, n, tau, gradG, gradE, workers);
    }
    String where = "seed=" + seed + " n=" + n + " d=" + d + " rows=" + rows + " tau=" + tau;
    assertEquals(ref, got, 2e-5 * Math.max(1, Math.abs(ref)), "loss " + where);
    assertClose(refG, gradG, "gradG " + where);
    assertClose(refE, gradE, "gradE " + where);
  }

  /** Dense reference: S = G_B Eᵀ / τ stored whole, softmax per row in double. */
  private static double naive(int[] nodes, float[] w, int rows, float[] g, float[] e, int n, int d, float tau,
      double[] gradG, double[] gradE) {
    double loss = 0;
    double[] s = new double[n];
    for (int b = 0; b < rows; b++) {
      int gb = nodes[b] * d;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        double dot = 0;
        for (int k = 0; k < d; k++) {
          dot += (double) g[gb + k] * e[j * d + k];
        }
        s[j] = dot / tau;
        max = Math.max(max, s[j]);
      }
      double sum = 0;
      for (int j = 0; j < n; j++) {
        sum += Math.exp(s[j] - max);
      }
      double denom = sum + 1e-8 * Math.exp(-max);
      double lse = max + Math.log(denom);
      double pos = s[nodes[b]];
      loss += w[b] * (lse - Math.max(-5, Math.min(5, pos)));
      double c = w[b] / tau;
      for (int j = 0; j < n; j++) {
        double p = Math.exp(s[j] - max) / denom;
        for (int k = 0; k < d; k++) {
          gradG[gb + k] += c * p * e[j * d + k];
          gradE[j * d + k] += c * p * g[gb + k];
        }
      }
      if (pos >= -5 && pos <= 5) {
        for (int k = 0; k < d; k++) {
          gradG[gb + k] -= c * e[gb + k];
          gradE[gb + k] -= c * g[gb + k];
        }
      }
    }
    return loss;
  }

  private static void assertClose(double[] want, float[] got, String what) {
    double scale = 0;
    for (double v : want) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int k = 0; k < want.length; k++) {
      if (Math.abs(want[k] - got[k]) > 1e-4 * Math.max(1, scale)) {
        throw new AssertionError(what + " at " + k + ": want " + want[k] + ", got " + got[k] + " (scale " + scale
            + ")");
      }
    }
  }

  static float[] random(int len, SplittableRandom r, float scale) {
    float[] x = new float[len];
    for (int k = 0; k < len; k++) {
      x[k] = (float) ((r.nextDouble() * 2 - 1) * scale);
    }
    return x;
  }

  private static double[] toDouble(float[] x) {
    double[] y = new double[x.length];
    for (int k = 0; k < x.length; k++) {
      y[k] = x[k];
    }
    return y;
  }

  private static int[] distinct(int n, int rows, SplittableRandom r) {
    int[] perm = new int[n];
    for (int k = 0; k < n; k++) {
      perm[k] = k;
    }
    for (int k = n - 1; k > 0; k--) {
      int j = r.nextInt(k + 1);
      int t = perm[k];
      perm[k] = perm[j];
      perm[j] = t;
    }
    return java.util.Arrays.copyOf(perm, rows);
  }
}
