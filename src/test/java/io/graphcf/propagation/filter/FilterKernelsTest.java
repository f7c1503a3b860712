package io.graphcf.propagation.filter;

import static io.graphcf.propagation.filter.DenseFilterReference.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.graphcf.graph.CsrMatrix;
import io.graphcf.graph.Interactions;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The binary walk of GF-CF's linear term ({@link FilterKernels#walkBinary} + {@link FilterKernels#addScaled})
 * against r·G with a dense G = R̃ᵀR̃, and the low-rank product over item ranges against a triple loop.
 */
class FilterKernelsTest {

  @Test
  void binaryWalkEqualsDenseLinearFilter() {
    int[][] shapes = {{30, 20}, {17, 41}, {9, 7}, {40, 129}, {1, 3}};
    for (int t = 0; t < shapes.length; t++) {
      long seed = 101 + t;
      Interactions g = DenseFilterReference.randomGraph(seed, shapes[t][0], shapes[t][1], 0.15);
      DenseFilterReference ref = new DenseFilterReference(g);
      int n = g.numUsers();
      int m = g.numItems();
      CsrMatrix ui = g.userItems();
      CsrMatrix iu = g.itemUsers();
      float[] itemScale = FilterKernels.invSqrtDegrees(iu.rowPtr(), m);
      float[] userScale = FilterKernels.invDegrees(ui.rowPtr(), n);
      float[] scratchT = new float[n];
      int[] touched = new int[n];
      float[] acc = new float[m];
      float[] out = new float[2 * m];
      for (int u = 0; u < n; u++) {
        // out[m..2m) starts at 1 and must become 1 + r_u G; acc must come back all zero
        java.util.Arrays.fill(out, 1f);
        FilterKernels.walkBinary(iu.rowPtr(), iu.colIdx(), ui.rowPtr(), ui.colIdx(), itemScale, userScale,
            ui.colIdx(), ui.rowPtr()[u], ui.rowPtr()[u + 1], scratchT, touched, acc);
        FilterKernels.addScaled(acc, itemScale, m, out, m);
        double[] e = DenseFilterReference.times(ref.r[u], ref.g);
        for (int j = 0; j < m; j++) {
          e[j] += 1.0;
          assertEquals(0f, acc[j], "acc not cleared, seed=" + seed + " user=" + u + " item=" + j);
          assertEquals(1f, out[j], "wrote outside the row, seed=" + seed + " user=" + u);
        }
        for (int v = 0; v < n; v++) {
          assertEquals(0f, scratchT[v], "t not cleared, seed=" + seed + " user=" + u);
        }
        assertClose(e, out, m, 1e-5, "seed=" + seed + " shape=" + n + "x" + m + " user=" + u);
      }
    }
  }

  @Test
  void lowRankItemRangesMatchTripleLoop() {
    boolean[] modes = LowRankScores.simdAvailable() ? new boolean[] {true, false} : new boolean[] {false};
    SplittableRandom r = new SplittableRandom(9);
    for (boolean simd : modes) {
      for (int m : new int[] {17, 50, 100}) {
        for (int k : new int[] {1, 7, 33}) {
          int nb = 6;
          float[] p = new float[nb * k];
          float[] w = new float[m * k];
          for (int q = 0; q < p.length; q++) {
            p[q] = (float) r.nextGaussian();
          }
          for (int q = 0; q < w.length; q++) {
            w[q] = (float) r.nextGaussian();
          }
          LowRankScores lr = new LowRankScores(w, m, k, simd);
          for (int from = 0; from < m; from += LowRankScores.PANEL) {
            for (int to : new int[] {from, Math.min(m, from + 5), Math.min(m, from + 16), m}) {
              int width = to - from;
              int stride = width + 3;
              float[] out = new float[2 + nb * stride];
              java.util.Arrays.fill(out, 42f);
              lr.multiply(p, nb, from, to, out, 2, stride);
              for (int b = 0; b < nb; b++) {
                for (int j = 0; j < stride; j++) {
                  int o = 2 + b * stride + j;
                  if (j >= width) {
                    assertEquals(42f, out[o], "simd=" + simd + " wrote past the range at b=" + b + " j=" + j);
                    continue;
                  }
                  double e = 0;
                  for (int c = 0; c < k; c++) {
                    e += (double) p[b * k + c] * w[(from + j) * k + c];
                  }
                  assertEquals(e, out[o], 1e-5 * (1 + Math.sqrt(k)), "simd=" + simd + " m=" + m + " k=" + k
                      + " range=[" + from + "," + to + ") at (" + b + ", " + (from + j) + ")");
                }
              }
              assertEquals(42f, out[0]);
              assertEquals(42f, out[1]);
            }
          }
        }
      }
    }
  }
}
