package io.graphcf.propagation;

import io.graphcf.graph.CsrMatrix;
import io.graphcf.graph.Interactions;

/**
 * The symmetric-normalised adjacency Â = D^-1/2 A D^-1/2 of the bipartite (users + items) graph,
 * without self-loops, kept as per-edge weights aligned with the CSR of both directions:
 * {@code userWeights[p] = 1/sqrt(d_u d_i)} for the edge at position {@code p} of
 * {@link Interactions#userItems()}, {@code itemWeights} likewise for {@link Interactions#itemUsers()}.
 * Its off-diagonal block is R̃ = D_U^-1/2 R D_I^-1/2, so one LightGCN layer is two half-products (users
 * gather items through R̃, items gather users through R̃ᵀ) with no transpose at run time. Isolated nodes
 * have no edges and so propagate to 0.
 */
public final class NormalizedAdjacency {
  /** Default number of nnz-balanced row ranges per direction. */
  static final int TASKS = 64;

  private final Interactions graph;
  private final float[] userWeights;
  private final float[] itemWeights;
  private final int[] userPartition;
  private final int[] itemPartition;
  private final int parts;

  private NormalizedAdjacency(Interactions graph, int parts) {
    this.graph = graph;
    this.parts = parts;
    CsrMatrix ui = graph.userItems();
    CsrMatrix iu = graph.itemUsers();
    int[] du = ui.degrees();
    int[] di = iu.degrees();
    double[] invSqrtU = invSqrt(du);
    double[] invSqrtI = invSqrt(di);
    this.userWeights = edgeWeights(ui, invSqrtU, invSqrtI);
    this.itemWeights = edgeWeights(iu, invSqrtI, invSqrtU);
    this.userPartition = RowPartition.byNnz(ui.rowPtr(), tasks(parts, ui.rows()));
    this.itemPartition = RowPartition.byNnz(iu.rowPtr(), tasks(parts, iu.rows()));
  }

  /**
   * At least {@code parts} and up to {@value #TASKS} row ranges: the ranges are handed to threads
   * dynamically, so many small ranges keep both cores busy when one is preempted on a shared machine,
   * at the cost of one atomic increment per range.
   */
  private static int tasks(int parts, int rows) {
    return Math.max(parts, Math.min(TASKS, Math.max(1, rows)));
  }

  /**
   * Builds the weights and the nnz-balanced row ranges: at least {@code parts} of them (and
   * {@value #TASKS} by default), so that a {@link Workers} of any size can run the products.
   */
  public static NormalizedAdjacency of(Interactions graph, int parts) {
    if (parts < 1) {
      throw new IllegalArgumentException("parts must be >= 1, got " + parts);
    }
    return new NormalizedAdjacency(graph, parts);
  }

  private static double[] invSqrt(int[] degree) {
    double[] r = new double[degree.length];
    for (int k = 0; k < degree.length; k++) {
      r[k] = degree[k] == 0 ? 0.0 : 1.0 / Math.sqrt(degree[k]);
    }
    return r;
  }

  private static float[] edgeWeights(CsrMatrix m, double[] rowScale, double[] colScale) {
    int[] ptr = m.rowPtr();
    int[] idx = m.colIdx();
    float[] w = new float[idx.length];
    for (int r = 0; r < m.rows(); r++) {
      for (int p = ptr[r]; p < ptr[r + 1]; p++) {
        w[p] = (float) (rowScale[r] * colScale[idx[p]]);
      }
    }
    return w;
  }

  public Interactions graph() {
    return graph;
  }

  public int numUsers() {
    return graph.numUsers();
  }

  public int numItems() {
    return graph.numItems();
  }

  /** Weights aligned with {@code graph().userItems().colIdx()}: the entries of R̃. */
  public float[] userWeights() {
    return userWeights;
  }

  /** Weights aligned with {@code graph().itemUsers().colIdx()}: the entries of R̃ᵀ. */
  public float[] itemWeights() {
    return itemWeights;
  }

  /** Row-range bounds of the users side: {@code tasks + 1} entries. */
  int[] userPartition() {
    return userPartition;
  }

  /** Row-range bounds of the items side: {@code tasks + 1} entries. */
  int[] itemPartition() {
    return itemPartition;
  }

  /** The {@code parts} asked for at construction (the minimum number of row ranges). */
  public int parts() {
    return parts;
  }
}
