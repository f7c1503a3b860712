package io.graphcf.contrastive;

import io.graphcf.graph.CsrMatrix;
import io.graphcf.propagation.NormalizedAdjacency;
import java.util.SplittableRandom;

/**
 * Per-step edge dropout of R̃ for LightGCL's main view, as the reference's {@code sparse_dropout}
 * (HKUDS/LightGCL {@code utils.py}): every edge weight is kept with probability 1 − p and scaled by
 * 1/(1 − p) ({@code nn.functional.dropout} on the values), with an independent mask for each layer
 * and each direction (the reference calls it once for Z_u and once for Z_i).
 *
 * <p>No allocation per step: the weights of every (layer, direction) mask live in preallocated
 * arrays in both CSR orders, because the backward pass of a masked product multiplies by the
 * transpose of the same masked matrix. {@link #resample} rewrites them in place; the item-major
 * copy is written through a fixed permutation (user-major edge position → item-major position).
 */
final class EdgeDropout {
  private final float keepScale;
  private final double drop;
  private final float[] base;
  private final int[] toItemMajor;
  /** [layer]: user-major weights of the Z_u mask (forward), and their item-major copy (backward). */
  private final float[][] usersFwd;
  private final float[][] usersBwd;
  /** [layer]: item-major weights of the Z_i mask (forward), and their user-major copy (backward). */
  private final float[][] itemsFwd;
  private final float[][] itemsBwd;

  EdgeDropout(NormalizedAdjacency a, int layers, float dropout) {
    if (!(dropout > 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout must be in (0, 1), got " + dropout);
    }
    this.drop = dropout;
    this.keepScale = 1f / (1f - dropout);
    this.base = a.userWeights();
    this.toItemMajor = userToItemPositions(a.graph().userItems(), a.numItems());
    int nnz = base.length;
    usersFwd = new float[layers][nnz];
    usersBwd = new float[layers][nnz];
    itemsFwd = new float[layers][nnz];
    itemsBwd = new float[layers][nnz];
  }

  /** For the edge at user-major position p, its position in the item-major (transposed) CSR. */
  static int[] userToItemPositions(CsrMatrix userItems, int numItems) {
    int[] ptr = userItems.rowPtr();
    int[] idx = userItems.colIdx();
    int[] fill = new int[numItems + 1];
    for (int c : idx) {
      fill[c + 1]++;
    }
    for (int i = 0; i < numItems; i++) {
      fill[i + 1] += fill[i];
    }
    int[] pos = new int[idx.length];
    // users ascend, so each item's users are filled in ascending order: the transpose's layout
    for (int u = 0; u < userItems.rows(); u++) {
      for (int p = ptr[u]; p < ptr[u + 1]; p++) {
        pos[p] = fill[idx[p]]++;
      }
    }
    return pos;
  }

  /** Draws fresh masks for every layer and direction. */
  void resample(SplittableRandom rnd) {
    int nnz = base.length;
    for (int l = 0; l < usersFwd.length; l++) {
      float[] uf = usersFwd[l];
      float[] ub = usersBwd[l];
      float[] ifw = itemsFwd[l];
      float[] ib = itemsBwd[l];
      for (int p = 0; p < nnz; p++) {
        // w̃_e = m_e · w_e / (1 − p), m_e ~ Bernoulli(1 − p)
        float w = rnd.nextDouble() < drop ? 0f : base[p] * keepScale;
        uf[p] = w;
        ub[toItemMajor[p]] = w;
      }
      for (int p = 0; p < nnz; p++) {
        float w = rnd.nextDouble() < drop ? 0f : base[p] * keepScale;
        ib[p] = w;
        ifw[toItemMajor[p]] = w;
      }
    }
  }

  /** Z_u of layer l (0-based): user-major weights for users ← items. */
  float[] usersForward(int l) {
    return usersFwd[l];
  }

  /** Backward of Z_u of layer l: item-major weights for items ← users (the same mask, transposed). */
  float[] usersBackward(int l) {
    return usersBwd[l];
  }

  /** Z_i of layer l: item-major weights for items ← users. */
  float[] itemsForward(int l) {
    return itemsFwd[l];
  }

  /** Backward of Z_i of layer l: user-major weights for users ← items (the same mask, transposed). */
  float[] itemsBackward(int l) {
    return itemsBwd[l];
  }
}
