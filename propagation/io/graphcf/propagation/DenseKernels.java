package io.graphcf.propagation;

/**
 * Dense products of row-major embedding blocks: the workhorse of full-ranking scoring, UltraGCN's
 * negatives and LightGCL's InfoNCE. A public facade that checks shapes and throws with the actual
 * values, over private kernels that only compute.
 *
 * <p>{@link #multTransB} computes {@code C = A · Bᵀ} for row blocks of A and B (both {@code dim}
 * columns). When {@code jdk.incubator.vector} is present (the graphcf JVM adds it) it runs
 * {@link DenseVectorKernels}: a 4 × 2-vector register-tiled micro-kernel over micro-panels of B
 * (set {@code -Dgraphcf.vector=false} to force the scalar code). The scalar code: HotSpot C2 (Java 17) vectorises a counted loop only when it has a single store stream
 * and its loads come from distinct arrays, so the large-block kernel is built around exactly that
 * loop (and only when its body is small enough for C2 to unroll under the default
 * {@code LoopUnrollLimit}, which rules out more than four k per pass or two store streams): B is
 * packed panel by panel (about {@link #PANEL_FLOATS} floats, e.g. 512 rows at dim 64, resident in
 * L2) into a per-thread column-major panel whose columns are separate {@code float[]}s, and each row
 * of A accumulates {@code c[j] += a_k·b_k[j] + a_{k+1}·b_{k+1}[j] + a_{k+2}·b_{k+2}[j] +
 * a_{k+3}·b_{k+3}[j]} into its own accumulator row; {@link #ROW_TILE} rows of A share each group of
 * four panel columns while it is in L1. Small products (few rows of A, where packing would not pay) use a
 * register-blocked 1×4 / 4×4 scalar kernel with independent accumulators over k instead. Floating
 * point sums are grouped differently from a sequential loop, so results agree with it to rounding
 * (relative ~1e-6), not bit for bit; the same shapes always give the same bits.
 */
public final class DenseKernels {
  /** Floats per packed panel of B (the cache block over B): 128 KiB, resident in L2. */
  static final int PANEL_FLOATS = 1 << 15;
  /** Rows of A that share one pass over a panel; their accumulators (8 × 512 floats) stay in L1. */
  static final int ROW_TILE = 8;
  /** Below this many rows of A the packed kernel does not amortise packing B. */
  static final int PACK_MIN_ROWS = 8;

  /** Whether the vector kernels run; decided once per JVM. */
  static final boolean VECTOR = vectorAvailable();

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private DenseKernels() {}

  private static boolean vectorAvailable() {
    if (!Boolean.parseBoolean(System.getProperty("graphcf.vector", "true"))) {
      return false;
    }
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() && DenseVectorKernels.usable();
  }

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
    multTransBKernel(VECTOR, a, aRow0, nA, b, bRow0, nB, dim, out);
  }

  /** The kernels behind {@link #multTransB}, shapes already checked; {@code vector} picks the SIMD code. */
  static void multTransBKernel(boolean vector, float[] a, int aRow0, int nA, float[] b, int bRow0, int nB, int dim,
      float[] out) {
    if (vector && nA >= 4) {
      Scratch s = SCRATCH.get().micro(dim);
      int cols = DenseVectorKernels.panelCols(dim);
      for (int j0 = 0; j0 < nB; j0 += cols) {
        int w = Math.min(cols, nB - j0);
        DenseVectorKernels.pack(b, bRow0 + j0, w, dim, s.micro, 0);
        DenseVectorKernels.product(a, aRow0, nA, s.micro, 0, w, dim, out, nB, j0, s.tile);
      }
    } else if (nA < PACK_MIN_ROWS || nB < 16) {
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

  /**
   * The first {@code i} in {@code [from, to)} with {@code x[i] > thr}, or {@code to} if there is
   * none ({@code NaN} never qualifies): the scan of top-k selection, SIMD when available.
   */
  public static int firstAbove(float[] x, int from, int to, float thr) {
    if (from < 0 || to > x.length || from > to) {
      throw new IllegalArgumentException("range [" + from + ", " + to + ") outside [0, " + x.length + "]");
    }
    return VECTOR ? DenseVectorKernels.firstAbove(x, from, to, thr) : firstAboveScalar(x, from, to, thr);
  }

  static int firstAboveScalar(float[] x, int from, int to, float thr) {
    for (int i = from; i < to; i++) {
      if (x[i] > thr) {
        return i;
      }
    }
    return to;
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

  /** Panel width for {@code dim}: about {@link #PANEL_FLOATS} floats, a multiple of 8, in [64, 512]. */
  static int panelWidth(int dim) {
    return Math.max(64, Math.min(512, PANEL_FLOATS / dim)) & ~7;
  }

  /**
   * Packed kernel: for each panel of B rows, transpose it into {@code panel[k][jj] = b[(j0 + jj) *
   * dim + k]} and run {@link #panelProduct} on it.
   */
  private static void packed(float[] a, int aRow0, int nA, float[] b, int bRow0, int nB, int dim, float[] out,
      Scratch s) {
    float[][] panel = s.panel;
    int width = s.width;
    for (int j0 = 0; j0 < nB; j0 += width) {
      int w = Math.min(width, nB - j0);
      packPanel(b, bRow0 + j0, w, dim, panel);
      panelProduct(a, aRow0, nA, panel, w, dim, out, nB, j0, s.accs);
    }
  }

  /** {@code panel[k][jj] = b[(row0 + jj) * dim + k]} for {@code jj < w}. */
  private static void packPanel(float[] b, int row0, int w, int dim, float[][] panel) {
    for (int jj = 0; jj < w; jj++) {
      int bb = (row0 + jj) * dim;
      for (int k = 0; k < dim; k++) {
        panel[k][jj] = b[bb + k];
      }
    }
  }

  /**
   * {@code out[i * nB + j0 + jj] = Σ_k a[(aRow0 + i) * dim + k] · panel[k][jj]} for {@code i < nA},
   * {@code jj < w}: for each tile of {@link #ROW_TILE} rows of A and each group of four k, the four
   * L1-resident panel columns stream through every row's L1-resident accumulator.
   */
  private static void panelProduct(float[] a, int aRow0, int nA, float[][] panel, int w, int dim, float[] out,
      int nB, int j0, float[][] accs) {
    for (int i0 = 0; i0 < nA; i0 += ROW_TILE) {
      int rows = Math.min(ROW_TILE, nA - i0);
      for (int r = 0; r < rows; r++) {
        java.util.Arrays.fill(accs[r], 0, w, 0f);
      }
      int k = 0;
      for (; k + 4 <= dim; k += 4) {
        float[] p0 = panel[k];
        float[] p1 = panel[k + 1];
        float[] p2 = panel[k + 2];
        float[] p3 = panel[k + 3];
        for (int r = 0; r < rows; r++) {
          int ai = (aRow0 + i0 + r) * dim + k;
          float x0 = a[ai];
          float x1 = a[ai + 1];
          float x2 = a[ai + 2];
          float x3 = a[ai + 3];
          float[] acc = accs[r];
          // c_ij += Σ_{k'=k..k+3} a_ik' b_jk' (one store stream, distinct load arrays: C2 vectorises it)
          for (int jj = 0; jj < w; jj++) {
            acc[jj] += x0 * p0[jj] + x1 * p1[jj] + x2 * p2[jj] + x3 * p3[jj];
          }
        }
      }
      for (; k < dim; k++) {
        float[] p = panel[k];
        for (int r = 0; r < rows; r++) {
          float x = a[(aRow0 + i0 + r) * dim + k];
          float[] acc = accs[r];
          // c_ij += a_ik b_jk
          for (int jj = 0; jj < w; jj++) {
            acc[jj] += x * p[jj];
          }
        }
      }
      for (int r = 0; r < rows; r++) {
        System.arraycopy(accs[r], 0, out, (i0 + r) * nB + j0, w);
      }
    }
  }

  /**
   * Packs {@code nB} rows of {@code b} (from {@code bRow0}) once, for repeated products against
   * them ({@link #multTransB(float[], int, int, PackedRows, float[])}): a copy, not a view.
   */
  public static PackedRows pack(float[] b, int bRow0, int nB, int dim) {
    checkRows("b", b, bRow0, nB, dim);
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be >= 1, got " + dim);
    }
    return pack(VECTOR, b, bRow0, nB, dim);
  }

  /** {@link #pack(float[], int, int, int)} for the SIMD kernel ({@code vector}) or the scalar one. */
  static PackedRows pack(boolean vector, float[] b, int bRow0, int nB, int dim) {
    if (vector) {
      long len = DenseVectorKernels.packedLength(nB, dim);
      if (len > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("too large to pack: " + nB + " x " + dim);
      }
      float[] micro = new float[(int) len];
      DenseVectorKernels.pack(b, bRow0, nB, dim, micro, 0);
      return new PackedRows(null, micro, nB, dim, 0);
    }
    int width = panelWidth(dim);
    int panels = (nB + width - 1) / width;
    float[][][] p = new float[panels][][];
    for (int q = 0; q < panels; q++) {
      int w = Math.min(width, nB - q * width);
      p[q] = new float[dim][w];
      packPanel(b, bRow0 + q * width, w, dim, p[q]);
    }
    return new PackedRows(p, null, nB, dim, width);
  }

  /**
   * {@code out[i * b.rows() + j] = dot(a row aRow0 + i, packed row j)}: {@link #multTransB(float[],
   * int, int, float[], int, int, int, float[])} without packing B again.
   */
  public static void multTransB(float[] a, int aRow0, int nA, PackedRows b, float[] out) {
    int dim = b.dim;
    int nB = b.rows;
    checkRows("a", a, aRow0, nA, dim);
    if ((long) nA * nB > out.length) {
      throw new IllegalArgumentException("out too small: expected >= " + nA + " x " + nB + " = " + (long) nA * nB
          + ", got " + out.length);
    }
    if (nA == 0 || nB == 0) {
      return;
    }
    if (b.micro != null) {
      DenseVectorKernels.product(a, aRow0, nA, b.micro, 0, nB, dim, out, nB, 0, SCRATCH.get().micro(dim).tile);
      return;
    }
    float[][] accs = SCRATCH.get().panel(dim).accs;
    for (int q = 0; q < b.panels.length; q++) {
      float[][] panel = b.panels[q];
      panelProduct(a, aRow0, nA, panel, panel[0].length, dim, out, nB, q * b.width, accs);
    }
  }

  /**
   * {@code out[i * (bTo - bFrom) + (j - bFrom)] = dot(a row aRow0 + i, packed row j)} for
   * {@code j} in {@code [bFrom, bTo)}: a column range of the product, for callers that consume
   * scores chunk by chunk while they are in cache. {@code bFrom} must be a multiple of
   * {@link PackedRows#chunk()}.
   */
  public static void multTransB(float[] a, int aRow0, int nA, PackedRows b, int bFrom, int bTo, float[] out) {
    int dim = b.dim;
    checkRows("a", a, aRow0, nA, dim);
    if (bFrom < 0 || bTo > b.rows || bFrom > bTo || bFrom % b.chunk != 0) {
      throw new IllegalArgumentException("row range [" + bFrom + ", " + bTo + ") of " + b.rows
          + " packed rows must start at a multiple of " + b.chunk);
    }
    int w = bTo - bFrom;
    if ((long) nA * w > out.length) {
      throw new IllegalArgumentException("out too small: expected >= " + nA + " x " + w + " = " + (long) nA * w
          + ", got " + out.length);
    }
    if (nA == 0 || w == 0) {
      return;
    }
    if (b.micro != null) {
      DenseVectorKernels.product(a, aRow0, nA, b.micro, bFrom * dim, w, dim, out, w, 0, SCRATCH.get().micro(dim).tile);
      return;
    }
    float[][] accs = SCRATCH.get().panel(dim).accs;
    for (int q = bFrom / b.width; q * b.width < bTo; q++) {
      int c0 = q * b.width;
      panelProduct(a, aRow0, nA, b.panels[q], Math.min(b.width, bTo - c0), dim, out, w, c0 - bFrom, accs);
    }
  }

  /** Rows of a matrix packed into column-major panels for {@link #multTransB(float[], int, int, PackedRows, float[])}. */
  public static final class PackedRows {
    /** Scalar layout: panels[q][k][jj] (null for the SIMD layout). */
    final float[][][] panels;
    /** SIMD layout: micro-panels of {@link DenseVectorKernels} (null for the scalar layout). */
    final float[] micro;
    final int rows;
    final int dim;
    final int width;
    final int chunk;

    PackedRows(float[][][] panels, float[] micro, int rows, int dim, int width) {
      this.panels = panels;
      this.micro = micro;
      this.chunk = micro != null ? DenseVectorKernels.panelCols(dim) : width;
      this.rows = rows;
      this.dim = dim;
      this.width = width;
    }

    public int rows() {
      return rows;
    }

    /** Column ranges of a product against these rows start at multiples of this. */
    public int chunk() {
      return chunk;
    }

    public int dim() {
      return dim;
    }
  }

  /** Per-thread packing panel and accumulator rows, sized for the current dim. */
  private static final class Scratch {
    float[][] panel = new float[0][];
    float[][] accs = new float[0][];
    int width;
    int dim = -1;

    float[] micro = new float[0];
    float[] tile;
    int microDim = -1;

    /** Sizes the SIMD packing buffer (one cache panel of B) and the ragged-tile scratch for dim. */
    Scratch micro(int dim) {
      if (dim != microDim) {
        micro = new float[(int) DenseVectorKernels.packedLength(DenseVectorKernels.panelCols(dim), dim)];
        tile = new float[4 * DenseVectorKernels.NR];
        microDim = dim;
      }
      return this;
    }

    Scratch panel(int dim) {
      if (dim != this.dim) {
        width = panelWidth(dim);
        panel = new float[dim][width];
        accs = new float[ROW_TILE][width];
        this.dim = dim;
      }
      return this;
    }
  }
}
