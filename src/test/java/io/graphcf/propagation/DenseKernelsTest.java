package io.graphcf.propagation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link DenseKernels} against a naive triple loop in double precision on odd shapes: dims 1…129,
 * row counts around the register tile (4) and the packing threshold (8), B rows around the panel
 * width, nonzero row offsets; both the packing entry point and the pre-packed one.
 */
class DenseKernelsTest {
  private static final int[] DIMS = {1, 3, 7, 33, 64, 129};
  private static final int[] ROWS_A = {0, 1, 3, 4, 5, 7, 8, 9, 17, 33};
  private static final int[] ROWS_B = {1, 3, 4, 15, 16, 17, 255, 257, 300};

  private static float[] gaussian(SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return x;
  }

  @Test
  void multTransBMatchesTripleLoopOnOddShapes() {
    long seed = 0;
    for (int dim : DIMS) {
      for (int nA : ROWS_A) {
        for (int nB : ROWS_B) {
          seed++;
          SplittableRandom r = new SplittableRandom(seed);
          int aRow0 = r.nextInt(3);
          int bRow0 = r.nextInt(3);
          float[] a = gaussian(r, (aRow0 + nA + 1) * dim);
          float[] b = gaussian(r, (bRow0 + nB + 2) * dim);
          float[] out = new float[nA * nB + 5];
          Arrays.fill(out, Float.NaN);
          for (boolean vector : implementations()) {
            Arrays.fill(out, Float.NaN);
            String impl = vector ? "simd" : "scalar";
            DenseKernels.multTransBKernel(vector, a, aRow0, nA, b, bRow0, nB, dim, out);
            float[] viaPacked = new float[nA * nB];
            DenseKernels.multTransB(a, aRow0, nA, DenseKernels.pack(vector, b, bRow0, nB, dim), viaPacked);
            check(impl, seed, dim, nA, nB, aRow0, bRow0, a, b, out, viaPacked);
          }
          DenseKernels.multTransB(a, aRow0, nA, b, bRow0, nB, dim, out);
          check("public", seed, dim, nA, nB, aRow0, bRow0, a, b, out, out);
        }
      }
    }
  }

  /** Scalar always; SIMD too when jdk.incubator.vector is present (it is under surefire). */
  private static boolean[] implementations() {
    return DenseKernels.VECTOR ? new boolean[] {false, true} : new boolean[] {false};
  }

  private static void check(String impl, long seed, int dim, int nA, int nB, int aRow0, int bRow0, float[] a,
      float[] b, float[] out, float[] viaPacked) {
    for (int i = 0; i < nA; i++) {
      for (int j = 0; j < nB; j++) {
        // reference: c_ij = Σ_k a_ik b_jk in double, and Σ_k |a_ik b_jk| bounds the rounding
        double ref = 0;
        double mag = 0;
        for (int k = 0; k < dim; k++) {
          double p = (double) a[(aRow0 + i) * dim + k] * b[(bRow0 + j) * dim + k];
          ref += p;
          mag += Math.abs(p);
        }
        float got = out[i * nB + j];
        float gotPacked = viaPacked[i * nB + j];
        if (!(Math.abs(got - ref) <= 1e-5 * mag + 1e-7) || !(Math.abs(gotPacked - ref) <= 1e-5 * mag + 1e-7)) {
          fail(impl + ": seed=" + seed + " dim=" + dim + " nA=" + nA + " nB=" + nB + " aRow0=" + aRow0 + " bRow0="
              + bRow0 + " at (" + i + "," + j + "): got " + got + " (pre-packed " + gotPacked + "), expected "
              + ref);
        }
      }
    }
    for (int p = nA * nB; p < out.length; p++) {
      assertEquals(Float.NaN, out[p], impl + ": wrote past nA*nB at " + p + " (seed=" + seed + ")");
    }
  }

  @Test
  void multTransBIsDeterministic() {
    SplittableRandom r = new SplittableRandom(7);
    int dim = 64;
    float[] a = gaussian(r, 40 * dim);
    float[] b = gaussian(r, 600 * dim);
    float[] x = new float[40 * 600];
    float[] y = new float[40 * 600];
    DenseKernels.multTransB(a, 0, 40, b, 0, 600, dim, x);
    DenseKernels.multTransB(a, 0, 40, b, 0, 600, 33, y); // different dim in between: scratch is reused
    DenseKernels.multTransB(a, 0, 40, b, 0, 600, dim, y);
    assertArrayEquals(x, y);
  }

  @Test
  void multTransBAgreesAcrossThreads() throws Exception {
    SplittableRandom r = new SplittableRandom(11);
    int dim = 33;
    float[] a = gaussian(r, 64 * dim);
    float[] b = gaussian(r, 513 * dim);
    float[] expected = new float[64 * 513];
    DenseKernels.multTransB(a, 0, 64, b, 0, 513, dim, expected);
    float[][] got = new float[2][64 * 513];
    Thread[] ts = new Thread[2];
    for (int t = 0; t < 2; t++) {
      int tt = t;
      ts[t] = new Thread(() -> {
        for (int rep = 0; rep < 5; rep++) {
          DenseKernels.multTransB(a, 0, 64, b, 0, 513, dim, got[tt]);
        }
      });
      ts[t].start();
    }
    for (Thread t : ts) {
      t.join();
    }
    assertArrayEquals(expected, got[0]);
    assertArrayEquals(expected, got[1]);
  }

  @Test
  void dotMatchesLoop() {
    for (int dim : new int[] {0, 1, 2, 3, 4, 5, 7, 33, 64, 129}) {
      SplittableRandom r = new SplittableRandom(dim);
      float[] a = gaussian(r, dim + 3);
      float[] b = gaussian(r, dim + 5);
      double ref = 0;
      double mag = 0;
      for (int k = 0; k < dim; k++) {
        double p = (double) a[2 + k] * b[4 + k];
        ref += p;
        mag += Math.abs(p);
      }
      assertEquals(ref, DenseKernels.dot(a, 2, b, 4, dim), 1e-6 * mag + 1e-7, "dim=" + dim);
    }
  }

  /** Column ranges of a pre-packed product equal the same columns of the whole product, bit for bit. */
  @Test
  void packedColumnRangesMatchWholeProduct() {
    for (boolean vector : implementations()) {
      for (int dim : new int[] {3, 64}) {
        SplittableRandom r = new SplittableRandom(dim);
        int nA = 9;
        int nB = 2 * 1024 + 77;
        float[] a = gaussian(r, nA * dim);
        float[] b = gaussian(r, nB * dim);
        DenseKernels.PackedRows p = DenseKernels.pack(vector, b, 0, nB, dim);
        float[] whole = new float[nA * nB];
        DenseKernels.multTransB(a, 0, nA, p, whole);
        int c = p.chunk();
        for (int from = 0; from < nB; from += c) {
          int to = Math.min(nB, from + c + (from == 0 ? c : 0)); // first range spans two chunks
          float[] part = new float[nA * (to - from)];
          DenseKernels.multTransB(a, 0, nA, p, from, to, part);
          for (int i = 0; i < nA; i++) {
            for (int j = from; j < to; j++) {
              assertEquals(whole[i * nB + j], part[i * (to - from) + j - from], 0,
                  (vector ? "simd" : "scalar") + " dim=" + dim + " range [" + from + "," + to + ") at (" + i + "," + j + ")");
            }
          }
          from = to - c;
        }
        int misaligned = c + 1;
        assertThrows(IllegalArgumentException.class,
            () -> DenseKernels.multTransB(a, 0, nA, p, misaligned, nB, new float[nA * nB]));
      }
    }
  }

  @Test
  void firstAboveMatchesLinearScan() {
    for (int seed = 0; seed < 200; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      int n = r.nextInt(300);
      float[] x = new float[n];
      for (int i = 0; i < n; i++) {
        x[i] = r.nextInt(20) == 0 ? Float.NaN : (float) r.nextGaussian();
      }
      int from = n == 0 ? 0 : r.nextInt(n);
      int to = from + r.nextInt(n - from + 1);
      float thr = (float) (1.5 * r.nextGaussian() + 1);
      int expected = to;
      for (int i = from; i < to; i++) {
        if (x[i] > thr) {
          expected = i;
          break;
        }
      }
      assertEquals(expected, DenseKernels.firstAbove(x, from, to, thr), "seed=" + seed);
      assertEquals(expected, DenseKernels.firstAboveScalar(x, from, to, thr), "scalar, seed=" + seed);
    }
  }

  @Test
  void shapeErrorsNameTheValues() {
    float[] a = new float[10];
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DenseKernels.multTransB(a, 1, 2, a, 0, 1, 5, new float[2]));
    assertEquals("a too small: rows [1, 3) x dim 5 need length >= 15, got 10", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> DenseKernels.multTransB(a, 0, 2, a, 0, 2, 5, new float[3]));
    assertEquals("out too small: expected >= 2 x 2 = 4, got 3", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DenseKernels.dot(a, 6, a, 0, 5));
  }
}
