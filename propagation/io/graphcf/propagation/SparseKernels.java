package io.graphcf.propagation;

/**
 * Package-private sparse × dense kernels: they only compute, {@link Propagation} checks shapes.
 * All matrices are flat row-major {@code float[]} with row stride {@code dim}; a sparse matrix is a
 * CSR ({@code ptr}, {@code idx}) with per-edge weights {@code w} aligned with {@code idx}.
 */
final class SparseKernels {
  private SparseKernels() {}

  /** out[r,:] = Σ_p w[p] · x[idx[p],:] for rows r in [from, to). */
  static void gather(int[] ptr, int[] idx, float[] w, float[] x, int dim, float[] out, int from, int to) {
    for (int r = from; r < to; r++) {
      gatherRow(ptr, idx, w, x, dim, out, r);
    }
  }

  /** out[rows[j],:] = Σ_p w[p] · x[idx[p],:] for the listed rows, j in [from, to). */
  static void gatherRows(int[] ptr, int[] idx, float[] w, float[] x, int dim, float[] out,
      int[] rows, int from, int to) {
    for (int j = from; j < to; j++) {
      gatherRow(ptr, idx, w, x, dim, out, rows[j]);
    }
  }

  /** out[r,:] = Σ_p w[p] · x[idx[p],:] for one row r. */
  static void gatherRow(int[] ptr, int[] idx, float[] w, float[] x, int dim, float[] out, int r) {
    int ob = r * dim;
    for (int k = 0; k < dim; k++) {
      out[ob + k] = 0f;
    }
    for (int p = ptr[r], e = ptr[r + 1]; p < e; p++) {
      float wp = w[p];
      int xb = idx[p] * dim;
      for (int k = 0; k < dim; k++) {
        out[ob + k] += wp * x[xb + k];
      }
    }
  }

  /**
   * out[idx[p],:] += w[p] · x[s,:] for every edge p of every source row s = src[j], j in [0, n):
   * the transpose product restricted to the source rows, pushed along the source rows' edges.
   */
  static void scatter(int[] ptr, int[] idx, float[] w, float[] x, int dim, int[] src, int n, float[] out) {
    for (int j = 0; j < n; j++) {
      int s = src[j];
      int xb = s * dim;
      for (int p = ptr[s], e = ptr[s + 1]; p < e; p++) {
        float wp = w[p];
        int ob = idx[p] * dim;
        for (int k = 0; k < dim; k++) {
          out[ob + k] += wp * x[xb + k];
        }
      }
    }
  }
}
