package io.graphcf.propagation.lightgcn;

import io.graphcf.graph.CsrMatrix;
import io.graphcf.graph.Interactions;
import java.util.SplittableRandom;

/**
 * An independent double-precision LightGCN reference for tests: Â as a dense (users + items) square
 * matrix, E = 1/(K+1) Σ_k Â^k E⁰ by repeated dense products, and the batch loss written out term by term.
 */
final class DenseLightGcn {
  final int numUsers;
  final int numItems;
  final int n;
  final double[][] a;

  DenseLightGcn(Interactions g) {
    numUsers = g.numUsers();
    numItems = g.numItems();
    n = numUsers + numItems;
    a = new double[n][n];
    CsrMatrix ui = g.userItems();
    for (int u = 0; u < numUsers; u++) {
      for (int p = ui.rowPtr()[u]; p < ui.rowPtr()[u + 1]; p++) {
        int i = ui.colIdx()[p];
        // Â[u, U+i] = 1 / sqrt(d_u d_i)
        double w = 1.0 / Math.sqrt((double) ui.degree(u) * g.itemUsers().degree(i));
        a[u][numUsers + i] = w;
        a[numUsers + i][u] = w;
      }
    }
  }

  /** E⁰ of a trainer, users then items, as doubles. */
  static double[] ego(LightGcnTrainer t, int dim) {
    double[] e = new double[(t.numUsers() + t.numItems()) * dim];
    float[] eu = t.egoUsers();
    float[] ei = t.egoItems();
    for (int k = 0; k < eu.length; k++) {
      e[k] = eu[k];
    }
    for (int k = 0; k < ei.length; k++) {
      e[eu.length + k] = ei[k];
    }
    return e;
  }

  /** E = 1/(K+1) Σ_{k=0..K} Â^k E⁰ (n × dim). */
  double[] finalEmbeddings(double[] e0, int dim, int layers) {
    double[] cur = e0.clone();
    double[] sum = e0.clone();
    for (int l = 1; l <= layers; l++) {
      double[] next = new double[cur.length];
      for (int r = 0; r < n; r++) {
        for (int c = 0; c < n; c++) {
          double w = a[r][c];
          if (w != 0) {
            for (int k = 0; k < dim; k++) {
              next[r * dim + k] += w * cur[c * dim + k];
            }
          }
        }
      }
      cur = next;
      for (int k = 0; k < sum.length; k++) {
        sum[k] += cur[k];
      }
    }
    for (int k = 0; k < sum.length; k++) {
      sum[k] /= layers + 1;
    }
    return sum;
  }

  /** mean_b softplus(e_u·e_j − e_u·e_i) + decay · ½ Σ_b (‖e⁰_u‖² + ‖e⁰_i‖² + ‖e⁰_j‖²) / B. */
  double loss(double[] e0, int dim, int layers, int[] us, int[] is, int[] js, int b, double decay) {
    double[] f = finalEmbeddings(e0, dim, layers);
    double bpr = 0;
    double reg = 0;
    for (int t = 0; t < b; t++) {
      int u = us[t];
      int i = numUsers + is[t];
      int j = numUsers + js[t];
      double x = 0;
      for (int k = 0; k < dim; k++) {
        x += f[u * dim + k] * (f[j * dim + k] - f[i * dim + k]);
        reg += e0[u * dim + k] * e0[u * dim + k] + e0[i * dim + k] * e0[i * dim + k] + e0[j * dim + k] * e0[j * dim + k];
      }
      bpr += Math.log1p(Math.exp(x));
    }
    return bpr / b + decay * 0.5 * reg / b;
  }

  /** A random graph with some isolated users and items. */
  static Interactions randomGraph(int numUsers, int numItems, double density, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int cap = numUsers * numItems;
    int[] us = new int[cap];
    int[] is = new int[cap];
    int m = 0;
    for (int u = 0; u < numUsers - 1; u++) { // the last user stays isolated
      for (int i = 0; i < numItems - 1; i++) { // the last item stays isolated
        if (r.nextDouble() < density) {
          us[m] = u;
          is[m++] = i;
        }
      }
    }
    return Interactions.fromPairs(numUsers, numItems, us, is, m);
  }
}
