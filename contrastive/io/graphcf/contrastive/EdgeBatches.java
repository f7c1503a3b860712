package io.graphcf.contrastive;

import io.graphcf.graph.CsrMatrix;
import java.util.SplittableRandom;

/**
 * The reference's training stream (HKUDS/LightGCL {@code utils.py} {@code TrnData} and the
 * {@code DataLoader} of {@code main.py}): once per epoch every training edge (u, i) draws one
 * negative item uniformly at random, rejected while (u, j) is a training edge, and the edges are
 * visited in a fresh random order in batches of {@code batch} edges (the last one may be shorter).
 * All arrays are allocated once.
 */
final class EdgeBatches {
  private final CsrMatrix userItems;
  private final int numItems;
  private final int[] edgeUser;
  private final int[] edgeItem;
  private final int[] order;
  private final int[] negative;

  EdgeBatches(CsrMatrix userItems) {
    this.userItems = userItems;
    this.numItems = userItems.cols();
    int nnz = userItems.nnz();
    edgeUser = new int[nnz];
    edgeItem = new int[nnz];
    order = new int[nnz];
    negative = new int[nnz];
    int[] ptr = userItems.rowPtr();
    int[] idx = userItems.colIdx();
    for (int u = 0; u < userItems.rows(); u++) {
      for (int p = ptr[u]; p < ptr[u + 1]; p++) {
        edgeUser[p] = u;
        edgeItem[p] = idx[p];
      }
    }
  }

  int edges() {
    return edgeUser.length;
  }

  /** Draws the epoch's negatives and shuffles the edge order. */
  void newEpoch(SplittableRandom rnd) {
    int nnz = edgeUser.length;
    for (int p = 0; p < nnz; p++) {
      int u = edgeUser[p];
      int j = rnd.nextInt(numItems);
      // j ~ U(items) rejected while (u, j) is a training edge; a user with every item keeps the last draw
      if (userItems.degree(u) < numItems) {
        while (userItems.contains(u, j)) {
          j = rnd.nextInt(numItems);
        }
      }
      negative[p] = j;
      order[p] = p;
    }
    // Fisher–Yates
    for (int k = nnz - 1; k > 0; k--) {
      int r = rnd.nextInt(k + 1);
      int t = order[k];
      order[k] = order[r];
      order[r] = t;
    }
  }

  /** User of the k-th edge of the epoch's order. */
  int user(int k) {
    return edgeUser[order[k]];
  }

  /** Positive item of the k-th edge of the epoch's order. */
  int positive(int k) {
    return edgeItem[order[k]];
  }

  /** Negative item of the k-th edge of the epoch's order. */
  int negative(int k) {
    return negative[order[k]];
  }
}
