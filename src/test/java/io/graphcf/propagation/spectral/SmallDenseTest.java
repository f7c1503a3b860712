package io.graphcf.propagation.spectral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.graphcf.propagation.Workers;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The tall-skinny kernels (Gram, product with a small matrix, Cholesky-QR) against double triple
 * loops over odd shapes, on the SIMD path (when the JVM has jdk.incubator.vector) and the scalar one.
 */
class SmallDenseTest {
  @AfterEach
  void restore() {
    SmallDense.vector = SmallDense.VECTOR_AVAILABLE;
  }

  static float[] random(SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int k = 0; k < n; k++) {
      x[k] = (float) r.nextGaussian();
    }
    return x;
  }

  void checkAll() {
    int[] ns = {1, 5, 64, 131};
    int[] ls = {1, 3, 7, 8, 33, 129};
    SplittableRandom rnd = new SplittableRandom(12);
    try (Workers w = Workers.create(2)) {
      for (int n : ns) {
        for (int l : ls) {
          String ctx = "vector=" + SmallDense.vector + " n=" + n + " l=" + l;
          float[] y = random(rnd, n * l);
          double[] g = new double[l * l];
          SmallDense.gram(y, n, l, g, w);
          for (int a = 0; a < l; a++) {
            for (int b = 0; b < l; b++) {
              double e = 0;
              for (int r = 0; r < n; r++) {
                e += (double) y[r * l + a] * y[r * l + b];
              }
              assertEquals(e, g[a * l + b], 1e-9 * (1 + Math.abs(e)), ctx + " gram (" + a + ", " + b + ")");
            }
          }
          for (int c : new int[] {1, 9, l}) {
            for (boolean upper : new boolean[] {false, true}) {
              if (upper && c != l) {
                continue;
              }
              double[] m = new double[l * c];
              for (int a = 0; a < l; a++) {
                for (int j = 0; j < c; j++) {
                  m[a * c + j] = upper && j < a ? 0.0 : rnd.nextGaussian();
                }
              }
              float[] out = new float[n * c];
              SmallDense.timesSmall(y, n, l, m, c, upper, out, w);
              for (int r = 0; r < n; r++) {
                for (int j = 0; j < c; j++) {
                  double e = 0;
                  for (int a = 0; a < l; a++) {
                    e += y[r * l + a] * m[a * c + j];
                  }
                  assertEquals(e, out[r * c + j], 1e-5 * (1 + Math.abs(e)),
                      ctx + " c=" + c + " upper=" + upper + " at (" + r + ", " + j + ")");
                }
              }
            }
          }
        }
      }
    }
  }

  @Test
  void kernelsMatchTripleLoops() {
    checkAll();
    if (SmallDense.VECTOR_AVAILABLE) {
      SmallDense.vector = false;
      checkAll();
    }
  }

  @Test
  void orthonormalizeGivesQrOfTheInput() {
    SplittableRandom rnd = new SplittableRandom(3);
    try (Workers w = Workers.create(2)) {
      for (int l : new int[] {1, 5, 17}) {
        int n = 300;
        float[] y = random(rnd, n * l);
        // one nearly dependent column pair forces a second Cholesky-QR pass
        if (l > 2) {
          for (int r = 0; r < n; r++) {
            y[r * l + 1] = y[r * l] + 1e-4f * y[r * l + 1];
          }
        }
        float[] y0 = y.clone();
        double[] rr = SmallDense.orthonormalize(y, n, l, new float[n * l], w);
        for (int a = 0; a < l; a++) {
          for (int b = 0; b < l; b++) {
            double dot = 0;
            for (int r = 0; r < n; r++) {
              dot += (double) y[r * l + a] * y[r * l + b];
            }
            assertEquals(a == b ? 1.0 : 0.0, dot, 1e-5, "l=" + l + " QᵀQ (" + a + ", " + b + ")");
          }
        }
        // Q R reproduces the input; R is upper triangular
        for (int r = 0; r < n; r++) {
          for (int j = 0; j < l; j++) {
            double e = 0;
            for (int a = 0; a <= j; a++) {
              e += y[r * l + a] * rr[a * l + j];
            }
            assertEquals(y0[r * l + j], e, 1e-4 * (1 + Math.abs(e)), "l=" + l + " QR at (" + r + ", " + j + ")");
          }
        }
        for (int a = 0; a < l; a++) {
          for (int b = 0; b < a; b++) {
            assertTrue(rr[a * l + b] == 0.0, "R not upper triangular at (" + a + ", " + b + ")");
          }
        }
      }
    }
  }
}
