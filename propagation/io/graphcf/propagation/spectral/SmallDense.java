package io.graphcf.propagation.spectral;

import io.graphcf.propagation.Workers;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;

/**
 * Package-private dense kernels for tall-skinny float matrices (n × l, l small) against small double
 * matrices: the Gram matrix, the product with a small matrix, and the orthonormalisation built on
 * them (Cholesky-QR, repeated; Householder QR from EJML as the fallback for nearly rank-deficient
 * input). They only compute; {@link RandomizedSvd} and {@link TruncatedSvd} check shapes.
 * Accumulation is in double; work is split into contiguous row ranges, one per worker.
 */
final class SmallDense {
  /** Rows converted to double per chunk (keeps the chunk and a tile of the Gram in L2). */
  private static final int CHUNK = 64;
  /** Rows of the small matrix per tile. */
  private static final int TILE = 32;
  /** A Cholesky pivot below this fraction of its column's squared norm counts as rank deficiency. */
  private static final double PIVOT_TOL = 1e-10;
  static final boolean VECTOR_AVAILABLE = vectorAvailable();
  /** Whether the SIMD kernels run; tests switch it off to cover the scalar kernels too. */
  static volatile boolean vector = VECTOR_AVAILABLE;

  private static boolean vectorAvailable() {
    try {
      return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() && SmallDenseVector.usable();
    } catch (LinkageError e) {
      return false;
    }
  }

  private SmallDense() {}

  /** g (l × l, full) = yᵀ y for y (n × l, row-major). */
  static void gram(float[] y, int n, int l, double[] g, Workers w) {
    int tasks = Math.max(1, Math.min(w.threads(), n / CHUNK));
    double[][] parts = new double[tasks][];
    w.run(tasks, t -> {
      double[] part = new double[l * l];
      gramRange(y, l, (int) ((long) n * t / tasks), (int) ((long) n * (t + 1) / tasks), part);
      parts[t] = part;
    });
    java.util.Arrays.fill(g, 0, l * l, 0.0);
    for (double[] part : parts) {
      for (int k = 0; k < l * l; k++) {
        g[k] += part[k];
      }
    }
    for (int a = 0; a < l; a++) {
      for (int b = 0; b < a; b++) {
        g[a * l + b] = g[b * l + a];
      }
    }
  }

  /** Upper triangle of g += Σ_{r∈[from,to)} y_rᵀ y_r. */
  private static void gramRange(float[] y, int l, int from, int to, double[] g) {
    double[] yd = new double[CHUNK * l];
    for (int r0 = from; r0 < to; r0 += CHUNK) {
      int rows = Math.min(CHUNK, to - r0);
      int base = r0 * l;
      for (int k = 0; k < rows * l; k++) {
        yd[k] = y[base + k];
      }
      if (vector) {
        SmallDenseVector.gram(yd, rows, l, g);
        continue;
      }
      for (int a0 = 0; a0 < l; a0 += TILE) {
        int a1 = Math.min(l, a0 + TILE);
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
          int rb0 = r * l;
          int rb1 = rb0 + l;
          int rb2 = rb1 + l;
          int rb3 = rb2 + l;
          for (int a = a0; a < a1; a++) {
            double v0 = yd[rb0 + a];
            double v1 = yd[rb1 + a];
            double v2 = yd[rb2 + a];
            double v3 = yd[rb3 + a];
            int ga = a * l;
            // G[a,b] += Σ_{four rows r} y[r,a] · y[r,b] for b >= a
            for (int b = a; b < l; b++) {
              g[ga + b] += v0 * yd[rb0 + b] + v1 * yd[rb1 + b] + v2 * yd[rb2 + b] + v3 * yd[rb3 + b];
            }
          }
        }
        for (; r < rows; r++) {
          int rb = r * l;
          for (int a = a0; a < a1; a++) {
            double v = yd[rb + a];
            int ga = a * l;
            // G[a,b] += y[r,a] · y[r,b] for b >= a
            for (int b = a; b < l; b++) {
              g[ga + b] += v * yd[rb + b];
            }
          }
        }
      }
    }
  }

  /**
   * out (n × c) = y (n × l) · m (l × c, double row-major). With {@code upper}, m is upper triangular
   * and its zero lower part is skipped.
   */
  static void timesSmall(float[] y, int n, int l, double[] m, int c, boolean upper, float[] out, Workers w) {
    int tasks = Math.max(1, Math.min(w.threads(), n / CHUNK));
    w.run(tasks, t -> timesSmallRange(y, l, m, c, upper, out, (int) ((long) n * t / tasks),
        (int) ((long) n * (t + 1) / tasks)));
  }

  private static void timesSmallRange(float[] y, int l, double[] m, int c, boolean upper, float[] out, int from,
      int to) {
    if (vector) {
      double[] yd = new double[CHUNK * l];
      double[] tile = new double[8];
      for (int r0 = from; r0 < to; r0 += CHUNK) {
        int rows = Math.min(CHUNK, to - r0);
        int base = r0 * l;
        for (int k = 0; k < rows * l; k++) {
          yd[k] = y[base + k];
        }
        SmallDenseVector.times(yd, rows, l, m, c, upper, out, r0, tile);
      }
      return;
    }
    double[] acc = new double[TILE * c];
    for (int r0 = from; r0 < to; r0 += TILE) {
      int rows = Math.min(TILE, to - r0);
      java.util.Arrays.fill(acc, 0, rows * c, 0.0);
      for (int a0 = 0; a0 < l; a0 += TILE) {
        int a1 = Math.min(l, a0 + TILE);
        for (int r = 0; r < rows; r++) {
          int yb = (r0 + r) * l;
          int ab = r * c;
          int a = a0;
          for (; a + 4 <= a1; a += 4) {
            double v0 = y[yb + a];
            double v1 = y[yb + a + 1];
            double v2 = y[yb + a + 2];
            double v3 = y[yb + a + 3];
            int mb0 = a * c;
            int mb1 = mb0 + c;
            int mb2 = mb1 + c;
            int mb3 = mb2 + c;
            // out[r,:] += Σ_{four a} y[r,a] · m[a,:]  (upper: m[a,b] = 0 for b < a, so start at the first a)
            for (int b = upper ? a : 0; b < c; b++) {
              acc[ab + b] += v0 * m[mb0 + b] + v1 * m[mb1 + b] + v2 * m[mb2 + b] + v3 * m[mb3 + b];
            }
          }
          for (; a < a1; a++) {
            double v = y[yb + a];
            int mb = a * c;
            // out[r,:] += y[r,a] · m[a,:]
            for (int b = upper ? a : 0; b < c; b++) {
              acc[ab + b] += v * m[mb + b];
            }
          }
        }
      }
      int ob = r0 * c;
      for (int k = 0; k < rows * c; k++) {
        out[ob + k] = (float) acc[k];
      }
    }
  }

  /** out (l × dim) = yᵀ x for y (n × l) and x (n × dim), accumulated in double. */
  static void transTimes(float[] y, int n, int l, float[] x, int dim, double[] out, Workers w) {
    int tasks = Math.max(1, Math.min(w.threads(), n / CHUNK));
    double[][] parts = new double[tasks][];
    w.run(tasks, t -> {
      double[] part = new double[l * dim];
      int from = (int) ((long) n * t / tasks);
      int to = (int) ((long) n * (t + 1) / tasks);
      for (int r = from; r < to; r++) {
        int yb = r * l;
        int xb = r * dim;
        for (int a = 0; a < l; a++) {
          double v = y[yb + a];
          if (v == 0.0) {
            continue;
          }
          int pb = a * dim;
          // out[a,:] += y[r,a] · x[r,:]
          for (int k = 0; k < dim; k++) {
            part[pb + k] += v * x[xb + k];
          }
        }
      }
      parts[t] = part;
    });
    java.util.Arrays.fill(out, 0, l * dim, 0.0);
    for (double[] part : parts) {
      for (int k = 0; k < l * dim; k++) {
        out[k] += part[k];
      }
    }
  }

  /**
   * In-place lower Cholesky factor of g (l × l, symmetric): g = L Lᵀ, the strict upper part zeroed.
   * Returns the smallest ratio L_jj² / G_jj (the part of column j not explained by the previous
   * columns; about 1/κ² of the underlying tall matrix), or -1 when a ratio falls below
   * {@link #PIVOT_TOL} (near rank deficiency).
   */
  static double cholesky(double[] g, int l) {
    double minRatio = 1.0;
    for (int j = 0; j < l; j++) {
      double norm2 = g[j * l + j];
      double d = norm2;
      for (int k = 0; k < j; k++) {
        d -= g[j * l + k] * g[j * l + k];
      }
      if (!(norm2 > 0.0) || !(d > PIVOT_TOL * norm2)) {
        return -1.0;
      }
      minRatio = Math.min(minRatio, d / norm2);
      double ljj = Math.sqrt(d);
      g[j * l + j] = ljj;
      for (int i = j + 1; i < l; i++) {
        double s = g[i * l + j];
        for (int k = 0; k < j; k++) {
          s -= g[i * l + k] * g[j * l + k];
        }
        g[i * l + j] = s / ljj;
      }
      for (int i = 0; i < j; i++) {
        g[i * l + j] = 0.0;
      }
    }
    return minRatio;
  }

  /** (L⁻¹)ᵀ for lower-triangular L (l × l): an upper-triangular matrix. */
  static double[] inverseTransposeLower(double[] lo, int l) {
    double[] inv = new double[l * l];
    // Column c of L⁻¹ solves L x = e_c by forward substitution; x[i] = 0 for i < c.
    for (int c = 0; c < l; c++) {
      for (int i = c; i < l; i++) {
        double s = i == c ? 1.0 : 0.0;
        for (int k = c; k < i; k++) {
          s -= lo[i * l + k] * inv[c * l + k];
        }
        inv[c * l + i] = s / lo[i * l + i];
      }
    }
    // inv holds (L⁻¹)ᵀ row-major already: inv[c*l + i] = L⁻¹[i][c].
    return inv;
  }

  /** c = a · b for upper-triangular l × l matrices. */
  static double[] timesUpper(double[] a, double[] b, int l) {
    double[] c = new double[l * l];
    for (int i = 0; i < l; i++) {
      for (int k = i; k < l; k++) {
        double v = a[i * l + k];
        if (v == 0.0) {
          continue;
        }
        for (int j = k; j < l; j++) {
          c[i * l + j] += v * b[k * l + j];
        }
      }
    }
    return c;
  }

  /**
   * Orthonormalises the columns of y (n × l) in place: y = Q R with Q written back into y and the
   * upper-triangular R (l × l) returned. Cholesky-QR with the Gram in double: one pass leaves
   * ‖QᵀQ − I‖ ≈ 1e-16·κ², so a second pass runs only when the first pass's pivots suggest κ > 1e3;
   * EJML's Householder QR takes over when a pivot reveals near rank deficiency.
   * {@code scratch} has length ≥ n·l.
   */
  static double[] orthonormalize(float[] y, int n, int l, float[] scratch, Workers w) {
    double[] r = null;
    double[] g = new double[l * l];
    for (int pass = 0; pass < 2; pass++) {
      gram(y, n, l, g, w);
      double ratio = cholesky(g, l);
      if (ratio < 0) {
        double[] rp = householder(y, n, l);
        return r == null ? rp : timesUpper(rp, r, l);
      }
      double[] m = inverseTransposeLower(g, l);
      timesSmall(y, n, l, m, l, true, scratch, w);
      System.arraycopy(scratch, 0, y, 0, n * l);
      double[] rp = new double[l * l];
      for (int i = 0; i < l; i++) {
        for (int j = i; j < l; j++) {
          rp[i * l + j] = g[j * l + i];
        }
      }
      r = r == null ? rp : timesUpper(rp, r, l);
      if (ratio > 1e-6) {
        break;
      }
    }
    return r;
  }

  /** EJML Householder QR: y = Q R, Q (thin) written back into y, R returned. */
  static double[] householder(float[] y, int n, int l) {
    DMatrixRMaj m = new DMatrixRMaj(n, l);
    double[] md = m.data;
    for (int k = 0; k < n * l; k++) {
      md[k] = y[k];
    }
    QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(n, l);
    // EJML reports false when a column is already zero below the diagonal (exact rank deficiency);
    // it then skips that reflector, which leaves Q orthonormal and R with a zero pivot, as wanted.
    qr.decompose(m);
    DMatrixRMaj q = qr.getQ(null, true);
    DMatrixRMaj rr = qr.getR(null, true);
    for (int k = 0; k < n * l; k++) {
      y[k] = (float) q.data[k];
    }
    double[] r = new double[l * l];
    System.arraycopy(rr.data, 0, r, 0, l * l);
    return r;
  }
}
