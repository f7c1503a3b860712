package io.graphcf.propagation.spectral;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.graphcf.graph.Dataset;
import io.graphcf.graph.Interactions;
import io.graphcf.propagation.NormalizedAdjacency;
import io.graphcf.propagation.Propagation;
import io.graphcf.propagation.Workers;
import io.graphcf.testutil.SharedData;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.junit.jupiter.api.Test;

/**
 * Randomized SVD against EJML's dense SVD of the same R̃: reconstruction error close to the optimal
 * rank-k error (Eckart–Young), orthonormal factors, singular values; never raw singular vectors.
 */
class RandomizedSvdTest {

  /** A random binary users × items graph with some empty rows and columns. */
  static Interactions randomGraph(long seed, int users, int items, double density) {
    SplittableRandom r = new SplittableRandom(seed);
    int cap = users * items;
    int[] us = new int[cap];
    int[] is = new int[cap];
    int n = 0;
    for (int u = 0; u < users; u++) {
      if (u % 7 == 3) {
        continue; // isolated user
      }
      for (int i = 0; i < items; i++) {
        if (i % 11 != 5 && r.nextDouble() < density) {
          us[n] = u;
          is[n] = i;
          n++;
        }
      }
    }
    return Interactions.fromPairs(users, items, us, is, n);
  }

  /** Dense R̃ from the kernel weights. */
  static DMatrixRMaj dense(NormalizedAdjacency a) {
    DMatrixRMaj d = new DMatrixRMaj(a.numUsers(), a.numItems());
    int[] ptr = a.graph().userItems().rowPtr();
    int[] idx = a.graph().userItems().colIdx();
    float[] w = a.userWeights();
    for (int u = 0; u < a.numUsers(); u++) {
      for (int p = ptr[u]; p < ptr[u + 1]; p++) {
        d.set(u, idx[p], w[p]);
      }
    }
    return d;
  }

  /** Singular values of a dense matrix, descending. */
  static double[] denseSingularValues(DMatrixRMaj m) {
    SingularValueDecomposition_F64<DMatrixRMaj> svd =
        DecompositionFactory_DDRM.svd(m.numRows, m.numCols, false, false, true);
    assertTrue(svd.decompose(m.copy()));
    double[] s = svd.getSingularValues().clone();
    java.util.Arrays.sort(s);
    double[] d = new double[Math.min(m.numRows, m.numCols)];
    for (int k = 0; k < d.length; k++) {
      d[k] = k < s.length ? s[s.length - 1 - k] : 0.0;
    }
    return d;
  }

  static double reconstructionError(DMatrixRMaj r, TruncatedSvd svd) {
    int n = r.numRows;
    int m = r.numCols;
    int k = svd.rank();
    double err = 0;
    for (int u = 0; u < n; u++) {
      for (int i = 0; i < m; i++) {
        double x = 0;
        for (int c = 0; c < k; c++) {
          x += (double) svd.u()[u * k + c] * svd.s()[c] * svd.v()[i * k + c];
        }
        double d = r.get(u, i) - x;
        err += d * d;
      }
    }
    return Math.sqrt(err);
  }

  static double orthonormalityError(float[] f, int rows, int k) {
    double worst = 0;
    for (int a = 0; a < k; a++) {
      for (int b = 0; b < k; b++) {
        double dot = 0;
        for (int r = 0; r < rows; r++) {
          dot += (double) f[r * k + a] * f[r * k + b];
        }
        worst = Math.max(worst, Math.abs(dot - (a == b ? 1 : 0)));
      }
    }
    return worst;
  }

  @Test
  void matchesDenseSvdOnRandomGraphs() {
    int[][] shapes = {{40, 30}, {33, 129}, {129, 33}, {70, 70}, {25, 60}};
    int[] ranks = {1, 3, 5, 7, 12};
    try (Workers w = Workers.create(2)) {
      for (int t = 0; t < shapes.length; t++) {
        long seed = 100 + t;
        int users = shapes[t][0];
        int items = shapes[t][1];
        int rank = ranks[t];
        NormalizedAdjacency a = NormalizedAdjacency.of(randomGraph(seed, users, items, 0.15), 3);
        DMatrixRMaj r = dense(a);
        double[] sigma = denseSingularValues(r);
        double optimal = 0;
        for (int k = rank; k < sigma.length; k++) {
          optimal += sigma[k] * sigma[k];
        }
        optimal = Math.sqrt(optimal);
        TruncatedSvd svd = RandomizedSvd.compute(a, rank, 6, 10, seed, w);
        String ctx = "seed=" + seed + " shape=" + users + "x" + items + " rank=" + rank;
        double err = reconstructionError(r, svd);
        // Eckart–Young: err >= optimal; with 6 power iterations we stay within 1 % of it.
        assertTrue(err >= optimal - 1e-5, ctx + ": err " + err + " below optimal " + optimal);
        assertTrue(err <= optimal * 1.01 + 1e-5, ctx + ": err " + err + " vs optimal " + optimal);
        assertTrue(orthonormalityError(svd.u(), users, rank) < 1e-5, ctx + ": U not orthonormal");
        assertTrue(orthonormalityError(svd.v(), items, rank) < 1e-5, ctx + ": V not orthonormal");
        for (int k = 0; k < rank; k++) {
          assertEquals(sigma[k], svd.s()[k], 1e-3 * sigma[0], ctx + ": sigma_" + k);
          if (k > 0) {
            assertTrue(svd.s()[k] <= svd.s()[k - 1], ctx + ": not descending at " + k);
          }
        }
      }
    }
  }

  @Test
  void exactForLowRankInputAndWholeSpectrum() {
    // rank + oversample covers min(n, m): the factorisation is exact (Householder fallback on the
    // rank-deficient iterate included, since the isolated rows/columns make R̃ rank deficient).
    try (Workers w = Workers.create(1)) {
      NormalizedAdjacency a = NormalizedAdjacency.of(randomGraph(7, 20, 14, 0.3), 2);
      DMatrixRMaj r = dense(a);
      TruncatedSvd svd = RandomizedSvd.compute(a, 14, 0, 10, 7, w);
      assertEquals(0.0, reconstructionError(r, svd), 1e-5);
      double[] sigma = denseSingularValues(r);
      for (int k = 0; k < 14; k++) {
        assertEquals(sigma[k], svd.s()[k], 1e-5, "sigma_" + k);
      }
    }
  }

  @Test
  void rankDeficientTinyGraphWithAnEmptyRow() {
    // Users 0:{0,1}, 1:{1,2}, 2:{}; item 3 isolated. d_u = (2,2,0), d_i = (1,2,1,0):
    // R̃ = [[1/√2, 1/2, 0, 0], [0, 1/2, 1/√2, 0], [0, 0, 0, 0]], rank 2. R̃R̃ᵀ's non-zero block is
    // [[3/4, 1/4], [1/4, 3/4]], eigenvalues 1 and 1/2, so σ = (1, 1/√2, 0). Asking for rank 3 =
    // min(numUsers, numItems) with oversampling and power iterations drives every iterate rank
    // deficient (a zero column after each product); the factors must stay orthonormal and exact.
    Interactions g = Interactions.fromPairs(3, 4, new int[] {0, 0, 1, 1}, new int[] {0, 1, 1, 2}, 4);
    try (Workers w = Workers.create(2)) {
      for (int q = 0; q <= 3; q++) {
        for (int rank = 1; rank <= 3; rank++) {
          NormalizedAdjacency a = NormalizedAdjacency.of(g, 2);
          TruncatedSvd svd = RandomizedSvd.compute(a, rank, q, 10, 11 + q, w);
          double[] sigma = {1.0, Math.sqrt(0.5), 0.0};
          for (int k = 0; k < rank; k++) {
            assertEquals(sigma[k], svd.s()[k], 1e-5, "q=" + q + " rank=" + rank + " sigma_" + k);
          }
          assertEquals(0.0, orthonormalityError(svd.u(), 3, rank), 1e-5, "U, q=" + q + " rank=" + rank);
          assertEquals(0.0, orthonormalityError(svd.v(), 4, rank), 1e-5, "V, q=" + q + " rank=" + rank);
          double optimal = rank >= 2 ? 0.0 : Math.sqrt(0.5);
          assertEquals(optimal, reconstructionError(dense(a), svd), 1e-5, "q=" + q + " rank=" + rank);
        }
      }
      // an all-empty graph: every singular value is 0 and the factors are still orthonormal
      NormalizedAdjacency empty = NormalizedAdjacency.of(Interactions.fromPairs(3, 2, new int[0], new int[0], 0), 1);
      TruncatedSvd z = RandomizedSvd.compute(empty, 2, 2, 3, 5, w);
      assertArrayEquals(new float[] {0f, 0f}, z.s());
      assertEquals(0.0, orthonormalityError(z.u(), 3, 2), 1e-5, "U of the empty graph");
      assertEquals(0.0, orthonormalityError(z.v(), 2, 2), 1e-5, "V of the empty graph");
    }
  }

  @Test
  void deterministicAcrossThreadCounts() {
    NormalizedAdjacency a1 = NormalizedAdjacency.of(randomGraph(3, 300, 200, 0.05), 1);
    NormalizedAdjacency a3 = NormalizedAdjacency.of(randomGraph(3, 300, 200, 0.05), 3);
    try (Workers w1 = Workers.create(1); Workers w3 = Workers.create(3)) {
      TruncatedSvd x = RandomizedSvd.compute(a1, 8, 2, 5, 42, w1);
      TruncatedSvd y = RandomizedSvd.compute(a3, 8, 2, 5, 42, w3);
      assertArrayEquals(x.s(), y.s(), 1e-5f);
      TruncatedSvd z = RandomizedSvd.compute(a1, 8, 2, 5, 42, w1);
      assertArrayEquals(x.u(), z.u());
      assertArrayEquals(x.v(), z.v());
    }
  }

  @Test
  void applyMatchesDenseFactorProducts() {
    try (Workers w = Workers.create(2)) {
      NormalizedAdjacency a = NormalizedAdjacency.of(randomGraph(11, 90, 70, 0.1), 2);
      TruncatedSvd svd = RandomizedSvd.compute(a, 5, 3, 10, 11, w);
      int dim = 7;
      SplittableRandom rnd = new SplittableRandom(5);
      float[] items = new float[70 * dim];
      float[] users = new float[90 * dim];
      for (int k = 0; k < items.length; k++) {
        items[k] = (float) rnd.nextGaussian();
      }
      for (int k = 0; k < users.length; k++) {
        users[k] = (float) rnd.nextGaussian();
      }
      float[] outU = new float[90 * dim];
      float[] outI = new float[70 * dim];
      svd.applyUsersFromItems(items, dim, outU, w);
      svd.applyItemsFromUsers(users, dim, outI, w);
      int k = svd.rank();
      // (U S Vᵀ X)[u,d] = Σ_i Σ_c U[u,c] S[c] V[i,c] X[i,d], a plain quadruple loop
      for (int u = 0; u < 90; u++) {
        for (int d = 0; d < dim; d++) {
          double x = 0;
          for (int i = 0; i < 70; i++) {
            for (int c = 0; c < k; c++) {
              x += (double) svd.u()[u * k + c] * svd.s()[c] * svd.v()[i * k + c] * items[i * dim + d];
            }
          }
          assertEquals(x, outU[u * dim + d], 1e-4, "users row " + u + " col " + d);
        }
      }
      for (int i = 0; i < 70; i++) {
        for (int d = 0; d < dim; d++) {
          double x = 0;
          for (int u = 0; u < 90; u++) {
            for (int c = 0; c < k; c++) {
              x += (double) svd.v()[i * k + c] * svd.s()[c] * svd.u()[u * k + c] * users[u * dim + d];
            }
          }
          assertEquals(x, outI[i * dim + d], 1e-4, "items row " + i + " col " + d);
        }
      }
    }
  }

  @Test
  void rejectsBadArguments() {
    NormalizedAdjacency a = NormalizedAdjacency.of(randomGraph(1, 10, 8, 0.3), 1);
    try (Workers w = Workers.create(1)) {
      assertThrows(IllegalArgumentException.class, () -> RandomizedSvd.compute(a, 0, 1, 10, 1, w));
      assertThrows(IllegalArgumentException.class, () -> RandomizedSvd.compute(a, 9, 1, 10, 1, w));
      assertThrows(IllegalArgumentException.class, () -> RandomizedSvd.compute(a, 3, -1, 10, 1, w));
      assertThrows(IllegalArgumentException.class, () -> RandomizedSvd.compute(a, 3, 1, -1, 1, w));
    }
  }

  /**
   * Gowalla's R̃: the top singular value is exactly 1 (singular vectors √d_u, √d_i), and the next
   * two agree with a plain subspace (power) iteration on R̃ᵀR̃ run to convergence. Gowalla's spectrum
   * is flat at the top (σ₅ ≈ 0.95), so a few power iterations are not enough at rank 3: with q = 4
   * σ₁ comes out ≈ 0.98; with q = 20 it is within 1e-4.
   */
  @Test
  void gowallaTopSingularValuesMatchPowerIteration() {
    Dataset d = SharedData.load("gowalla");
    try (Workers w = Workers.create(Workers.defaultThreads())) {
      NormalizedAdjacency a = NormalizedAdjacency.of(d.train(), 2 * w.threads());
      TruncatedSvd svd = RandomizedSvd.compute(a, 3, 20, 10, 2020, w);
      double[] power = powerIteration(a, 8, 120, w);
      assertEquals(1.0, svd.s()[0], 1e-4);
      for (int k = 0; k < 3; k++) {
        assertEquals(power[k], svd.s()[k], 1e-3, "sigma_" + k);
      }
    }
  }

  /**
   * Orthogonal iteration on R̃ᵀR̃ with k vectors (Gram–Schmidt each step), then Rayleigh–Ritz: the
   * singular values are √ of the eigenvalues of (R̃X)ᵀ(R̃X) for the final orthonormal X (EJML's
   * symmetric eigen-solver), descending.
   */
  static double[] powerIteration(NormalizedAdjacency a, int k, int iters, Workers w) {
    int m = a.numItems();
    int n = a.numUsers();
    float[] x = new float[m * k];
    SplittableRandom rnd = new SplittableRandom(9);
    for (int t = 0; t < x.length; t++) {
      x[t] = (float) rnd.nextGaussian();
    }
    float[] y = new float[n * k];
    for (int it = 0; it < iters; it++) {
      gramSchmidt(x, m, k);
      Propagation.usersFromItems(a, x, k, y, w);
      Propagation.itemsFromUsers(a, y, k, x, w);
    }
    gramSchmidt(x, m, k);
    Propagation.usersFromItems(a, x, k, y, w);
    DMatrixRMaj g = new DMatrixRMaj(k, k);
    for (int c = 0; c < k; c++) {
      for (int d = 0; d < k; d++) {
        double s = 0;
        for (int u = 0; u < n; u++) {
          s += (double) y[u * k + c] * y[u * k + d];
        }
        g.set(c, d, s);
      }
    }
    org.ejml.interfaces.decomposition.EigenDecomposition_F64<DMatrixRMaj> eig =
        DecompositionFactory_DDRM.eig(k, false, true);
    assertTrue(eig.decompose(g));
    double[] sigma = new double[k];
    for (int c = 0; c < k; c++) {
      sigma[c] = Math.sqrt(Math.max(0, eig.getEigenvalue(c).getReal()));
    }
    java.util.Arrays.sort(sigma);
    for (int c = 0; c < k / 2; c++) {
      double t = sigma[c];
      sigma[c] = sigma[k - 1 - c];
      sigma[k - 1 - c] = t;
    }
    return sigma;
  }

  static void gramSchmidt(float[] x, int rows, int k) {
    for (int c = 0; c < k; c++) {
      for (int p = 0; p < c; p++) {
        double dot = 0;
        for (int r = 0; r < rows; r++) {
          dot += (double) x[r * k + c] * x[r * k + p];
        }
        for (int r = 0; r < rows; r++) {
          x[r * k + c] -= (float) (dot * x[r * k + p]);
        }
      }
      double norm = 0;
      for (int r = 0; r < rows; r++) {
        norm += (double) x[r * k + c] * x[r * k + c];
      }
      norm = Math.sqrt(norm);
      for (int r = 0; r < rows; r++) {
        x[r * k + c] /= (float) norm;
      }
    }
  }
}
