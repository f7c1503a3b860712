package io.graphcf.propagation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.graphcf.graph.Interactions;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The propagation kernels against an independent reference: the dense (users+items)² matrix Â built
 * from the edge list in double precision and multiplied by a plain triple loop, on many seeded random
 * bipartite graphs (empty rows, isolated nodes, odd dims), plus a hand-computed tiny graph.
 */
class PropagationTest {
  private static final int[] DIMS = {1, 3, 7, 33, 64, 129};
  private static final int SEEDS = 40;
  private static Workers one;
  private static Workers two;

  @BeforeAll
  static void pools() {
    one = Workers.create(1);
    two = Workers.create(2);
  }

  @AfterAll
  static void close() {
    one.close();
    two.close();
  }

  // ---------------------------------------------------------------- hand-computed tiny graph

  /**
   * 3 users × 4 items; edges u0–i0, u0–i1, u1–i1, u1–i2; user 2 and item 3 are isolated.
   * Degrees: d(u0)=2, d(u1)=2, d(u2)=0; d(i0)=1, d(i1)=2, d(i2)=1, d(i3)=0. Weights 1/√(d_u d_i):
   * (u0,i0)=1/√2, (u0,i1)=1/2, (u1,i1)=1/2, (u1,i2)=1/√2.
   */
  private static Interactions tiny() {
    return Interactions.fromPairs(3, 4, new int[] {0, 0, 1, 1}, new int[] {0, 1, 1, 2}, 4);
  }

  @Test
  void tinyGraphUsersFromItems() {
    NormalizedAdjacency a = NormalizedAdjacency.of(tiny(), 2);
    float[] items = {1, 0, 2, 1, 3, 2, 4, 3};
    float[] out = new float[3 * 2];
    Propagation.usersFromItems(a, items, 2, out, two);
    double r2 = 1 / Math.sqrt(2);
    // u0 = 1/√2·[1,0] + 1/2·[2,1] = [1.70711, 0.5]
    // u1 = 1/2·[2,1] + 1/√2·[3,2] = [3.12132, 1.91421]
    // u2 = [0, 0] (isolated)
    float[] expected = {(float) (r2 + 1), 0.5f, (float) (1 + 3 * r2), (float) (0.5 + 2 * r2), 0, 0};
    assertArrayEquals(expected, out, 1e-6f);
    assertEquals(1.70711f, out[0], 1e-5f);
    assertEquals(3.12132f, out[2], 1e-5f);
  }

  @Test
  void tinyGraphItemsFromUsers() {
    NormalizedAdjacency a = NormalizedAdjacency.of(tiny(), 2);
    float[] users = {1, 2, 3, 4, 5, 6};
    float[] out = new float[4 * 2];
    java.util.Arrays.fill(out, 99f); // full products overwrite every row, isolated ones with 0
    Propagation.itemsFromUsers(a, users, 2, out, one);
    double r2 = 1 / Math.sqrt(2);
    // i0 = 1/√2·[1,2] = [0.70711, 1.41421]
    // i1 = 1/2·[1,2] + 1/2·[3,4] = [2, 3]
    // i2 = 1/√2·[3,4] = [2.12132, 2.82843]
    // i3 = [0, 0] (isolated); user 2's row [5,6] reaches nobody
    float[] expected = {(float) r2, (float) (2 * r2), 2, 3, (float) (3 * r2), (float) (4 * r2), 0, 0};
    assertArrayEquals(expected, out, 1e-6f);
  }

  @Test
  void tinyGraphRowsAndScatter() {
    NormalizedAdjacency a = NormalizedAdjacency.of(tiny(), 1);
    float[] items = {1, 0, 2, 1, 3, 2, 4, 3};
    float[] out = {-1, -1, -1, -1, -1, -1};
    // only user 1: u1 = [3.12132, 1.91421], users 0 and 2 untouched
    Propagation.usersFromItemsRows(a, items, 2, out, new int[] {1, 77}, 1, two);
    double r2 = 1 / Math.sqrt(2);
    assertArrayEquals(new float[] {-1, -1, (float) (1 + 3 * r2), (float) (0.5 + 2 * r2), -1, -1}, out, 1e-6f);

    // scatter from item 1 only (row [2,1]): u0 += 1/2·[2,1], u1 += 1/2·[2,1], u2 unchanged
    float[] acc = {10, 10, 20, 20, 30, 30};
    Propagation.scatterUsersFromItems(a, items, 2, new int[] {1}, 1, acc);
    assertArrayEquals(new float[] {11, 10.5f, 21, 20.5f, 30, 30}, acc, 1e-6f);

    // scatter from user 0 (row [1,2]): i0 += 1/√2·[1,2], i1 += 1/2·[1,2]; i2, i3 unchanged
    float[] users = {1, 2, 3, 4, 5, 6};
    float[] accI = new float[8];
    Propagation.scatterItemsFromUsers(a, users, 2, new int[] {0}, 1, accI);
    assertArrayEquals(new float[] {(float) r2, (float) (2 * r2), 0.5f, 1, 0, 0, 0, 0}, accI, 1e-6f);
  }

  // ---------------------------------------------------------------- dense reference

  /** A random graph with empty rows and isolated nodes; shapes range from 1 × 1 to ~60 × 60. */
  private static Interactions randomGraph(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int numUsers = 1 + rnd.nextInt(rnd.nextBoolean() ? 8 : 60);
    int numItems = 1 + rnd.nextInt(rnd.nextBoolean() ? 8 : 60);
    double[] densities = {0.0, 0.03, 0.1, 0.4, 0.9};
    double p = densities[rnd.nextInt(densities.length)];
    int cap = numUsers * numItems;
    int[] us = new int[cap];
    int[] is = new int[cap];
    int n = 0;
    int deadUser = rnd.nextInt(numUsers); // always at least one isolated user and item
    int deadItem = rnd.nextInt(numItems);
    for (int u = 0; u < numUsers; u++) {
      for (int i = 0; i < numItems; i++) {
        if (u != deadUser && i != deadItem && rnd.nextDouble() < p) {
          us[n] = u;
          is[n] = i;
          n++;
        }
      }
    }
    return Interactions.fromPairs(numUsers, numItems, us, is, n);
  }

  /** Dense Â of the (users+items) graph in double: Â[u, U+i] = Â[U+i, u] = 1/√(d_u d_i). */
  private static double[][] denseAdjacency(Interactions g) {
    int nu = g.numUsers();
    int ni = g.numItems();
    int n = nu + ni;
    double[][] adj = new double[n][n];
    int[] ptr = g.userItems().rowPtr();
    int[] idx = g.userItems().colIdx();
    for (int u = 0; u < nu; u++) {
      for (int p = ptr[u]; p < ptr[u + 1]; p++) {
        adj[u][nu + idx[p]] = 1;
        adj[nu + idx[p]][u] = 1;
      }
    }
    double[] deg = new double[n];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        deg[r] += adj[r][c];
      }
    }
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        if (adj[r][c] != 0) {
          adj[r][c] /= Math.sqrt(deg[r] * deg[c]);
        }
      }
    }
    return adj;
  }

  /** out[r,:] = Σ_c adj[row0+r][col0+c] · x[c,:] (triple loop), plus |terms| for the tolerance. */
  private static double[][] denseProduct(double[][] adj, int row0, int rows, int col0, int cols, float[] x, int dim) {
    double[] out = new double[rows * dim];
    double[] mag = new double[rows * dim];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        double v = adj[row0 + r][col0 + c];
        for (int k = 0; k < dim; k++) {
          out[r * dim + k] += v * x[c * dim + k];
          mag[r * dim + k] += Math.abs(v * x[c * dim + k]);
        }
      }
    }
    return new double[][] {out, mag};
  }

  private static float[] randomMatrix(SplittableRandom rnd, int rows, int dim) {
    float[] m = new float[rows * dim];
    for (int k = 0; k < m.length; k++) {
      m[k] = (float) (rnd.nextDouble() * 2 - 1);
    }
    return m;
  }

  /** A random subset of [0, n) in random order, written at the front of a longer array. */
  private static int[] randomSubset(SplittableRandom rnd, int n, int[] count) {
    int[] perm = new int[n + 3];
    for (int k = 0; k < n; k++) {
      perm[k] = k;
    }
    for (int k = n - 1; k > 0; k--) {
      int j = rnd.nextInt(k + 1);
      int t = perm[k];
      perm[k] = perm[j];
      perm[j] = t;
    }
    count[0] = rnd.nextInt(n + 1);
    perm[n] = -5; // junk past nRows must be ignored
    return perm;
  }

  private static void assertClose(double[][] ref, float[] got, int rowOffsetInGot, int rows, int dim, int[] onlyRows,
      int nOnly, String what) {
    int checked = onlyRows == null ? rows : nOnly;
    for (int j = 0; j < checked; j++) {
      int r = onlyRows == null ? j : onlyRows[j];
      for (int k = 0; k < dim; k++) {
        double e = ref[0][r * dim + k];
        double tol = 1e-5 * (1 + ref[1][r * dim + k]);
        float g = got[(rowOffsetInGot + r) * dim + k];
        if (!(Math.abs(g - e) <= tol)) {
          fail(what + ": at row " + r + ", k " + k + ": expected " + e + " got " + g + " (tol " + tol + ")");
        }
      }
    }
  }

  @Test
  void fullProductsMatchDenseReference() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      Interactions g = randomGraph(seed);
      double[][] adj = denseAdjacency(g);
      int nu = g.numUsers();
      int ni = g.numItems();
      SplittableRandom rnd = new SplittableRandom(seed * 31 + 7);
      NormalizedAdjacency a = NormalizedAdjacency.of(g, 1 + rnd.nextInt(4));
      for (int dim : DIMS) {
        String shape = "seed " + seed + ", " + g + ", dim " + dim + ", parts " + a.parts();
        float[] items = randomMatrix(rnd, ni, dim);
        float[] users = randomMatrix(rnd, nu, dim);
        float[] outU = randomMatrix(rnd, nu, dim); // stale contents must be overwritten
        float[] outI = randomMatrix(rnd, ni, dim);
        Propagation.usersFromItems(a, items, dim, outU, two);
        Propagation.itemsFromUsers(a, users, dim, outI, two);
        assertClose(denseProduct(adj, 0, nu, nu, ni, items, dim), outU, 0, nu, dim, null, 0, "usersFromItems " + shape);
        assertClose(denseProduct(adj, nu, ni, 0, nu, users, dim), outI, 0, ni, dim, null, 0, "itemsFromUsers " + shape);
      }
    }
  }

  @Test
  void rowVariantsMatchDenseReferenceAndLeaveOtherRows() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      Interactions g = randomGraph(seed);
      double[][] adj = denseAdjacency(g);
      int nu = g.numUsers();
      int ni = g.numItems();
      SplittableRandom rnd = new SplittableRandom(seed * 131 + 3);
      NormalizedAdjacency a = NormalizedAdjacency.of(g, 2);
      for (int dim : DIMS) {
        String shape = "seed " + seed + ", " + g + ", dim " + dim;
        float[] items = randomMatrix(rnd, ni, dim);
        float[] users = randomMatrix(rnd, nu, dim);
        int[] cu = new int[1];
        int[] ci = new int[1];
        int[] ru = randomSubset(rnd, nu, cu);
        int[] ri = randomSubset(rnd, ni, ci);
        float[] outU = randomMatrix(rnd, nu, dim);
        float[] outI = randomMatrix(rnd, ni, dim);
        float[] beforeU = outU.clone();
        float[] beforeI = outI.clone();
        Propagation.usersFromItemsRows(a, items, dim, outU, ru, cu[0], two);
        Propagation.itemsFromUsersRows(a, users, dim, outI, ri, ci[0], two);
        assertClose(denseProduct(adj, 0, nu, nu, ni, items, dim), outU, 0, nu, dim, ru, cu[0],
            "usersFromItemsRows " + shape + ", nRows " + cu[0]);
        assertClose(denseProduct(adj, nu, ni, 0, nu, users, dim), outI, 0, ni, dim, ri, ci[0],
            "itemsFromUsersRows " + shape + ", nRows " + ci[0]);
        assertUntouched(beforeU, outU, ru, cu[0], dim, "usersFromItemsRows " + shape);
        assertUntouched(beforeI, outI, ri, ci[0], dim, "itemsFromUsersRows " + shape);
      }
    }
  }

  private static void assertUntouched(float[] before, float[] after, int[] rows, int n, int dim, String what) {
    boolean[] listed = new boolean[before.length / dim];
    for (int j = 0; j < n; j++) {
      listed[rows[j]] = true;
    }
    for (int r = 0; r < listed.length; r++) {
      if (!listed[r]) {
        for (int k = 0; k < dim; k++) {
          if (Float.floatToRawIntBits(before[r * dim + k]) != Float.floatToRawIntBits(after[r * dim + k])) {
            fail(what + ": unlisted row " + r + ", k " + k + " changed from " + before[r * dim + k] + " to "
                + after[r * dim + k]);
          }
        }
      }
    }
  }

  @Test
  void scattersMatchDenseReferenceOnZeroedSources() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      Interactions g = randomGraph(seed);
      double[][] adj = denseAdjacency(g);
      int nu = g.numUsers();
      int ni = g.numItems();
      SplittableRandom rnd = new SplittableRandom(seed * 17 + 11);
      NormalizedAdjacency a = NormalizedAdjacency.of(g, 1);
      for (int dim : DIMS) {
        int[] cu = new int[1];
        int[] ci = new int[1];
        int[] su = randomSubset(rnd, nu, cu);
        int[] si = randomSubset(rnd, ni, ci);
        String shape = "seed " + seed + ", " + g + ", dim " + dim + ", nSrcUsers " + cu[0] + ", nSrcItems " + ci[0];
        float[] users = randomMatrix(rnd, nu, dim);
        float[] items = randomMatrix(rnd, ni, dim);
        float[] outI = randomMatrix(rnd, ni, dim);
        float[] outU = randomMatrix(rnd, nu, dim);
        float[] baseI = outI.clone();
        float[] baseU = outU.clone();
        if (dim % 2 == 0) { // odd dims run single-threaded, even dims on two workers over target ranges
          Propagation.scatterItemsFromUsers(a, users, dim, su, cu[0], outI, two);
          Propagation.scatterUsersFromItems(a, items, dim, si, ci[0], outU, two);
        } else {
          Propagation.scatterItemsFromUsers(a, users, dim, su, cu[0], outI);
          Propagation.scatterUsersFromItems(a, items, dim, si, ci[0], outU);
        }
        // reference: base + Â-block · (x with the rows outside the source list set to zero)
        double[][] refI = denseProduct(adj, nu, ni, 0, nu, keepRows(users, dim, su, cu[0]), dim);
        double[][] refU = denseProduct(adj, 0, nu, nu, ni, keepRows(items, dim, si, ci[0]), dim);
        addBase(refI, baseI);
        addBase(refU, baseU);
        assertClose(refI, outI, 0, ni, dim, null, 0, "scatterItemsFromUsers " + shape);
        assertClose(refU, outU, 0, nu, dim, null, 0, "scatterUsersFromItems " + shape);
      }
    }
  }

  private static float[] keepRows(float[] x, int dim, int[] rows, int n) {
    float[] y = new float[x.length];
    for (int j = 0; j < n; j++) {
      System.arraycopy(x, rows[j] * dim, y, rows[j] * dim, dim);
    }
    return y;
  }

  private static void addBase(double[][] ref, float[] base) {
    for (int k = 0; k < base.length; k++) {
      ref[0][k] += base[k];
      ref[1][k] += Math.abs(base[k]);
    }
  }

  @Test
  void scatterOfAllRowsEqualsFullProduct() {
    // The backward pass's identity: scattering from every source row is the full transpose product.
    for (long seed = 1; seed <= 10; seed++) {
      Interactions g = randomGraph(seed);
      NormalizedAdjacency a = NormalizedAdjacency.of(g, 2);
      SplittableRandom rnd = new SplittableRandom(seed);
      int dim = 33;
      float[] users = randomMatrix(rnd, g.numUsers(), dim);
      float[] full = new float[g.numItems() * dim];
      float[] scattered = new float[g.numItems() * dim];
      int[] all = new int[g.numUsers()];
      for (int u = 0; u < all.length; u++) {
        all[u] = u;
      }
      Propagation.itemsFromUsers(a, users, dim, full, two);
      Propagation.scatterItemsFromUsers(a, users, dim, all, all.length, scattered);
      for (int k = 0; k < full.length; k++) {
        assertEquals(full[k], scattered[k], 1e-5f * (1 + Math.abs(full[k])), "seed " + seed + ", position " + k);
      }
    }
  }

  // ---------------------------------------------------------------- both implementations

  @Test
  void vectorKernelsRunWhenTheModuleIsPresent() {
    boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    boolean allowed = Boolean.parseBoolean(System.getProperty("graphcf.vector", "true"));
    assertEquals(present && allowed, SparseKernels.VECTOR, "module present " + present + ", allowed " + allowed);
  }

  /** The scalar and the vector kernel each against the dense reference, whichever the facade uses. */
  @Test
  void scalarAndVectorKernelsBothMatchDenseReference() {
    boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    for (long seed = 1; seed <= SEEDS; seed++) {
      Interactions g = randomGraph(seed);
      double[][] adj = denseAdjacency(g);
      int nu = g.numUsers();
      int ni = g.numItems();
      int[] ptr = g.userItems().rowPtr();
      int[] idx = g.userItems().colIdx();
      int[] tptr = g.itemUsers().rowPtr();
      int[] tidx = g.itemUsers().colIdx();
      NormalizedAdjacency a = NormalizedAdjacency.of(g, 1);
      SplittableRandom rnd = new SplittableRandom(seed * 7 + 5);
      for (int dim : new int[] {1, 3, 7, 8, 17, 33, 64, 100, 129}) {
        float[] items = randomMatrix(rnd, ni, dim);
        float[] users = randomMatrix(rnd, nu, dim);
        int[] all = new int[nu];
        for (int u = 0; u < nu; u++) {
          all[u] = u;
        }
        for (int impl = 0; impl < (vector ? 2 : 1); impl++) {
          String shape = (impl == 0 ? "scalar" : "vector") + ", seed " + seed + ", " + g + ", dim " + dim;
          float[] outU = randomMatrix(rnd, nu, dim);
          float[] outI = randomMatrix(rnd, ni, dim);
          if (impl == 0) {
            SparseKernels.gatherScalar(ptr, idx, a.userWeights(), items, dim, outU, 0, nu);
            SparseKernels.scatterScalar(ptr, idx, a.userWeights(), users, dim, all, nu, outI = new float[ni * dim], 0,
                Integer.MAX_VALUE, 0, dim);
          } else {
            VectorKernels.gather(ptr, idx, a.userWeights(), items, dim, outU, 0, nu);
            VectorKernels.scatter(ptr, idx, a.userWeights(), users, dim, all, nu, outI = new float[ni * dim], 0,
                Integer.MAX_VALUE);
          }
          assertClose(denseProduct(adj, 0, nu, nu, ni, items, dim), outU, 0, nu, dim, null, 0, "gather " + shape);
          assertClose(denseProduct(adj, nu, ni, 0, nu, users, dim), outI, 0, ni, dim, null, 0, "scatter " + shape);
          float[] outT = randomMatrix(rnd, ni, dim);
          if (impl == 0) {
            SparseKernels.gatherScalar(tptr, tidx, a.itemWeights(), users, dim, outT, 0, ni);
          } else {
            VectorKernels.gather(tptr, tidx, a.itemWeights(), users, dim, outT, 0, ni);
          }
          assertClose(denseProduct(adj, nu, ni, 0, nu, users, dim), outT, 0, ni, dim, null, 0, "gather R̃ᵀ " + shape);
        }
      }
    }
  }

  /**
   * Below one vector the facade runs the scalar kernels: the vector kernels would compute the same
   * bits (all columns in their scalar tail), so the choice must not change a result.
   */
  @Test
  void narrowProductsRunTheScalarKernelWithTheVectorKernelsBits() {
    assumeTrue(SparseKernels.VECTOR, "jdk.incubator.vector absent or disabled: only the scalar kernels run");
    int lanes = SparseKernels.VECTOR_MIN_DIM;
    assertEquals(VectorKernels.lanes(), lanes);
    for (long seed = 1; seed <= 10; seed++) {
      Interactions g = randomGraph(seed);
      int nu = g.numUsers();
      int ni = g.numItems();
      int[] ptr = g.userItems().rowPtr();
      int[] idx = g.userItems().colIdx();
      NormalizedAdjacency a = NormalizedAdjacency.of(g, 1);
      SplittableRandom rnd = new SplittableRandom(seed);
      int[] all = new int[nu];
      for (int u = 0; u < nu; u++) {
        all[u] = u;
      }
      for (int dim : new int[] {1, lanes / 2 + 1, lanes - 1}) {
        float[] items = randomMatrix(rnd, ni, dim);
        float[] users = randomMatrix(rnd, nu, dim);
        float[] facade = new float[nu * dim];
        float[] vector = new float[nu * dim];
        SparseKernels.gather(ptr, idx, a.userWeights(), items, dim, facade, 0, nu);
        VectorKernels.gather(ptr, idx, a.userWeights(), items, dim, vector, 0, nu);
        assertArrayEquals(vector, facade, "gather, seed " + seed + ", dim " + dim);
        facade = new float[ni * dim];
        vector = new float[ni * dim];
        SparseKernels.scatter(ptr, idx, a.userWeights(), users, dim, all, nu, facade, 0, Integer.MAX_VALUE);
        VectorKernels.scatter(ptr, idx, a.userWeights(), users, dim, all, nu, vector, 0, Integer.MAX_VALUE);
        assertArrayEquals(vector, facade, "scatter, seed " + seed + ", dim " + dim);
      }
    }
  }

  @Test
  void weightedOverloadsUseTheCallersWeights() {
    Interactions g = randomGraph(3);
    NormalizedAdjacency a = NormalizedAdjacency.of(g, 2);
    SplittableRandom rnd = new SplittableRandom(3);
    int dim = 64;
    float[] items = randomMatrix(rnd, g.numItems(), dim);
    float[] users = randomMatrix(rnd, g.numUsers(), dim);
    float[] u1 = new float[users.length];
    float[] u2 = new float[users.length];
    Propagation.usersFromItems(a, items, dim, u1, two);
    Propagation.usersFromItems(a, a.userWeights(), items, dim, u2, two);
    assertArrayEquals(u1, u2, "seed 3, usersFromItems with R̃'s own weights");
    float[] i1 = new float[items.length];
    Propagation.itemsFromUsers(a, new float[g.nnz()], users, dim, i1, two);
    assertArrayEquals(new float[items.length], i1, "seed 3, itemsFromUsers with all-zero weights");
  }

  // ---------------------------------------------------------------- determinism

  @Test
  void threadCountsAndPartitionsGiveIdenticalResults() {
    for (long seed = 100; seed < 110; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      int nu = 200 + rnd.nextInt(300);
      int ni = 100 + rnd.nextInt(300);
      int n = nu * 6;
      int[] us = new int[n];
      int[] is = new int[n];
      for (int k = 0; k < n; k++) {
        us[k] = rnd.nextInt(nu);
        is[k] = (int) (Math.abs(rnd.nextGaussian()) * ni / 4) % ni; // skewed item popularity
      }
      Interactions g = Interactions.fromPairs(nu, ni, us, is, n);
      for (int dim : new int[] {1, 7, 64, 129}) {
        String shape = "seed " + seed + ", " + g + ", dim " + dim;
        float[] items = randomMatrix(rnd, ni, dim);
        float[] users = randomMatrix(rnd, nu, dim);
        float[][] u = new float[3][nu * dim];
        float[][] i = new float[3][ni * dim];
        float[][] ur = new float[3][nu * dim];
        int[] rows = new int[nu / 2];
        for (int k = 0; k < rows.length; k++) {
          rows[k] = 2 * k + 1;
        }
        int t = 0;
        float[] scatterI = null;
        float[] scatterU = null;
        for (int parts : new int[] {1, 2, 300}) {
          NormalizedAdjacency a = NormalizedAdjacency.of(g, parts);
          Workers w = parts == 1 ? one : two;
          Propagation.usersFromItems(a, items, dim, u[t], w);
          Propagation.itemsFromUsers(a, users, dim, i[t], w);
          Propagation.usersFromItemsRows(a, items, dim, ur[t], rows, rows.length, w);
          float[] pu = new float[nu * dim];
          float[] pi = new float[ni * dim];
          Propagation.propagate(a, users, items, dim, pu, pi, w);
          float[] su = new float[ni * dim];
          float[] si = new float[nu * dim];
          Propagation.scatterItemsFromUsers(a, users, dim, rows, rows.length, su, w);
          Propagation.scatterUsersFromItems(a, items, dim, rows, Math.min(rows.length, ni / 2), si, w);
          if (t == 0) {
            scatterI = su;
            scatterU = si;
          } else {
            assertArrayEquals(scatterI, su, "scatterItemsFromUsers differs between thread counts: " + shape);
            assertArrayEquals(scatterU, si, "scatterUsersFromItems differs between thread counts: " + shape);
          }
          assertArrayEquals(u[t], pu, "propagate differs from usersFromItems: " + shape + ", parts " + parts);
          // The block form hands every row over exactly once, with the same bits as propagate.
          float[] bu = new float[nu * dim];
          float[] bi = new float[ni * dim];
          int[] seen = new int[nu + ni];
          Propagation.propagateBlocks(a, users, items, dim, Propagation.blockScratch(a, dim), (isUsers, from, cnt, b) -> {
            assertTrue(cnt >= 1 && cnt <= Propagation.BLOCK_ROWS, "block of " + cnt + " rows");
            System.arraycopy(b, 0, isUsers ? bu : bi, from * dim, cnt * dim);
            for (int r = from; r < from + cnt; r++) {
              seen[isUsers ? r : nu + r]++; // disjoint ranges: no two tasks touch one slot
            }
          }, w);
          assertArrayEquals(pu, bu, "propagateBlocks users differ from propagate: " + shape + ", parts " + parts);
          assertArrayEquals(pi, bi, "propagateBlocks items differ from propagate: " + shape + ", parts " + parts);
          for (int r = 0; r < nu + ni; r++) {
            assertEquals(1, seen[r], "row " + r + " handed over " + seen[r] + " times: " + shape);
          }
          assertArrayEquals(i[t], pi, "propagate differs from itemsFromUsers: " + shape + ", parts " + parts);
          t++;
        }
        for (int k = 1; k < 3; k++) {
          assertArrayEquals(u[0], u[k], "usersFromItems differs between thread counts/partitions: " + shape);
          assertArrayEquals(i[0], i[k], "itemsFromUsers differs between thread counts/partitions: " + shape);
          assertArrayEquals(ur[0], ur[k], "usersFromItemsRows differs between thread counts/partitions: " + shape);
        }
        for (int k = 0; k < rows.length; k++) {
          for (int c = 0; c < dim; c++) {
            assertEquals(Float.floatToRawIntBits(u[0][rows[k] * dim + c]), Float.floatToRawIntBits(ur[0][rows[k] * dim + c]),
                "row variant differs from full product: " + shape + ", row " + rows[k] + ", k " + c);
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- argument checks

  @Test
  void shapeAndRowListErrorsNameTheActualValues() {
    NormalizedAdjacency a = NormalizedAdjacency.of(tiny(), 1);
    float[] items = new float[8];
    float[] users = new float[6];
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Propagation.usersFromItems(a, new float[7], 2, users, one));
    assertTrue(e.getMessage().contains("expected 4 x 2 = 8, got 7"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Propagation.usersFromItemsRows(a, items, 2, users, new int[] {0, 3}, 2, one));
    assertTrue(e.getMessage().contains("rows[1] out of range: expected 0..2 (numUsers=3), got 3"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Propagation.itemsFromUsersRows(a, users, 2, items, new int[] {1, 1}, 2, one));
    assertTrue(e.getMessage().contains("rows[1] = 1 is listed twice"), e.getMessage());
    // the reused per-thread row bitset is left clear after a refused list: the same rows, distinct, pass
    Propagation.itemsFromUsersRows(a, users, 2, items, new int[] {1, 0}, 2, one);
    Propagation.usersFromItemsRows(a, items, 2, users, new int[] {0, 2, 1}, 3, one);
    e = assertThrows(IllegalArgumentException.class,
        () -> Propagation.scatterItemsFromUsers(a, users, 2, new int[] {0}, 2, items));
    assertTrue(e.getMessage().contains("expected 0..1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Propagation.scatterUsersFromItems(a, items, 0, new int[] {0}, 1, users));
    assertTrue(e.getMessage().contains("dim must be >= 1, got 0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Propagation.propagate(a, users, items, 2, users, new float[8], one));
    assertTrue(e.getMessage().contains("must not alias"), e.getMessage());
    NormalizedAdjacency square = NormalizedAdjacency.of(Interactions.fromPairs(2, 2, new int[] {0}, new int[] {1}, 1), 1);
    float[] x = new float[4];
    e = assertThrows(IllegalArgumentException.class, () -> Propagation.usersFromItems(square, x, 2, x, one));
    assertTrue(e.getMessage().contains("must not alias"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> NormalizedAdjacency.of(tiny(), 0));
    assertTrue(e.getMessage().contains("parts must be >= 1, got 0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Propagation.scatterUsersFromItems(a, items, 2, new int[] {-1}, 1, users));
    assertTrue(e.getMessage().contains("srcItems[0] out of range"), e.getMessage());
  }
}
