package io.graphcf.propagation;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD sparse × dense kernels behind {@link SparseKernels}, written with the JDK 17 incubating
 * Vector API. A gathered row is built in registers: for {@code dim = 8·L} (64 floats with AVX2's
 * L = 8) eight accumulators hold the whole output row while the row's edges stream past, so each
 * edge costs eight loads and eight fused multiply-adds and the output row is stored once. Other dims
 * are covered by column blocks of 8, 4 and 1 vectors and a scalar tail. Only
 * {@link SparseKernels} loads this class, and only when {@code jdk.incubator.vector} is present.
 */
final class VectorKernels {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private VectorKernels() {}

  /** Floats per vector of the preferred species. */
  static int lanes() {
    return L;
  }

  /** Whether the preferred species is wide enough to beat the scalar kernel. */
  static boolean usable() {
    return L >= 4;
  }

  static void gather(int[] ptr, int[] idx, float[] w, float[] x, int dim, float[] out, int from, int to) {
    for (int r = from; r < to; r++) {
      gatherRow(ptr, idx, w, x, dim, out, r);
    }
  }

  static void gatherRows(int[] ptr, int[] idx, float[] w, float[] x, int dim, float[] out,
      int[] rows, int from, int to) {
    for (int j = from; j < to; j++) {
      gatherRow(ptr, idx, w, x, dim, out, rows[j]);
    }
  }

  /** out[r,:] = Σ_p w[p] · x[idx[p],:], column block by column block. */
  static void gatherRow(int[] ptr, int[] idx, float[] w, float[] x, int dim, float[] out, int r) {
    gatherRowAt(ptr, idx, w, x, dim, r, out, r * dim);
  }

  /** Rows [from, to) into {@code block}, row r at {@code (r − from)·dim}. */
  static void gatherBlock(int[] ptr, int[] idx, float[] w, float[] x, int dim, int from, int to, float[] block) {
    for (int r = from; r < to; r++) {
      gatherRowAt(ptr, idx, w, x, dim, r, block, (r - from) * dim);
    }
  }

  /** out[ob .. ob+dim) = Σ_p w[p] · x[idx[p],:] over the edges of row r. */
  static void gatherRowAt(int[] ptr, int[] idx, float[] w, float[] x, int dim, int r, float[] out, int ob) {
    int p0 = ptr[r];
    int e = ptr[r + 1];
    int c = 0;
    for (; c + 8 * L <= dim; c += 8 * L) {
      block8(idx, w, x, dim, out, p0, e, ob, c);
    }
    if (c + 4 * L <= dim) {
      block4(idx, w, x, dim, out, p0, e, ob, c);
      c += 4 * L;
    }
    for (; c + L <= dim; c += L) {
      block1(idx, w, x, dim, out, p0, e, ob, c);
    }
    if (c < dim) {
      SparseKernels.gatherRowScalarAt(ptr, idx, w, x, dim, r, out, ob, c, dim);
    }
  }

  /** Columns [c, c + 8L) of one row, accumulated in eight vector registers. */
  private static void block8(int[] idx, float[] w, float[] x, int dim, float[] out, int p0, int e, int ob, int c) {
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector a4 = a0;
    FloatVector a5 = a0;
    FloatVector a6 = a0;
    FloatVector a7 = a0;
    // a = Σ_p w[p] · x[idx[p], c .. c+8L)
    for (int p = p0; p < e; p++) {
      FloatVector wv = FloatVector.broadcast(S, w[p]);
      int b = idx[p] * dim + c;
      a0 = FloatVector.fromArray(S, x, b).fma(wv, a0);
      a1 = FloatVector.fromArray(S, x, b + L).fma(wv, a1);
      a2 = FloatVector.fromArray(S, x, b + 2 * L).fma(wv, a2);
      a3 = FloatVector.fromArray(S, x, b + 3 * L).fma(wv, a3);
      a4 = FloatVector.fromArray(S, x, b + 4 * L).fma(wv, a4);
      a5 = FloatVector.fromArray(S, x, b + 5 * L).fma(wv, a5);
      a6 = FloatVector.fromArray(S, x, b + 6 * L).fma(wv, a6);
      a7 = FloatVector.fromArray(S, x, b + 7 * L).fma(wv, a7);
    }
    int o = ob + c;
    a0.intoArray(out, o);
    a1.intoArray(out, o + L);
    a2.intoArray(out, o + 2 * L);
    a3.intoArray(out, o + 3 * L);
    a4.intoArray(out, o + 4 * L);
    a5.intoArray(out, o + 5 * L);
    a6.intoArray(out, o + 6 * L);
    a7.intoArray(out, o + 7 * L);
  }

  /** Columns [c, c + 4L) of one row in four vector registers. */
  private static void block4(int[] idx, float[] w, float[] x, int dim, float[] out, int p0, int e, int ob, int c) {
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    // a = Σ_p w[p] · x[idx[p], c .. c+4L)
    for (int p = p0; p < e; p++) {
      FloatVector wv = FloatVector.broadcast(S, w[p]);
      int b = idx[p] * dim + c;
      a0 = FloatVector.fromArray(S, x, b).fma(wv, a0);
      a1 = FloatVector.fromArray(S, x, b + L).fma(wv, a1);
      a2 = FloatVector.fromArray(S, x, b + 2 * L).fma(wv, a2);
      a3 = FloatVector.fromArray(S, x, b + 3 * L).fma(wv, a3);
    }
    int o = ob + c;
    a0.intoArray(out, o);
    a1.intoArray(out, o + L);
    a2.intoArray(out, o + 2 * L);
    a3.intoArray(out, o + 3 * L);
  }

  /** Columns [c, c + L) of one row in one vector register. */
  private static void block1(int[] idx, float[] w, float[] x, int dim, float[] out, int p0, int e, int ob, int c) {
    FloatVector a0 = FloatVector.zero(S);
    // a = Σ_p w[p] · x[idx[p], c .. c+L)
    for (int p = p0; p < e; p++) {
      a0 = FloatVector.fromArray(S, x, idx[p] * dim + c).fma(FloatVector.broadcast(S, w[p]), a0);
    }
    a0.intoArray(out, ob + c);
  }

  /** out[idx[p],:] += w[p] · x[s,:] along the edges of the source rows s = src[0..n) with targets in [lo, hi). */
  static void scatter(int[] ptr, int[] idx, float[] w, float[] x, int dim, int[] src, int n, float[] out,
      int lo, int hi) {
    int vdim = dim - dim % L;
    for (int j = 0; j < n; j++) {
      int s = src[j];
      int xb = s * dim;
      int e = ptr[s + 1];
      for (int p = lo == 0 ? ptr[s] : SparseKernels.firstEdgeAtLeast(ptr, idx, s, lo); p < e && idx[p] < hi; p++) {
        FloatVector wv = FloatVector.broadcast(S, w[p]);
        int ob = idx[p] * dim;
        // out[idx[p],:] += w[p] · x[s,:]
        for (int c = 0; c < vdim; c += L) {
          FloatVector.fromArray(S, x, xb + c).fma(wv, FloatVector.fromArray(S, out, ob + c)).intoArray(out, ob + c);
        }
      }
    }
    if (vdim < dim) {
      SparseKernels.scatterScalar(ptr, idx, w, x, dim, src, n, out, lo, hi, vdim, dim);
    }
  }
}
