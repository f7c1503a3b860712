package io.graphcf.propagation.filter;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD micro-kernel of {@link LowRankScores}, written with the JDK 17 incubating Vector API;
 * loaded only when {@code jdk.incubator.vector} is present. Eight accumulators (4 users × 2 vectors
 * of 8 items) stay in registers over the k loop: per c, two panel loads, four broadcasts, eight FMAs
 * (a 6 × 2 tile measured slower: 15 against 22 GFMA/s CPU time at k = 256, probably register spills).
 */
final class LowRankVector {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
  private static final int PANEL = LowRankScores.PANEL;

  private LowRankVector() {}

  static boolean usable() {
    return S.length() * 2 == PANEL;
  }

  static void multiply(float[] p, int nb, int k, float[] packed, int numItems, float[] out) {
    int panels = (numItems + PANEL - 1) / PANEL;
    float[] tail = new float[4 * PANEL];
    for (int pn = 0; pn < panels; pn++) {
      int pb = pn * k * PANEL;
      int j0 = pn * PANEL;
      boolean full = j0 + PANEL <= numItems;
      int b = 0;
      for (; b + 4 <= nb; b += 4) {
        int q0 = b * k;
        int q1 = q0 + k;
        int q2 = q1 + k;
        int q3 = q2 + k;
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S);
        FloatVector a11 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S);
        FloatVector a21 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S);
        FloatVector a31 = FloatVector.zero(S);
        // out[b..b+4, j0..j0+16) = Σ_c p[b,c] · W[j,c]
        for (int c = 0; c < k; c++) {
          int wb = pb + c * PANEL;
          FloatVector w0 = FloatVector.fromArray(S, packed, wb);
          FloatVector w1 = FloatVector.fromArray(S, packed, wb + 8);
          FloatVector x0 = FloatVector.broadcast(S, p[q0 + c]);
          a00 = w0.fma(x0, a00);
          a01 = w1.fma(x0, a01);
          FloatVector x1 = FloatVector.broadcast(S, p[q1 + c]);
          a10 = w0.fma(x1, a10);
          a11 = w1.fma(x1, a11);
          FloatVector x2 = FloatVector.broadcast(S, p[q2 + c]);
          a20 = w0.fma(x2, a20);
          a21 = w1.fma(x2, a21);
          FloatVector x3 = FloatVector.broadcast(S, p[q3 + c]);
          a30 = w0.fma(x3, a30);
          a31 = w1.fma(x3, a31);
        }
        if (full) {
          int o = b * numItems + j0;
          a00.intoArray(out, o);
          a01.intoArray(out, o + 8);
          o += numItems;
          a10.intoArray(out, o);
          a11.intoArray(out, o + 8);
          o += numItems;
          a20.intoArray(out, o);
          a21.intoArray(out, o + 8);
          o += numItems;
          a30.intoArray(out, o);
          a31.intoArray(out, o + 8);
        } else {
          a00.intoArray(tail, 0);
          a01.intoArray(tail, 8);
          a10.intoArray(tail, 16);
          a11.intoArray(tail, 24);
          a20.intoArray(tail, 32);
          a21.intoArray(tail, 40);
          a30.intoArray(tail, 48);
          a31.intoArray(tail, 56);
          for (int u = 0; u < 4; u++) {
            System.arraycopy(tail, u * PANEL, out, (b + u) * numItems + j0, numItems - j0);
          }
        }
      }
      for (; b < nb; b++) {
        int q0 = b * k;
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = FloatVector.zero(S);
        for (int c = 0; c < k; c++) {
          int wb = pb + c * PANEL;
          FloatVector x0 = FloatVector.broadcast(S, p[q0 + c]);
          a00 = FloatVector.fromArray(S, packed, wb).fma(x0, a00);
          a01 = FloatVector.fromArray(S, packed, wb + 8).fma(x0, a01);
        }
        if (full) {
          a00.intoArray(out, b * numItems + j0);
          a01.intoArray(out, b * numItems + j0 + 8);
        } else {
          a00.intoArray(tail, 0);
          a01.intoArray(tail, 8);
          System.arraycopy(tail, 0, out, b * numItems + j0, numItems - j0);
        }
      }
    }
  }
}
