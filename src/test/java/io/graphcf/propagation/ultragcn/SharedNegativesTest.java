package io.graphcf.propagation.ultragcn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The dense kernels of the shared-negatives path against triple loops in double precision. */
class SharedNegativesTest {

  private static float[] random(SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int q = 0; q < n; q++) {
      x[q] = (float) (2 * r.nextDouble() - 1);
    }
    return x;
  }

  /**
   * C += A·B (A stored m × kk) and C += Aᵀ·B (A stored kk × m) over odd shapes, from non-zero
   * offsets into larger arrays, for the scalar and (when present) the Vector API kernel.
   */
  @Test
  void multAddMatchesTripleLoop() {
    int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {4, 8, 16}, {5, 3, 33}, {9, 17, 64}, {13, 1, 24}, {7, 129, 3},
        {16, 40, 65}};
    boolean[] kernels = UltraGcnObjective.SIMD_AVAILABLE ? new boolean[] {false, true} : new boolean[] {false};
    long seed = 0;
    for (int[] sh : shapes) {
      int m = sh[0];
      int kk = sh[1];
      int d = sh[2];
      for (boolean transposed : new boolean[] {false, true}) {
        for (boolean simd : kernels) {
          SplittableRandom r = new SplittableRandom(++seed);
          int aOff = 3;
          int bOff = 5 * d;
          int cOff = 2 * d;
          int lda = transposed ? m + 2 : kk + 1;
          float[] a = random(r, aOff + (transposed ? kk * lda : m * lda) + 4);
          float[] b = random(r, bOff + kk * d + 3);
          float[] c = random(r, cOff + m * d + d);
          float[] c0 = c.clone();
          int ai = transposed ? 1 : lda;
          int ak = transposed ? lda : 1;
          SharedNegatives.multAdd(simd, a, aOff, ai, ak, m, kk, b, bOff, d, c, cOff);
          for (int x = 0; x < c.length; x++) {
            int i = (x - cOff) / d;
            int col = (x - cOff) % d;
            double expected = c0[x];
            if (x >= cOff && i < m) {
              for (int k = 0; k < kk; k++) {
                expected += (double) a[aOff + i * ai + k * ak] * b[bOff + k * d + col];
              }
            }
            String where = "seed=" + seed + " m=" + m + " kk=" + kk + " d=" + d + " transposed=" + transposed + " simd="
                + simd + " at " + x;
            assertEquals(expected, c[x], 1e-5 * (1 + kk), where);
          }
        }
      }
    }
  }

  /** The lane-wise loss and coefficients against the scalar formulas, across signs and magnitudes. */
  @Test
  void negativeRowMatchesScalar() {
    if (!UltraGcnObjective.SIMD_AVAILABLE) {
      return;
    }
    SplittableRandom r = new SplittableRandom(3);
    for (int n : new int[] {1, 7, 8, 37, 1500}) {
      float[] s = new float[n + 2];
      float[] beta = new float[n + 16];
      for (int q = 0; q < n; q++) {
        s[q + 2] = (float) (40 * r.nextDouble() - 20);
        beta[q] = (float) r.nextDouble();
      }
      float[] v = s.clone();
      float[] w = s.clone();
      double lv = UltraGcnSimd.negativeRow(v, 2, n, 0.3f, 1.7f, beta, new float[64]);
      double lw = SharedNegatives.negativeRowScalar(w, 2, n, 0.3f, 1.7f, beta);
      assertEquals(lw, lv, 1e-5 * Math.abs(lw), "loss n=" + n);
      for (int q = 0; q < n + 2; q++) {
        assertTrue(Math.abs(w[q] - v[q]) <= 1e-6f * (1 + Math.abs(w[q])), "n=" + n + " q=" + q + ": " + w[q] + " vs "
            + v[q]);
      }
    }
  }

  /** Shared draws are reproducible and cover the items uniformly. */
  @Test
  void sharedDrawsAreUniform() {
    int items = 10;
    int[] counts = new int[items];
    int[] out = new int[1000];
    for (int from = 0; from < 100; from++) {
      SharedNegatives.draw(7L, from * 512, items, out, out.length);
      for (int j : out) {
        counts[j]++;
      }
    }
    for (int j = 0; j < items; j++) {
      // 100 000 draws: 10 000 ± 4.7 standard deviations
      assertTrue(Math.abs(counts[j] - 10_000) < 450, "item " + j + " drawn " + counts[j] + " times");
    }
    int[] again = new int[1000];
    SharedNegatives.draw(7L, 99 * 512, items, again, again.length);
    org.junit.jupiter.api.Assertions.assertArrayEquals(out, again);
  }
}
