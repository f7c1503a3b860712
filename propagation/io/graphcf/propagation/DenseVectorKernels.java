package io.graphcf.propagation;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD kernel behind {@link DenseKernels#multTransB}, written with the JDK 17 incubating Vector
 * API (the classic GEMM micro-kernel of Goto and van de Geijn, "Anatomy of high-performance matrix
 * multiplication", TOMS 2008, on a column-major packing of B). B is packed in micro-panels of
 * {@code NR = 2·L} rows (16 with AVX2's L = 8), each stored k-major
 * ({@code micro[(blk·dim + k)·NR + lane] = b[blk·NR + lane, k]}, zero-padded past the last row);
 * a 4 × NR tile of C lives in eight vector registers while k runs, so each k costs two vector loads,
 * four broadcasts and eight fused multiply-adds, and C is stored once. Column panels of
 * {@link #PANEL_COLS} rows of B (128 KiB at dim 64) are swept by every row tile of A while they sit
 * in L2. Only {@link DenseKernels} loads this class, and only when {@code jdk.incubator.vector} is
 * present.
 */
final class DenseVectorKernels {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** Rows of B per micro-panel (two vectors). */
  static final int NR = 2 * L;
  /** Rows of A per register tile. */
  private static final int MR = 4;

  private DenseVectorKernels() {}

  /** Whether the preferred species is wide enough to beat the scalar kernel. */
  static boolean usable() {
    return L >= 4;
  }

  /** Rows of B per cache panel: about 32 Ki floats, a multiple of NR. */
  static int panelCols(int dim) {
    int cols = Math.max(NR, Math.min(1024, (1 << 15) / Math.max(1, dim)));
    return cols / NR * NR;
  }

  /** Floats needed to pack {@code nB} rows of {@code dim}: whole micro-panels. */
  static long packedLength(int nB, int dim) {
    return (long) ((nB + NR - 1) / NR) * NR * dim;
  }

  /**
   * Packs rows {@code [row0, row0 + nB)} of {@code b} into {@code dst} from float {@code dstOff}:
   * {@code dst[dstOff + (blk·dim + k)·NR + lane] = b[(row0 + blk·NR + lane)·dim + k]}, zero past
   * {@code nB}.
   */
  static void pack(float[] b, int row0, int nB, int dim, float[] dst, int dstOff) {
    int blocks = (nB + NR - 1) / NR;
    for (int blk = 0; blk < blocks; blk++) {
      int base = dstOff + blk * dim * NR;
      for (int lane = 0; lane < NR; lane++) {
        int j = blk * NR + lane;
        if (j < nB) {
          int bb = (row0 + j) * dim;
          for (int k = 0; k < dim; k++) {
            dst[base + k * NR + lane] = b[bb + k];
          }
        } else {
          for (int k = 0; k < dim; k++) {
            dst[base + k * NR + lane] = 0f;
          }
        }
      }
    }
  }

  /**
   * {@code out[i·outStride + col0 + j] = Σ_k a[(aRow0 + i)·dim + k] · B[j, k]} for {@code i < nA},
   * {@code j < nB}, with B packed by {@link #pack} at {@code micro[microOff ..]}. {@code tile} is
   * scratch of at least {@code MR·NR} floats for the ragged last micro-panel.
   */
  static void product(float[] a, int aRow0, int nA, float[] micro, int microOff, int nB, int dim, float[] out,
      int outStride, int col0, float[] tile) {
    int panel = panelCols(dim);
    for (int p0 = 0; p0 < nB; p0 += panel) {
      int pEnd = Math.min(nB, p0 + panel);
      int i = 0;
      for (; i + MR <= nA; i += MR) {
        for (int j = p0; j < pEnd; j += NR) {
          tile4(a, (aRow0 + i) * dim, dim, micro, microOff + j * dim, out, i * outStride + col0 + j, outStride,
              Math.min(NR, nB - j), tile);
        }
      }
      for (; i < nA; i++) {
        for (int j = p0; j < pEnd; j += NR) {
          tile1(a, (aRow0 + i) * dim, dim, micro, microOff + j * dim, out, i * outStride + col0 + j,
              Math.min(NR, nB - j), tile);
        }
      }
    }
  }

  /** A 4 × NR tile: c_rj = Σ_k a_rk · b_jk, eight accumulators in registers; {@code cols} valid columns. */
  private static void tile4(float[] a, int a0, int dim, float[] micro, int m0, float[] out, int o0, int stride,
      int cols, float[] tile) {
    int a1 = a0 + dim;
    int a2 = a1 + dim;
    int a3 = a2 + dim;
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S);
    FloatVector c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S);
    FloatVector c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S);
    FloatVector c31 = FloatVector.zero(S);
    // c_rj += a_rk · b_jk for k = 0..dim-1 (two vectors of b per k, four broadcasts of a)
    for (int k = 0; k < dim; k++) {
      int m = m0 + k * NR;
      FloatVector b0 = FloatVector.fromArray(S, micro, m);
      FloatVector b1 = FloatVector.fromArray(S, micro, m + L);
      FloatVector x = FloatVector.broadcast(S, a[a0 + k]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, a[a1 + k]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, a[a2 + k]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, a[a3 + k]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
    }
    if (cols == NR) {
      c00.intoArray(out, o0);
      c01.intoArray(out, o0 + L);
      c10.intoArray(out, o0 + stride);
      c11.intoArray(out, o0 + stride + L);
      c20.intoArray(out, o0 + 2 * stride);
      c21.intoArray(out, o0 + 2 * stride + L);
      c30.intoArray(out, o0 + 3 * stride);
      c31.intoArray(out, o0 + 3 * stride + L);
    } else {
      c00.intoArray(tile, 0);
      c01.intoArray(tile, L);
      c10.intoArray(tile, NR);
      c11.intoArray(tile, NR + L);
      c20.intoArray(tile, 2 * NR);
      c21.intoArray(tile, 2 * NR + L);
      c30.intoArray(tile, 3 * NR);
      c31.intoArray(tile, 3 * NR + L);
      for (int r = 0; r < MR; r++) {
        System.arraycopy(tile, r * NR, out, o0 + r * stride, cols);
      }
    }
  }

  /** A 1 × NR tile for the rows left over after the 4-row tiles. */
  private static void tile1(float[] a, int a0, int dim, float[] micro, int m0, float[] out, int o0, int cols,
      float[] tile) {
    FloatVector c0 = FloatVector.zero(S);
    FloatVector c1 = FloatVector.zero(S);
    // c_j += a_k · b_jk
    for (int k = 0; k < dim; k++) {
      int m = m0 + k * NR;
      FloatVector x = FloatVector.broadcast(S, a[a0 + k]);
      c0 = x.fma(FloatVector.fromArray(S, micro, m), c0);
      c1 = x.fma(FloatVector.fromArray(S, micro, m + L), c1);
    }
    if (cols == NR) {
      c0.intoArray(out, o0);
      c1.intoArray(out, o0 + L);
    } else {
      c0.intoArray(tile, 0);
      c1.intoArray(tile, L);
      System.arraycopy(tile, 0, out, o0, cols);
    }
  }

  /** The first {@code i} in {@code [from, to)} with {@code x[i] > thr}, or {@code to}; four vectors per step. */
  static int firstAbove(float[] x, int from, int to, float thr) {
    int i = from;
    for (; i + 4 * L <= to; i += 4 * L) {
      VectorMask<Float> m0 = FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, thr);
      VectorMask<Float> m1 = FloatVector.fromArray(S, x, i + L).compare(VectorOperators.GT, thr);
      VectorMask<Float> m2 = FloatVector.fromArray(S, x, i + 2 * L).compare(VectorOperators.GT, thr);
      VectorMask<Float> m3 = FloatVector.fromArray(S, x, i + 3 * L).compare(VectorOperators.GT, thr);
      if (m0.or(m1).or(m2.or(m3)).anyTrue()) {
        break;
      }
    }
    for (; i < to; i++) {
      if (x[i] > thr) {
        return i;
      }
    }
    return to;
  }
}
