package io.graphcf.propagation.ultragcn;

import io.graphcf.graph.CsrMatrix;
import io.graphcf.graph.Interactions;
import io.graphcf.propagation.Workers;
import java.util.Arrays;

/**
 * The item–item constraint of UltraGCN (Mao et al., CIKM 2021, Sec. 3.3): for every item i its K
 * neighbours j with the largest weight ω_{i,j} on the co-occurrence graph G = RᵀR, where
 * ω_{i,j} = G_{ij} · sqrt(g_i + 1) / g_i · 1 / sqrt(g_j + 1) and g_i = Σ_j G_{ij}.
 *
 * <p>This is the formula of the reference code ({@code get_ii_constraint_mat} in xue-pai/UltraGCN
 * {@code main.py}, called with {@code ii_diagonal_zero = False}): it reuses the user–item β form
 * with "+1" terms and keeps the diagonal, so G_{ii} = deg(i) stays in g_i and an item can be its
 * own neighbour. The paper's text (Sec. 3.3, as I recall it; not re-checked against the PDF here)
 * normalises with the diagonal removed, ω_{i,j} = G_{ij} / (g_i − G_{ii}) · sqrt(g_i / g_j). Because G_{ij} = Σ_u R_{ui} R_{uj}, the row sums need no G at all:
 * g_i = Σ_{u ∈ N(i)} deg(u).
 *
 * <p>The reference builds the dense items × items weight matrix (about 60 GB for Amazon-Book);
 * here each item's row of G is accumulated sparsely — walk the item's users, count their items in
 * a dense per-thread counter with a touched list — and only the top K survive. Work is
 * Σ_u deg(u)², items are split into contiguous ranges of equal work, one per thread.
 *
 * <p>Ties are broken deterministically: larger ω first (ω computed in double exactly as in
 * {@link #omega}), then the smaller item index. Items with fewer than K co-occurring items (or no
 * users) are padded with neighbour −1 and weight 0; the reference pads with arbitrary zero-weight
 * items, which contribute nothing to its loss either.
 */
public final class ItemItemConstraint {
  private final int numItems;
  private final int k;
  private final int[] neighbours;
  private final float[] weights;

  private ItemItemConstraint(int numItems, int k, int[] neighbours, float[] weights) {
    this.numItems = numItems;
    this.k = k;
    this.neighbours = neighbours;
    this.weights = weights;
  }

  /** Computes the top-{@code k} neighbour lists of every item of {@code train}. */
  public static ItemItemConstraint compute(Interactions train, int k, Workers workers) {
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0, got " + k);
    }
    int numItems = train.numItems();
    long[] g = rowSums(train);
    double[] rowFactor = new double[numItems];
    double[] colFactor = new double[numItems];
    for (int i = 0; i < numItems; i++) {
      rowFactor[i] = Math.sqrt(g[i] + 1.0) / g[i];
      colFactor[i] = 1.0 / Math.sqrt(g[i] + 1.0);
    }
    int[] neighbours = new int[numItems * k];
    float[] weights = new float[numItems * k];
    Arrays.fill(neighbours, -1);
    if (k == 0 || numItems == 0) {
      return new ItemItemConstraint(numItems, k, neighbours, weights);
    }
    // Work of item i is g_i (one counter increment per co-occurrence, diagonal included).
    int parts = Math.max(1, Math.min(workers.threads(), numItems));
    int[] bounds = new int[parts + 1];
    long total = 0;
    for (int i = 0; i < numItems; i++) {
      total += g[i] + 1;
    }
    long acc = 0;
    int p = 1;
    for (int i = 0; i < numItems && p < parts; i++) {
      acc += g[i] + 1;
      while (p < parts && acc >= total * p / parts) {
        bounds[p++] = i + 1;
      }
    }
    while (p < parts) {
      bounds[p++] = numItems;
    }
    bounds[parts] = numItems;
    workers.run(parts, t -> computeRange(train, k, rowFactor, colFactor, bounds[t], bounds[t + 1],
        neighbours, weights));
    return new ItemItemConstraint(numItems, k, neighbours, weights);
  }

  /** g_i = Σ_j G_{ij} = Σ_{u ∈ N(i)} deg(u), the row sums of G = RᵀR including the diagonal. */
  static long[] rowSums(Interactions train) {
    CsrMatrix iu = train.itemUsers();
    int[] ptr = iu.rowPtr();
    int[] users = iu.colIdx();
    int[] userDeg = train.userItems().degrees();
    long[] g = new long[iu.rows()];
    for (int i = 0; i < g.length; i++) {
      long s = 0;
      for (int q = ptr[i]; q < ptr[i + 1]; q++) {
        s += userDeg[users[q]];
      }
      g[i] = s;
    }
    return g;
  }

  /** ω_{i,j} from G_{ij} and the precomputed sqrt(g_i + 1) / g_i and 1 / sqrt(g_j + 1). */
  static double omega(long gij, double rowFactorI, double colFactorJ) {
    return gij * rowFactorI * colFactorJ;
  }

  private static void computeRange(Interactions train, int k, double[] rowFactor, double[] colFactor,
      int from, int to, int[] outNeighbours, float[] outWeights) {
    CsrMatrix iu = train.itemUsers();
    CsrMatrix ui = train.userItems();
    int[] iuPtr = iu.rowPtr();
    int[] iuIdx = iu.colIdx();
    int[] uiPtr = ui.rowPtr();
    int[] uiIdx = ui.colIdx();
    int[] counts = new int[train.numItems()];
    int[] touched = new int[train.numItems()];
    int[] topIdx = new int[k];
    double[] topW = new double[k];
    for (int i = from; i < to; i++) {
      // G_{i,·} = Σ_{u ∈ N(i)} R_{u,·}
      int nTouched = 0;
      for (int q = iuPtr[i]; q < iuPtr[i + 1]; q++) {
        int u = iuIdx[q];
        for (int r = uiPtr[u]; r < uiPtr[u + 1]; r++) {
          int j = uiIdx[r];
          if (counts[j]++ == 0) {
            touched[nTouched++] = j;
          }
        }
      }
      int n = 0;
      double rf = rowFactor[i];
      for (int t = 0; t < nTouched; t++) {
        int j = touched[t];
        double w = omega(counts[j], rf, colFactor[j]);
        counts[j] = 0;
        if (n == k && !better(w, j, topW[k - 1], topIdx[k - 1])) {
          continue;
        }
        // insertion into the descending list topW[0..n)
        int pos = n == k ? k - 1 : n++;
        while (pos > 0 && better(w, j, topW[pos - 1], topIdx[pos - 1])) {
          topW[pos] = topW[pos - 1];
          topIdx[pos] = topIdx[pos - 1];
          pos--;
        }
        topW[pos] = w;
        topIdx[pos] = j;
      }
      int base = i * k;
      for (int t = 0; t < n; t++) {
        outNeighbours[base + t] = topIdx[t];
        outWeights[base + t] = (float) topW[t];
      }
    }
  }

  /** Ranking order: larger weight first, then the smaller item index. */
  static boolean better(double w, int j, double otherW, int otherJ) {
    return w > otherW || (w == otherW && j < otherJ);
  }

  public int numItems() {
    return numItems;
  }

  /** Neighbours kept per item (K). */
  public int k() {
    return k;
  }

  /**
   * Neighbour lists, {@code numItems × k} row-major, best first, padded with −1; shared, do not
   * modify.
   */
  public int[] neighbours() {
    return neighbours;
  }

  /** ω of each listed neighbour (0 for padding), same layout; shared, do not modify. */
  public float[] weights() {
    return weights;
  }

  /** Number of real (non-padding) neighbours of {@code item}. */
  public int count(int item) {
    int n = 0;
    while (n < k && neighbours[item * k + n] >= 0) {
      n++;
    }
    return n;
  }
}
