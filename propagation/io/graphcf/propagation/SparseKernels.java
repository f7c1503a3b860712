package io.graphcf.propagation;

/**
 * Package-private sparse × dense kernels: they only compute, {@link Propagation} checks shapes.
 * All matrices are flat row-major {@code float[]} with row stride {@code dim}; a sparse matrix is a
 * CSR ({@code ptr}, {@code idx}) with per-edge weights {@code w} aligned with {@code idx}.
 *
 * <p>Each entry point runs {@link VectorKernels} (explicit SIMD through {@code jdk.incubator.vector},
 * the row kept in vector registers across its edges) when that module is in the boot layer — every
 * graphcf JVM adds it ({@code --add-modules=jdk.incubator.vector}) — and the product is at least one
 * vector wide, and the scalar code of this class otherwise, or when {@code -Dgraphcf.vector=false}.
 * Both are deterministic: a row's result depends only on the row, never on the row range or thread
 * that computes it.
 *
 * <p>Why not let C2 vectorise the scalar loops: on JDK 17, C2 does not vectorise
 * {@code out[ob+k] += w * x[xb+k]} when the two rows sit at different offsets of arrays that might
 * alias, so the scalar kernel runs at about one element per cycle (measured: identical time with
 * {@code -XX:-UseSuperWord}). On Gowalla with the gathered rows L2-resident, one product takes 41 ms
 * single-threaded with the scalar kernel and 7 ms with the vector kernel (PropagationBench has the
 * full-size comparison).
 */
final class SparseKernels {
  /** Whether the vector kernels run; decided once per JVM. */
  static final boolean VECTOR = vectorAvailable();

  /**
   * The narrowest product the vector kernels take: one vector of floats. A narrower one has no vector
   * work (the vector kernel hands all its columns to the scalar tail), so it runs the scalar kernel
   * directly — the same arithmetic in the same order, the same bits — and the vector kernels are only
   * profiled by the JIT at the widths that use them. (When LightGCL's 5-column SVD products ran through
   * them before training at 64 columns, C2 compiled the gather without its column blocks, deoptimised
   * it, and in some JVMs left a block method's entry at C1 for good, boxing its vectors.)
   */
  static final int VECTOR_MIN_DIM = VECTOR ? VectorKernels.lanes() : Integer.MAX_VALUE;

  private SparseKernels() {}

  private static boolean vectorAvailable() {
    if (!Boolean.parseBoolean(System.getProperty("graphcf.vector", "true"))) {
      return false;
    }
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() && VectorKernels.usable();
  }

  /** out[r,:] = Σ_p w[p] · x[idx[p],:] for rows r in [from, to). */
  static void gather(int[] ptr, int[] idx, float[] w, float[] x, int dim, float[] out, int from, int to) {
    if (dim >= VECTOR_MIN_DIM) {
      VectorKernels.gather(ptr, idx, w, x, dim, out, from, to);
    } else {
      gatherScalar(ptr, idx, w, x, dim, out, from, to);
    }
  }

  /** out[rows[j],:] = Σ_p w[p] · x[idx[p],:] for the listed rows, j in [from, to). */
  static void gatherRows(int[] ptr, int[] idx, float[] w, float[] x, int dim, float[] out,
      int[] rows, int from, int to) {
    if (dim >= VECTOR_MIN_DIM) {
      VectorKernels.gatherRows(ptr, idx, w, x, dim, out, rows, from, to);
    } else {
      gatherRowsScalar(ptr, idx, w, x, dim, out, rows, from, to);
    }
  }

  /** Rows [from, to) of the gather into {@code block}: row r lands at {@code (r − from)·dim}. */
  static void gatherBlock(int[] ptr, int[] idx, float[] w, float[] x, int dim, int from, int to, float[] block) {
    if (dim >= VECTOR_MIN_DIM) {
      VectorKernels.gatherBlock(ptr, idx, w, x, dim, from, to, block);
    } else {
      for (int r = from; r < to; r++) {
        gatherRowScalarAt(ptr, idx, w, x, dim, r, block, (r - from) * dim, 0, dim);
      }
    }
  }

  /**
   * out[idx[p],:] += w[p] · x[s,:] for every edge p of every source row s = src[j], j in [0, n), whose
   * target idx[p] lies in [lo, hi): the transpose product restricted to the source rows, pushed along
   * the source rows' edges. Target ranges split the work between threads without atomics; each
   * output row receives its contributions in the same order whatever the ranges.
   */
  static void scatter(int[] ptr, int[] idx, float[] w, float[] x, int dim, int[] src, int n, float[] out,
      int lo, int hi) {
    if (dim >= VECTOR_MIN_DIM) {
      VectorKernels.scatter(ptr, idx, w, x, dim, src, n, out, lo, hi);
    } else {
      scatterScalar(ptr, idx, w, x, dim, src, n, out, lo, hi, 0, dim);
    }
  }

  /** The first edge of row s at or after {@code ptr[s]} whose target is {@code >= lo} (binary search). */
  static int firstEdgeAtLeast(int[] ptr, int[] idx, int s, int lo) {
    int a = ptr[s];
    int b = ptr[s + 1];
    while (a < b) {
      int m = (a + b) >>> 1;
      if (idx[m] < lo) {
        a = m + 1;
      } else {
        b = m;
      }
    }
    return a;
  }

  // ------------------------------------------------------------------ scalar kernels

  static void gatherScalar(int[] ptr, int[] idx, float[] w, float[] x, int dim, float[] out, int from, int to) {
    for (int r = from; r < to; r++) {
      gatherRowScalar(ptr, idx, w, x, dim, out, r, 0, dim);
    }
  }

  static void gatherRowsScalar(int[] ptr, int[] idx, float[] w, float[] x, int dim, float[] out,
      int[] rows, int from, int to) {
    for (int j = from; j < to; j++) {
      gatherRowScalar(ptr, idx, w, x, dim, out, rows[j], 0, dim);
    }
  }

  /**
   * Columns [c0, c1) of one row: out[r,c] = Σ_p w[p] · x[idx[p],c]. The first 1–4 edges write the
   * row (no zeroing pass), the rest accumulate four edges per pass over the row, so the row is loaded
   * and stored a quarter as often.
   */
  static void gatherRowScalar(int[] ptr, int[] idx, float[] w, float[] x, int dim, float[] out, int r,
      int c0, int c1) {
    gatherRowScalarAt(ptr, idx, w, x, dim, r, out, r * dim, c0, c1);
  }

  /** {@link #gatherRowScalar} with the output row at {@code out[ob ..]} instead of {@code out[r·dim ..]}. */
  static void gatherRowScalarAt(int[] ptr, int[] idx, float[] w, float[] x, int dim, int r, float[] out, int ob,
      int c0, int c1) {
    int p = ptr[r];
    int e = ptr[r + 1];
    int head = (e - p) & 3;
    if (e == p) {
      for (int k = c0; k < c1; k++) {
        out[ob + k] = 0f;
      }
      return;
    }
    if (head == 0) {
      head = 4;
    }
    float w0 = w[p];
    float w1 = head > 1 ? w[p + 1] : 0f;
    float w2 = head > 2 ? w[p + 2] : 0f;
    float w3 = head > 3 ? w[p + 3] : 0f;
    int b0 = idx[p] * dim;
    int b1 = head > 1 ? idx[p + 1] * dim : b0;
    int b2 = head > 2 ? idx[p + 2] * dim : b0;
    int b3 = head > 3 ? idx[p + 3] * dim : b0;
    // out[r,:] = w0·x0 + w1·x1 + w2·x2 + w3·x3 (missing edges have weight 0)
    for (int k = c0; k < c1; k++) {
      out[ob + k] = w0 * x[b0 + k] + w1 * x[b1 + k] + w2 * x[b2 + k] + w3 * x[b3 + k];
    }
    for (p += head; p < e; p += 4) {
      w0 = w[p];
      w1 = w[p + 1];
      w2 = w[p + 2];
      w3 = w[p + 3];
      b0 = idx[p] * dim;
      b1 = idx[p + 1] * dim;
      b2 = idx[p + 2] * dim;
      b3 = idx[p + 3] * dim;
      // out[r,:] += Σ_{q<4} w_q · x_q
      for (int k = c0; k < c1; k++) {
        out[ob + k] += w0 * x[b0 + k] + w1 * x[b1 + k] + w2 * x[b2 + k] + w3 * x[b3 + k];
      }
    }
  }

  /** Columns [c0, c1) of {@link #scatter}. */
  static void scatterScalar(int[] ptr, int[] idx, float[] w, float[] x, int dim, int[] src, int n, float[] out,
      int lo, int hi, int c0, int c1) {
    for (int j = 0; j < n; j++) {
      int s = src[j];
      int xb = s * dim;
      int e = ptr[s + 1];
      for (int p = lo == 0 ? ptr[s] : firstEdgeAtLeast(ptr, idx, s, lo); p < e && idx[p] < hi; p++) {
        float wp = w[p];
        int ob = idx[p] * dim;
        // out[idx[p],:] += w[p] · x[s,:]
        for (int k = c0; k < c1; k++) {
          out[ob + k] += wp * x[xb + k];
        }
      }
    }
  }
}
