package io.graphcf.propagation;

/**
 * Dense products of row-major embedding blocks: the workhorse of full-ranking scoring, UltraGCN's
 * negatives and LightGCL's InfoNCE. A public facade that checks shapes and throws with the actual
 * values, over private kernels that only compute.
 *
 * <p>{@link #multTransB} computes {@code C = A · Bᵀ} for row blocks of A and B (both {@code dim}
 * columns). HotSpot C2 (Java 17) vectorises a counted loop only when it has a single store stream
 * and its loads come from distinct arrays, so the large-block kernel is built around exactly that
 * loop: B is packed panel by panel ({@link #PANEL} rows) into a per-thread column-major panel whose
 * columns are separate {@code float[]}s, and each row of A accumulates
 * {@code c[j] += a_k·b_k[j] + a_{k+1}·b_{k+1}[j] + a_{k+2}·b_{k+2}[j] + a_{k+3}·b_{k+3}[j]} over the
 * panel (cache-blocked over B: a panel of {@code 64 × 256} floats is 64 KiB, resident in L2; the
 * accumulator row stays in L1). Small products (few rows of A, where packing would not pay) use a
 * register-blocked 1×4 / 4×4 scalar kernel with independent accumulators over k instead. Floating
 * point sums are grouped differently from a sequential loop, so results agree with it to rounding
 * (relative ~1e-6), not bit for bit; the same shapes always give the same bits.
 */
public final class DenseKernels {
  /** Rows of B packed per panel (the cache block over B). */
  static final int PANEL = 256;
  /** Below this many rows of A the packed kernel does not amortise packing B. */
  static final int PACK_MIN_ROWS = 8;

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private DenseKernels() {}

  /**
   * {@code out[i * nB + j] = dot(a row aRow0 + i, b row bRow0 + j)} for {@code i < nA},
   * {@code j < nB}; rows have {@code dim} floats ({@code a[(aRow0 + i) * dim + k]}). {@code out} is
   * overwritten in {@code [0, nA * nB)}. Thread-safe; scratch is per thread.
   */
  public static void multTransB(float[] a, int aRow0, int nA, float[] b, int bRow0, int nB, int dim, float[] out) {
    checkRows("a", a, aRow0, nA, dim);
    checkRows("b", b, bRow0, nB, dim);
    if ((long) nA * nB > out.length) {
      throw new IllegalArgumentException("out too small: expected >= " + nA + " x " + nB + " = " + (long) nA * nB
          + ", got " + out.length);
    }
    if (nA == 0 || nB == 0) {
      return;
    }
    if (dim == 0) {
      java.util.Arrays.fill(out, 0, nA * nB, 0f);
      return;
    }
    if (nA < PACK_MIN_ROWS || nB < 16) {
      registerBlocked(a, aRow0, nA, b, bRow0, nB, dim, out);
    } else {
      packed(a, aRow0, nA, b, bRow0, nB, dim, out, SCRATCH.get().panel(dim));
    }
  }

  /** {@code Σ_k a[aOff + k] · b[bOff + k]} for {@code k < dim}. */
  public static float dot(float[] a, int aOff, float[] b, int bOff, int dim) {
    if (aOff < 0 || dim < 0 || (long) aOff + dim > a.length) {
      throw new IllegalArgumentException("a range [" + aOff + ", " + ((long) aOff + dim) + ") outside length " + a.length);
    }
    if (bOff < 0 || (long) bOff + dim > b.length) {
      throw new IllegalArgumentException("b range [" + bOff + ", " + ((long) bOff + dim) + ") outside length " + b.length);
    }
    return dotKernel(a, aOff, b, bOff, dim);
  }

  private static void checkRows(String name, float[] x, int row0, int n, int dim) {
    if (row0 < 0 || n < 0 || dim < 0) {
      throw new IllegalArgumentException(name + ": negative row0/rows/dim: row0=" + row0 + ", rows=" + n + ", dim=" + dim);
    }
    long end = ((long) row0 + n) * dim;
    if (end > x.length) {
      throw new IllegalArgumentException(name + " too small: rows [" + row0 + ", " + ((long) row0 + n) + ") x dim " + dim
          + " need length >= " + end + ", got " + x.length);
    }
  }

  /** Four independent partial sums so the adds pipeline instead of waiting on each other. */
  private static float dotKernel(float[] a, int aOff, float[] b, int bOff, int dim) {
    float s0 = 0f;
    float s1 = 0f;
    float s2 = 0f;
    float s3 = 0f;
    int k = 0;
    // Σ_k a_k b_k, four interleaved partial sums
    for (; k + 4 <= dim; k += 4) {
      s0 += a[aOff + k] * b[bOff + k];
      s1 += a[aOff + k + 1] * b[bOff + k + 1];
      s2 += a[aOff + k + 2] * b[bOff + k + 2];
      s3 += a[aOff + k + 3] * b[bOff + k + 3];
    }
    for (; k < dim; k++) {
      s0 += a[aOff + k] * b[bOff + k];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /**
   * Scalar kernel for few rows of A: 4×4 tiles of (A row, B row) pairs with sixteen independent
   * accumulators over k, then 1×4 and 1×1 edges.
   */
  private static void registerBlocked(float[] a, int aRow0, int nA, float[] b, int bRow0, int nB, int dim, float[] out) {
    int i = 0;
    for (; i + 4 <= nA; i += 4) {
      int a0 = (aRow0 + i) * dim;
      int a1 = a0 + dim;
      int a2 = a1 + dim;
      int a3 = a2 + dim;
      int j = 0;
      for (; j + 4 <= nB; j += 4) {
        int b0 = (bRow0 + j) * dim;
        int b1 = b0 + dim;
        int b2 = b1 + dim;
        int b3 = b2 + dim;
        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f;
        float c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f;
        float c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
        // c_ij = Σ_k a_ik b_jk for the 4×4 tile
        for (int k = 0; k < dim; k++) {
          float x0 = a[a0 + k];
          float x1 = a[a1 + k];
          float x2 = a[a2 + k];
          float x3 = a[a3 + k];
          float y0 = b[b0 + k];
          float y1 = b[b1 + k];
          float y2 = b[b2 + k];
          float y3 = b[b3 + k];
          c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
          c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
          c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
          c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
        }
        int o = i * nB + j;
        out[o] = c00; out[o + 1] = c01; out[o + 2] = c02; out[o + 3] = c03;
        o += nB;
        out[o] = c10; out[o + 1] = c11; out[o + 2] = c12; out[o + 3] = c13;
        o += nB;
        out[o] = c20; out[o + 1] = c21; out[o + 2] = c22; out[o + 3] = c23;
        o += nB;
        out[o] = c30; out[o + 1] = c31; out[o + 2] = c32; out[o + 3] = c33;
      }
      for (; j < nB; j++) {
        int bj = (bRow0 + j) * dim;
        out[i * nB + j] = dotKernel(a, a0, b, bj, dim);
        out[(i + 1) * nB + j] = dotKernel(a, a1, b, bj, dim);
        out[(i + 2) * nB + j] = dotKernel(a, a2, b, bj, dim);
        out[(i + 3) * nB + j] = dotKernel(a, a3, b, bj, dim);
      }
    }
    for (; i < nA; i++) {
      int ai = (aRow0 + i) * dim;
      int j = 0;
      for (; j + 4 <= nB; j += 4) {
        int b0 = (bRow0 + j) * dim;
        int b1 = b0 + dim;
        int b2 = b1 + dim;
        int b3 = b2 + dim;
        float c0 = 0f, c1 = 0f, c2 = 0f, c3 = 0f;
        // c_j = Σ_k a_ik b_jk for four rows of B
        for (int k = 0; k < dim; k++) {
          float x = a[ai + k];
          c0 += x * b[b0 + k];
          c1 += x * b[b1 + k];
          c2 += x * b[b2 + k];
          c3 += x * b[b3 + k];
        }
        int o = i * nB + j;
        out[o] = c0;
        out[o + 1] = c1;
        out[o + 2] = c2;
        out[o + 3] = c3;
      }
      for (; j < nB; j++) {
        out[i * nB + j] = dotKernel(a, ai, b, (bRow0 + j) * dim, dim);
      }
    }
  }

  /**
   * Packed kernel: for each panel of {@link #PANEL} rows of B, transpose it into
   * {@code panel[k][jj] = b[(j0 + jj) * dim + k]}, then for each row of A accumulate four columns
   * of the panel at a time into one L1-resident row and copy it to {@code out}.
   */
  private static void packed(float[] a, int aRow0, int nA, float[] b, int bRow0, int nB, int dim, float[] out,
      Scratch s) {
    float[][] panel = s.panel;
    float[] acc = s.acc;
    for (int j0 = 0; j0 < nB; j0 += PANEL) {
      int w = Math.min(PANEL, nB - j0);
      for (int jj = 0; jj < w; jj++) {
        int bb = (bRow0 + j0 + jj) * dim;
        for (int k = 0; k < dim; k++) {
          panel[k][jj] = b[bb + k];
        }
      }
      for (int i = 0; i < nA; i++) {
        int ai = (aRow0 + i) * dim;
        for (int jj = 0; jj < w; jj++) {
          acc[jj] = 0f;
        }
        int k = 0;
        for (; k + 4 <= dim; k += 4) {
          float x0 = a[ai + k];
          float x1 = a[ai + k + 1];
          float x2 = a[ai + k + 2];
          float x3 = a[ai + k + 3];
          float[] p0 = panel[k];
          float[] p1 = panel[k + 1];
          float[] p2 = panel[k + 2];
          float[] p3 = panel[k + 3];
          // c_j += Σ_{k'=k..k+3} a_ik' b_jk' (one store stream, four load streams: C2 vectorises it)
          for (int jj = 0; jj < w; jj++) {
            acc[jj] += x0 * p0[jj] + x1 * p1[jj] + x2 * p2[jj] + x3 * p3[jj];
          }
        }
        for (; k < dim; k++) {
          float x = a[ai + k];
          float[] p = panel[k];
          // c_j += a_ik b_jk
          for (int jj = 0; jj < w; jj++) {
            acc[jj] += x * p[jj];
          }
        }
        System.arraycopy(acc, 0, out, i * nB + j0, w);
      }
    }
  }

  /** Per-thread packing panel and accumulator row, grown to the largest dim seen. */
  private static final class Scratch {
    float[][] panel = new float[0][];
    final float[] acc = new float[PANEL];

    Scratch panel(int dim) {
      if (panel.length < dim) {
        float[][] p = new float[dim][];
        for (int k = 0; k < dim; k++) {
          p[k] = k < panel.length ? panel[k] : new float[PANEL];
        }
        panel = p;
      }
      return this;
    }
  }
}
