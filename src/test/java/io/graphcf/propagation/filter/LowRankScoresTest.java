package io.graphcf.propagation.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The packed SIMD micro-kernel and the fallback against a double triple loop, over odd shapes. */
class LowRankScoresTest {

  static void check(boolean simd) {
    int[] nbs = {1, 3, 4, 5, 9};
    int[] items = {1, 15, 16, 17, 33, 100};
    int[] ks = {1, 3, 8, 129};
    SplittableRandom r = new SplittableRandom(4);
    for (int nb : nbs) {
      for (int m : items) {
        for (int k : ks) {
          float[] p = new float[nb * k];
          float[] w = new float[m * k];
          for (int q = 0; q < p.length; q++) {
            p[q] = (float) r.nextGaussian();
          }
          for (int q = 0; q < w.length; q++) {
            w[q] = (float) r.nextGaussian();
          }
          float[] out = new float[nb * m + 3];
          out[nb * m] = 42f;
          new LowRankScores(w, m, k, simd).multiply(p, nb, out);
          for (int b = 0; b < nb; b++) {
            for (int j = 0; j < m; j++) {
              double e = 0;
              for (int c = 0; c < k; c++) {
                e += (double) p[b * k + c] * w[j * k + c];
              }
              assertEquals(e, out[b * m + j], 1e-5 * (1 + Math.sqrt(k)),
                  "simd=" + simd + " nb=" + nb + " items=" + m + " k=" + k + " at (" + b + ", " + j + ")");
            }
          }
          assertEquals(42f, out[nb * m], "wrote past the block");
        }
      }
    }
  }

  @Test
  void simdKernelMatchesTripleLoop() {
    assumeTrue(LowRankScores.simdAvailable(), "skipped: jdk.incubator.vector not in this JVM");
    check(true);
  }

  @Test
  void fallbackMatchesTripleLoop() {
    check(false);
  }
}
