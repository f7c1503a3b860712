package io.graphcf.propagation.filter;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD micro-kernel of {@link LowRankScores}, written with the JDK 17 incubating Vector API;
 * loaded only when {@code jdk.incubator.vector} is present. Eight accumulators (4 users × 2 vectors
 * of 8 items) stay in registers over the k loop: per c, two panel loads, four broadcasts, eight FMAs
 * (a 6 × 2 tile measured slower: 15 against 22 GFMA/s CPU time at k = 256, probably register spills).
 * Each register tile is its own small method, so that C2 compiles it after a few hundred calls
 * instead of the whole loop nest running interpreted until an on-stack replacement (measured on
 * Gowalla: ≈ 3 s of CPU time lost warming the single big method).
 */
final class LowRankVector {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
  private static final int PANEL = LowRankScores.PANEL;

  private LowRankVector() {}

  static boolean usable() {
    return S.length() * 2 == PANEL;
  }

  /**
   * out[off + b·stride + j − itemFrom] = Σ_c p[b·k + c] · W[j, c] for b < nb and j ∈ [itemFrom, itemTo),
   * W packed in panels of {@link LowRankScores#PANEL} items; itemFrom is a multiple of the panel.
   * {@code tail} is scratch of at least 4 · PANEL floats.
   */
  static void multiply(float[] p, int nb, int k, float[] packed, int itemFrom, int itemTo, float[] out, int off,
      int stride, float[] tail) {
    for (int j0 = itemFrom; j0 < itemTo; j0 += PANEL) {
      int pb = (j0 / PANEL) * k * PANEL;
      int cols = Math.min(PANEL, itemTo - j0);
      int o = off + j0 - itemFrom;
      int b = 0;
      for (; b + 4 <= nb; b += 4) {
        if (cols == PANEL) {
          tile4(p, b * k, k, packed, pb, out, o + b * stride, stride);
        } else {
          tile4(p, b * k, k, packed, pb, tail, 0, PANEL);
          for (int u = 0; u < 4; u++) {
            System.arraycopy(tail, u * PANEL, out, o + (b + u) * stride, cols);
          }
        }
      }
      for (; b < nb; b++) {
        if (cols == PANEL) {
          tile1(p, b * k, k, packed, pb, out, o + b * stride);
        } else {
          tile1(p, b * k, k, packed, pb, tail, 0);
          System.arraycopy(tail, 0, out, o + b * stride, cols);
        }
      }
    }
  }

  /** out[o + r·stride + j] = Σ_c p[q0 + r·k + c] · panel[c, j] for r < 4, j < 16. */
  private static void tile4(float[] p, int q0, int k, float[] packed, int pb, float[] out, int o, int stride) {
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
    a00.intoArray(out, o);
    a01.intoArray(out, o + 8);
    o += stride;
    a10.intoArray(out, o);
    a11.intoArray(out, o + 8);
    o += stride;
    a20.intoArray(out, o);
    a21.intoArray(out, o + 8);
    o += stride;
    a30.intoArray(out, o);
    a31.intoArray(out, o + 8);
  }

  /** out[o + j] = Σ_c p[q0 + c] · panel[c, j] for j < 16. */
  private static void tile1(float[] p, int q0, int k, float[] packed, int pb, float[] out, int o) {
    FloatVector a00 = FloatVector.zero(S);
    FloatVector a01 = FloatVector.zero(S);
    // out[b, j0..j0+16) = Σ_c p[b,c] · W[j,c]
    for (int c = 0; c < k; c++) {
      int wb = pb + c * PANEL;
      FloatVector x0 = FloatVector.broadcast(S, p[q0 + c]);
      a00 = FloatVector.fromArray(S, packed, wb).fma(x0, a00);
      a01 = FloatVector.fromArray(S, packed, wb + 8).fma(x0, a01);
    }
    a00.intoArray(out, o);
    a01.intoArray(out, o + 8);
  }
}
