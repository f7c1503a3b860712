package io.graphcf.index;

import java.util.Arrays;

/**
 * 8-bit scalar quantisation of item vectors for graph traversal (SQ8): per dimension k an offset
 * o_k (mid-range) and a step s_k ((max − min) / 254) fitted on the vectors, and one signed byte
 * c_ik = round((x_ik − o_k) / s_k) ∈ [−127, 127] per coordinate, a quarter of the float row (64
 * bytes, one cache line, for dim 64). The inner product with a float query is asymmetric:
 * q · x_i ≈ Σ_k q_k o_k + Σ_k (q_k s_k) c_ik, so a query is prepared once ({@link #prepare}) and
 * each item costs one byte-row dot product ({@link VectorOps#dotCodes}). Rows added later are
 * encoded with the fitted ranges, clamped. Codes live on the heap; nothing is written to disk (they
 * are re-derived from the vectors, deterministically, in well under a second for 1M × 64).
 */
final class ScalarQuantizer {
  final int dim;
  final float[] offset;
  final float[] step;
  byte[] codes;

  private ScalarQuantizer(int dim, float[] offset, float[] step) {
    this.dim = dim;
    this.offset = offset;
    this.step = step;
  }

  /** Fits the ranges on rows [0, n) of {@code vectors} and encodes them. */
  static ScalarQuantizer fit(float[] vectors, int n, int dim) {
    float[] min = new float[dim];
    float[] max = new float[dim];
    Arrays.fill(min, Float.POSITIVE_INFINITY);
    Arrays.fill(max, Float.NEGATIVE_INFINITY);
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < dim; k++) {
        float x = vectors[i * dim + k];
        min[k] = Math.min(min[k], x);
        max[k] = Math.max(max[k], x);
      }
    }
    float[] offset = new float[dim];
    float[] step = new float[dim];
    for (int k = 0; k < dim; k++) {
      if (n == 0) {
        step[k] = 1f;
        continue;
      }
      offset[k] = (float) (0.5 * ((double) min[k] + max[k]));
      double s = ((double) max[k] - min[k]) / 254.0;
      step[k] = s > 0 ? (float) s : 1f;
    }
    ScalarQuantizer q = new ScalarQuantizer(dim, offset, step);
    q.codes = new byte[Math.multiplyExact(n, dim)];
    for (int i = 0; i < n; i++) {
      q.encode(vectors, i * dim, i);
    }
    return q;
  }

  /** Encodes {@code x[xOff .. xOff + dim)} as row {@code row} (grows the codes if needed). */
  void encode(float[] x, int xOff, int row) {
    long need = (long) (row + 1) * dim;
    if (codes.length < need) {
      codes = Arrays.copyOf(codes, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(need, need * 3 / 2)));
    }
    int base = row * dim;
    for (int k = 0; k < dim; k++) {
      long c = Math.round((x[xOff + k] - offset[k]) / step[k]);
      codes[base + k] = (byte) Math.max(-127, Math.min(127, c));
    }
  }

  /** qq = q ∘ step; returns Σ_k q_k o_k, the constant part of every approximate score. */
  float prepare(float[] q, int qOff, float[] qq) {
    double base = 0;
    for (int k = 0; k < dim; k++) {
      qq[k] = q[qOff + k] * step[k];
      base += (double) q[qOff + k] * offset[k];
    }
    return (float) base;
  }

  /** The approximate q · x_row given {@link #prepare}'s {@code qq} and {@code base}. */
  float score(float[] qq, float base, int row) {
    return base + VectorOps.dotCodes(qq, codes, row * dim, dim);
  }
}
