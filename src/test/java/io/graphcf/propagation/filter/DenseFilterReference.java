package io.graphcf.propagation.filter;

import io.graphcf.graph.Interactions;
import java.util.SplittableRandom;

/**
 * Independent dense double-precision references for the graph filters: R, R̃, G = R̃ᵀR̃ and
 * P = D_I^-1/2 V̄V̄ᵀ D_I^1/2 as full matrices, multiplied by plain triple loops.
 */
final class DenseFilterReference {
  final int n;
  final int m;
  final double[][] r;
  final double[][] g;
  double[][] p;

  DenseFilterReference(Interactions train) {
    n = train.numUsers();
    m = train.numItems();
    r = new double[n][m];
    int[] du = new int[n];
    int[] di = new int[m];
    int[] ptr = train.userItems().rowPtr();
    int[] idx = train.userItems().colIdx();
    for (int u = 0; u < n; u++) {
      for (int q = ptr[u]; q < ptr[u + 1]; q++) {
        r[u][idx[q]] = 1;
        du[u]++;
        di[idx[q]]++;
      }
    }
    double[][] rt = new double[n][m];
    for (int u = 0; u < n; u++) {
      for (int i = 0; i < m; i++) {
        rt[u][i] = r[u][i] == 0 ? 0 : 1.0 / Math.sqrt((double) du[u] * di[i]);
      }
    }
    // G[i][j] = Σ_u R̃[u][i] R̃[u][j]
    g = new double[m][m];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        double s = 0;
        for (int u = 0; u < n; u++) {
          s += rt[u][i] * rt[u][j];
        }
        g[i][j] = s;
      }
    }
    this.di = di;
  }

  private final int[] di;

  /** P[i][j] = d_i^-1/2 Σ_c V̄[i][c] V̄[j][c] d_j^1/2 (0 for isolated items). */
  void lowPass(float[] vbar, int k) {
    p = new double[m][m];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        double s = 0;
        for (int c = 0; c < k; c++) {
          s += (double) vbar[i * k + c] * vbar[j * k + c];
        }
        double li = di[i] == 0 ? 0 : 1.0 / Math.sqrt(di[i]);
        double rj = di[j] == 0 ? 0 : Math.sqrt(di[j]);
        p[i][j] = li * s * rj;
      }
    }
  }

  /** x · M for a row vector x and an m × m matrix. */
  static double[] times(double[] x, double[][] mat) {
    int m = x.length;
    double[] y = new double[m];
    for (int i = 0; i < m; i++) {
      if (x[i] == 0) {
        continue;
      }
      for (int j = 0; j < m; j++) {
        y[j] += x[i] * mat[i][j];
      }
    }
    return y;
  }

  /** A random binary users × items graph with isolated users and items. */
  static Interactions randomGraph(long seed, int users, int items, double density) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] us = new int[users * items];
    int[] is = new int[users * items];
    int nnz = 0;
    for (int u = 0; u < users; u++) {
      if (u % 9 == 4) {
        continue;
      }
      for (int i = 0; i < items; i++) {
        if (i % 13 != 6 && rnd.nextDouble() < density) {
          us[nnz] = u;
          is[nnz] = i;
          nnz++;
        }
      }
    }
    return Interactions.fromPairs(users, items, us, is, nnz);
  }

  /** Asserts |a − b| ≤ tol·(1 + |b|) elementwise, naming the position. */
  static void assertClose(double[] expected, float[] actual, int off, double tol, String ctx) {
    for (int j = 0; j < expected.length; j++) {
      double e = expected[j];
      double d = Math.abs(actual[off + j] - e);
      if (d > tol * (1 + Math.abs(e))) {
        throw new AssertionError(ctx + ": item " + j + " expected " + e + " got " + actual[off + j]);
      }
    }
  }
}
