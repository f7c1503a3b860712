package io.graphcf.propagation.spectral;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD micro-kernels behind {@link SmallDense} (JDK 17 incubating Vector API, loaded only when
 * {@code jdk.incubator.vector} is present): a chunk of rows already converted to double times a small
 * matrix, and a chunk's Gram matrix. Both keep a 4 × 8 tile of the result in eight 4-lane
 * registers over the reduction: per step two vector loads, four broadcasts, eight FMAs.
 */
final class SmallDenseVector {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_256;

  private SmallDenseVector() {}

  static boolean usable() {
    return S.length() == 4;
  }

  /**
   * out rows [row0, row0 + rows) (c columns, float) = yd (rows × l) · m (l × c); with {@code upper}
   * m is upper triangular, so column j needs only a ≤ j. {@code tile} has ≥ 8 doubles.
   */
  static void times(double[] yd, int rows, int l, double[] m, int c, boolean upper, float[] out, int row0,
      double[] tile) {
    int cMain = c & ~7;
    for (int j0 = 0; j0 < cMain; j0 += 8) {
      int aEnd = upper ? Math.min(l, j0 + 8) : l;
      int r = 0;
      for (; r + 4 <= rows; r += 4) {
        int y0 = r * l;
        int y1 = y0 + l;
        int y2 = y1 + l;
        int y3 = y2 + l;
        DoubleVector c00 = DoubleVector.zero(S);
        DoubleVector c01 = DoubleVector.zero(S);
        DoubleVector c10 = DoubleVector.zero(S);
        DoubleVector c11 = DoubleVector.zero(S);
        DoubleVector c20 = DoubleVector.zero(S);
        DoubleVector c21 = DoubleVector.zero(S);
        DoubleVector c30 = DoubleVector.zero(S);
        DoubleVector c31 = DoubleVector.zero(S);
        // out[r..r+4, j0..j0+8) = Σ_a y[r,a] · m[a, j0..j0+8)
        for (int a = 0; a < aEnd; a++) {
          int mb = a * c + j0;
          DoubleVector m0 = DoubleVector.fromArray(S, m, mb);
          DoubleVector m1 = DoubleVector.fromArray(S, m, mb + 4);
          DoubleVector x0 = DoubleVector.broadcast(S, yd[y0 + a]);
          c00 = m0.fma(x0, c00);
          c01 = m1.fma(x0, c01);
          DoubleVector x1 = DoubleVector.broadcast(S, yd[y1 + a]);
          c10 = m0.fma(x1, c10);
          c11 = m1.fma(x1, c11);
          DoubleVector x2 = DoubleVector.broadcast(S, yd[y2 + a]);
          c20 = m0.fma(x2, c20);
          c21 = m1.fma(x2, c21);
          DoubleVector x3 = DoubleVector.broadcast(S, yd[y3 + a]);
          c30 = m0.fma(x3, c30);
          c31 = m1.fma(x3, c31);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, 4);
        narrow(tile, out, (row0 + r) * c + j0);
        c10.intoArray(tile, 0);
        c11.intoArray(tile, 4);
        narrow(tile, out, (row0 + r + 1) * c + j0);
        c20.intoArray(tile, 0);
        c21.intoArray(tile, 4);
        narrow(tile, out, (row0 + r + 2) * c + j0);
        c30.intoArray(tile, 0);
        c31.intoArray(tile, 4);
        narrow(tile, out, (row0 + r + 3) * c + j0);
      }
      for (; r < rows; r++) {
        int y0 = r * l;
        DoubleVector c00 = DoubleVector.zero(S);
        DoubleVector c01 = DoubleVector.zero(S);
        for (int a = 0; a < aEnd; a++) {
          int mb = a * c + j0;
          DoubleVector x0 = DoubleVector.broadcast(S, yd[y0 + a]);
          c00 = DoubleVector.fromArray(S, m, mb).fma(x0, c00);
          c01 = DoubleVector.fromArray(S, m, mb + 4).fma(x0, c01);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, 4);
        narrow(tile, out, (row0 + r) * c + j0);
      }
    }
    for (int j = cMain; j < c; j++) {
      int aEnd = upper ? Math.min(l, j + 1) : l;
      for (int r = 0; r < rows; r++) {
        double s = 0;
        int yb = r * l;
        // out[r, j] = Σ_a y[r,a] · m[a,j]
        for (int a = 0; a < aEnd; a++) {
          s += yd[yb + a] * m[a * c + j];
        }
        out[(row0 + r) * c + j] = (float) s;
      }
    }
  }

  /**
   * out[o, o + 8) = (float) tile[0, 8). The vectors are stored into {@code tile} by the caller: a vector
   * handed to a helper C2 leaves out of line (these call sites are cold, the helper over its size limit)
   * is boxed on every call.
   */
  private static void narrow(double[] tile, float[] out, int o) {
    for (int q = 0; q < 8; q++) {
      out[o + q] = (float) tile[q];
    }
  }

  /** Upper triangle (and some harmless entries below it) of g (l × l) += ydᵀ yd over {@code rows} rows. */
  static void gram(double[] yd, int rows, int l, double[] g) {
    int aMain = l & ~3;
    int bMain = l & ~7;
    for (int a0 = 0; a0 < aMain; a0 += 4) {
      for (int b0 = a0 & ~7; b0 < bMain; b0 += 8) {
        DoubleVector c00 = DoubleVector.zero(S);
        DoubleVector c01 = DoubleVector.zero(S);
        DoubleVector c10 = DoubleVector.zero(S);
        DoubleVector c11 = DoubleVector.zero(S);
        DoubleVector c20 = DoubleVector.zero(S);
        DoubleVector c21 = DoubleVector.zero(S);
        DoubleVector c30 = DoubleVector.zero(S);
        DoubleVector c31 = DoubleVector.zero(S);
        // G[a0..a0+4, b0..b0+8) += Σ_r y[r,a] · y[r, b0..b0+8)
        for (int r = 0; r < rows; r++) {
          int rb = r * l;
          DoubleVector v0 = DoubleVector.fromArray(S, yd, rb + b0);
          DoubleVector v1 = DoubleVector.fromArray(S, yd, rb + b0 + 4);
          DoubleVector x0 = DoubleVector.broadcast(S, yd[rb + a0]);
          c00 = v0.fma(x0, c00);
          c01 = v1.fma(x0, c01);
          DoubleVector x1 = DoubleVector.broadcast(S, yd[rb + a0 + 1]);
          c10 = v0.fma(x1, c10);
          c11 = v1.fma(x1, c11);
          DoubleVector x2 = DoubleVector.broadcast(S, yd[rb + a0 + 2]);
          c20 = v0.fma(x2, c20);
          c21 = v1.fma(x2, c21);
          DoubleVector x3 = DoubleVector.broadcast(S, yd[rb + a0 + 3]);
          c30 = v0.fma(x3, c30);
          c31 = v1.fma(x3, c31);
        }
        // written out, not through a helper (see narrow)
        int o0 = a0 * l + b0;
        DoubleVector.fromArray(S, g, o0).add(c00).intoArray(g, o0);
        DoubleVector.fromArray(S, g, o0 + 4).add(c01).intoArray(g, o0 + 4);
        DoubleVector.fromArray(S, g, o0 + 1 * l).add(c10).intoArray(g, o0 + 1 * l);
        DoubleVector.fromArray(S, g, o0 + 1 * l + 4).add(c11).intoArray(g, o0 + 1 * l + 4);
        DoubleVector.fromArray(S, g, o0 + 2 * l).add(c20).intoArray(g, o0 + 2 * l);
        DoubleVector.fromArray(S, g, o0 + 2 * l + 4).add(c21).intoArray(g, o0 + 2 * l + 4);
        DoubleVector.fromArray(S, g, o0 + 3 * l).add(c30).intoArray(g, o0 + 3 * l);
        DoubleVector.fromArray(S, g, o0 + 3 * l + 4).add(c31).intoArray(g, o0 + 3 * l + 4);
      }
      for (int a = a0; a < a0 + 4; a++) {
        gramScalar(yd, rows, l, g, a, Math.max(a, bMain));
      }
    }
    for (int a = aMain; a < l; a++) {
      gramScalar(yd, rows, l, g, a, a);
    }
  }

  /** G[a, b] += Σ_r y[r,a] y[r,b] for b in [bFrom, l). */
  private static void gramScalar(double[] yd, int rows, int l, double[] g, int a, int bFrom) {
    for (int b = bFrom; b < l; b++) {
      double s = 0;
      for (int r = 0; r < rows; r++) {
        s += yd[r * l + a] * yd[r * l + b];
      }
      g[a * l + b] += s;
    }
  }
}
