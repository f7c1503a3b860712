package io.graphcf.propagation;

/**
 * Package-private sparse × dense kernels: they only compute, {@link Propagation} checks shapes.
 * All matrices are flat row-major {@code float[]} with row stride {@code dim}.
 */
final class SparseKernels {
  private SparseKernels() {}

  /** out[r,:] = Σ_p w[p] · x[idx[p],:] for rows r in [from, to). */
  static void gather(int[] ptr, int[] idx, float[] w, float[] x, int dim, float[] out, int from, int to) {
    for (int r = from; r < to; r++) {
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
  }
}
