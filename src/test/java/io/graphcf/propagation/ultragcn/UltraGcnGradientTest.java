package io.graphcf.propagation.ultragcn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.graphcf.graph.Interactions;
import io.graphcf.propagation.Workers;
import io.graphcf.propagation.train.Adam;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The analytic gradient of the full UltraGCN batch loss (objective + γ·‖Θ‖²/2) against central
 * finite differences of an independent double-precision loss written here from the reference
 * code's formulas.
 */
class UltraGcnGradientTest {
  private static final int USERS = 6;
  private static final int ITEMS = 8;

  private static Interactions tinyGraph() {
    // user degrees 3,2,4,1,2,3; item 7 has no users
    int[] us = {0, 0, 0, 1, 1, 2, 2, 2, 2, 3, 4, 4, 5, 5, 5};
    int[] is = {0, 1, 2, 1, 3, 0, 2, 4, 5, 6, 2, 3, 0, 5, 6};
    return Interactions.fromPairs(USERS, ITEMS, us, is, us.length);
  }

  private static UltraGcnParams params(int dim) {
    return new UltraGcnParams().dim(dim).neighbours(3).negatives(5).batchSize(8).w1(0.3).w2(0.7).w3(0.2).w4(0.9)
        .negativeWeight(3).lambda(0.8).gamma(0.05).initStd(0.5f);
  }

  /** Softplus in double: log(1 + e^x). */
  private static double softplus(double x) {
    return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  }

  /** The full batch loss in double precision, from the formulas, for parameters U, E. */
  private static double referenceLoss(Interactions g, ItemItemConstraint ii, UltraGcnParams p, double[] uEmb,
      double[] iEmb, int[] users, int[] items, int[] negs) {
    int d = p.dim();
    int n = p.negatives();
    int[] du = g.userItems().degrees();
    int[] di = g.itemUsers().degrees();
    double loss = 0;
    for (int b = 0; b < users.length; b++) {
      int u = users[b];
      int i = items[b];
      double bu = Math.sqrt(du[u] + 1.0) / du[u];
      double pos = (p.w1() + p.w2() * bu / Math.sqrt(di[i] + 1.0)) * softplus(-dot(uEmb, u, iEmb, i, d));
      double neg = 0;
      for (int m = 0; m < n; m++) {
        int j = negs[b * n + m];
        neg += (p.w3() + p.w4() * bu / Math.sqrt(di[j] + 1.0)) * softplus(dot(uEmb, u, iEmb, j, d));
      }
      double item = 0;
      for (int m = 0; m < ii.k(); m++) {
        int j = ii.neighbours()[i * ii.k() + m];
        if (j >= 0) {
          item += ii.weights()[i * ii.k() + m] * softplus(-dot(uEmb, u, iEmb, j, d));
        }
      }
      loss += pos + p.negativeWeight() * neg / n + p.lambda() * item;
    }
    double norm = 0;
    for (double x : uEmb) {
      norm += x * x;
    }
    for (double x : iEmb) {
      norm += x * x;
    }
    return loss + p.gamma() * norm / 2;
  }

  private static double dot(double[] a, int ra, double[] b, int rb, int d) {
    double s = 0;
    for (int k = 0; k < d; k++) {
      s += a[ra * d + k] * b[rb * d + k];
    }
    return s;
  }

  @Test
  void gradientMatchesCentralDifferences() {
    for (boolean simd : kernels()) {
      for (int dim : new int[] {1, 3, 7, 33}) {
        for (int threads : new int[] {1, 2}) {
          checkGradient(dim, threads, 100 + dim, simd, false);
        }
      }
    }
  }

  /** Shared negatives: the reference loss with every positive given the batch's one set. */
  @Test
  void sharedNegativesGradientMatchesCentralDifferences() {
    for (boolean simd : kernels()) {
      for (int dim : new int[] {1, 3, 7, 17, 33}) {
        for (int threads : new int[] {1, 2}) {
          checkGradient(dim, threads, 200 + dim, simd, true);
        }
      }
    }
  }

  /** The scalar kernel always, the Vector API kernel when this JVM has it. */
  private static boolean[] kernels() {
    return UltraGcnObjective.SIMD_AVAILABLE ? new boolean[] {false, true} : new boolean[] {false};
  }

  private void checkGradient(int dim, int threads, long seed, boolean simd, boolean shared) {
    Interactions g = tinyGraph();
    // shared: 13 negatives, so the score rows have a vector part and a tail
    UltraGcnParams p = params(dim).seed(seed).sharedNegatives(shared).negatives(shared ? 13 : 5);
    // a batch with a repeated user, a repeated item and (below) a negative equal to the positive
    int[] users = {0, 2, 0, 5, 4, 2, 1};
    int[] items = {1, 4, 2, 6, 3, 0, 3};
    SplittableRandom r = new SplittableRandom(seed);
    int[] negs = new int[users.length * p.negatives()];
    for (int x = 0; x < negs.length; x++) {
      negs[x] = r.nextInt(ITEMS);
    }
    negs[0] = items[0];
    if (shared) {
      // one set for the batch (with a repeated item), given to the reference once per positive
      negs[1] = negs[2];
      for (int x = p.negatives(); x < negs.length; x++) {
        negs[x] = negs[x % p.negatives()];
      }
    }
    try (Workers w = Workers.create(threads)) {
      UltraGcnTrainer tr = new UltraGcnTrainer(g, p, w);
      ItemItemConstraint ii = tr.constraint();
      float[] uEmb = tr.userEmbedding();
      float[] iEmb = tr.itemEmbedding();
      float[] gu = new float[uEmb.length];
      float[] gi = new float[iEmb.length];
      UltraGcnObjective obj = new UltraGcnObjective(g, ii, tr.params(), threads, simd);
      double objLoss = obj.accumulate(uEmb, iEmb, users, items, 0, users.length, 0L, negs, gu, gi, w);
      double[] u = toDouble(uEmb);
      double[] it = toDouble(iEmb);
      double full = referenceLoss(g, ii, p, u, it, users, items, negs);
      double norm = 0;
      for (double x : u) {
        norm += x * x;
      }
      for (double x : it) {
        norm += x * x;
      }
      assertEquals(full - p.gamma() * norm / 2, objLoss, 1e-5 * Math.abs(full), "loss dim=" + dim);
      double h = 1e-4;
      for (int x = 0; x < u.length; x++) {
        double analytic = gu[x] + p.gamma() * uEmb[x];
        double numeric = central(g, ii, p, u, it, users, items, negs, u, x, h);
        assertClose(numeric, analytic, "user param " + x + " dim=" + dim + " threads=" + threads + " seed=" + seed + " simd=" + simd + " shared=" + shared);
      }
      for (int x = 0; x < it.length; x++) {
        double analytic = gi[x] + p.gamma() * iEmb[x];
        double numeric = central(g, ii, p, u, it, users, items, negs, it, x, h);
        assertClose(numeric, analytic, "item param " + x + " dim=" + dim + " threads=" + threads + " seed=" + seed + " simd=" + simd + " shared=" + shared);
      }
    }
  }

  private static double central(Interactions g, ItemItemConstraint ii, UltraGcnParams p, double[] u, double[] it,
      int[] users, int[] items, int[] negs, double[] target, int x, double h) {
    double keep = target[x];
    target[x] = keep + h;
    double plus = referenceLoss(g, ii, p, u, it, users, items, negs);
    target[x] = keep - h;
    double minus = referenceLoss(g, ii, p, u, it, users, items, negs);
    target[x] = keep;
    return (plus - minus) / (2 * h);
  }

  private static void assertClose(double expected, double actual, String where) {
    double tol = 1e-4 + 1e-4 * Math.abs(expected);
    assertTrue(Math.abs(expected - actual) <= tol, where + ": finite difference " + expected + " vs analytic " + actual);
  }

  private static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int x = 0; x < a.length; x++) {
      d[x] = a[x];
    }
    return d;
  }

  /** A graph with several item buckets and groups: 300 users × 3000 items. */
  private static Interactions mediumGraph(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int n = 6000;
    int[] us = new int[n];
    int[] is = new int[n];
    for (int e = 0; e < n; e++) {
      us[e] = r.nextInt(300);
      is[e] = (int) (3000 * Math.pow(r.nextDouble(), 1.5));
    }
    return Interactions.fromPairs(300, 3000, us, is, n);
  }

  @Test
  void gradientDoesNotDependOnThreadsAndKernelsAgree() {
    threadsAndKernels(false);
  }

  @Test
  void sharedGradientDoesNotDependOnThreadsAndKernelsAgree() {
    threadsAndKernels(true);
  }

  private void threadsAndKernels(boolean shared) {
    Interactions g = mediumGraph(11);
    int dim = 24;
    UltraGcnParams p = params(dim).negatives(300).batchSize(64).neighbours(10).initStd(0.3f).sharedNegatives(shared);
    int[] users = new int[60];
    int[] items = new int[60];
    int[] ptr = g.userItems().rowPtr();
    SplittableRandom r = new SplittableRandom(5);
    for (int b = 0; b < users.length; b++) {
      int u;
      do {
        u = r.nextInt(300);
      } while (ptr[u] == ptr[u + 1]);
      users[b] = u;
      items[b] = g.userItems().colIdx()[ptr[u] + r.nextInt(ptr[u + 1] - ptr[u])];
    }
    float[][] byKernel = new float[2][];
    for (boolean simd : kernels()) {
      float[] first = null;
      for (int threads = 1; threads <= 3; threads++) {
        try (Workers w = Workers.create(threads)) {
          UltraGcnTrainer tr = new UltraGcnTrainer(g, p, w);
          UltraGcnObjective obj = new UltraGcnObjective(g, tr.constraint(), tr.params(), threads, simd);
          float[] gu = new float[300 * dim];
          float[] gi = new float[3000 * dim];
          obj.accumulate(tr.userEmbedding(), tr.itemEmbedding(), users, items, 0, users.length, 42L, null, gu, gi, w);
          float[] both = new float[gu.length + gi.length];
          System.arraycopy(gu, 0, both, 0, gu.length);
          System.arraycopy(gi, 0, both, gu.length, gi.length);
          if (first == null) {
            first = both;
          } else {
            assertArrayEquals(first, both, "threads=" + threads + " simd=" + simd + " shared=" + shared);
          }
        }
      }
      byKernel[simd ? 1 : 0] = first;
    }
    if (byKernel[1] != null) {
      for (int x = 0; x < byKernel[0].length; x++) {
        float a = byKernel[0][x];
        float b = byKernel[1][x];
        assertTrue(Math.abs(a - b) <= 1e-5f + 1e-4f * Math.abs(a), "scalar " + a + " vs simd " + b + " at " + x + " shared=" + shared);
      }
    }
  }

  @Test
  void vectorExpAndLog1pAreAccurate() {
    org.junit.jupiter.api.Assumptions.assumeTrue(UltraGcnObjective.SIMD_AVAILABLE, "no jdk.incubator.vector");
    int n = 20_000;
    float[] t = new float[n];
    for (int q = 0; q < n; q++) {
      t[q] = -100f * q / n;
    }
    t[0] = 0f;
    t[1] = -1e-30f;
    float[] e = new float[n];
    float[] l = new float[n];
    UltraGcnSimd.expAndLog1p(t, e, l, n);
    for (int q = 0; q < n; q++) {
      double exact = Math.exp(Math.max(t[q], -87.0));
      assertTrue(Math.abs(e[q] - exact) <= 3e-7 * exact, "exp(" + t[q] + ") = " + e[q] + ", expected " + exact);
      double lExact = Math.log1p(e[q]);
      assertTrue(Math.abs(l[q] - lExact) <= 3e-7 * lExact + 1e-45, "log1p(" + e[q] + ") = " + l[q] + ", expected "
          + lExact);
    }
  }

  @Test
  void negativesAreUniformWithReplacement() {
    Interactions g = tinyGraph();
    UltraGcnParams p = params(2).negatives(80_000);
    try (Workers w = Workers.create(1)) {
      UltraGcnTrainer tr = new UltraGcnTrainer(g, p, w);
      int[] counts = new int[ITEMS];
      for (int j : tr.objective().sampleNegatives(9L, 3)) {
        counts[j]++;
      }
      // 10 000 expected per item; 5 standard deviations ≈ 470
      for (int j = 0; j < ITEMS; j++) {
        assertTrue(Math.abs(counts[j] - 10_000) < 470, "item " + j + " drawn " + counts[j] + " times");
      }
    }
  }

  @Test
  void adamWithL2EqualsAdamOnTheAugmentedGradient() {
    SplittableRandom r = new SplittableRandom(3);
    int n = 40_000;
    float[] p1 = new float[n];
    float[] g1 = new float[n];
    for (int x = 0; x < n; x++) {
      p1[x] = (float) r.nextGaussian();
      g1[x] = x % 3 == 0 ? 0f : (float) r.nextGaussian();
    }
    float[] p2 = p1.clone();
    float l2 = 0.01f;
    try (Workers w = Workers.create(2)) {
      Adam a = new Adam(n, 1e-3f);
      Adam b = new Adam(n, 1e-3f);
      for (int step = 0; step < 3; step++) {
        float[] gWithL2 = new float[n];
        for (int x = 0; x < n; x++) {
          gWithL2[x] = g1[x] + l2 * p1[x];
        }
        a.step(p1, gWithL2, w);
        float[] g2 = g1.clone();
        b.stepWithL2(p2, g2, l2, w);
        assertArrayEquals(new float[n], g2, "gradient consumed");
      }
      assertArrayEquals(p1, p2);
      assertArrayEquals(a.firstMoment(), b.firstMoment());
      assertArrayEquals(a.secondMoment(), b.secondMoment());
    }
  }
}
