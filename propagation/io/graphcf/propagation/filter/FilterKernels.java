package io.graphcf.propagation.filter;

import io.graphcf.graph.CsrMatrix;
import io.graphcf.propagation.NormalizedAdjacency;

/**
 * Package-private kernels of the graph filters; they only compute, the models check arguments.
 * A user's row r is binary and short, so r·R̃ᵀR̃ is computed as a sparse three-hop walk
 * (items → users → items) into a dense score row: on Gowalla that is ≈ 68 k scalar updates per user
 * (Σ_{i∈N(u)} d_i plus Σ_{v∈N₂(u)} d_v), against 2·nnz ≈ 1.6 M for a dense row times R̃ᵀ and R̃.
 */
final class FilterKernels {
  private FilterKernels() {}

  /**
   * out[off + j·stride] += (r R̃ᵀ R̃)_j for every item j, where r is the indicator of
   * {@code items[from..to)}. {@code t} (numUsers floats, all zero) and {@code touched} (numUsers ints)
   * are scratch; t is left all zero again.
   */
  static void addTwoHop(NormalizedAdjacency a, int[] items, int from, int to, float[] t, int[] touched, float[] out,
      int off, int stride) {
    CsrMatrix iu = a.graph().itemUsers();
    int[] iuPtr = iu.rowPtr();
    int[] iuIdx = iu.colIdx();
    float[] iuW = a.itemWeights();
    CsrMatrix ui = a.graph().userItems();
    int[] uiPtr = ui.rowPtr();
    int[] uiIdx = ui.colIdx();
    float[] uiW = a.userWeights();
    int nt = 0;
    // t_v = Σ_{i∈r} R̃[v,i]  (weights are positive, so t_v > 0 marks v as touched)
    for (int q = from; q < to; q++) {
      int i = items[q];
      for (int p = iuPtr[i], e = iuPtr[i + 1]; p < e; p++) {
        int v = iuIdx[p];
        if (t[v] == 0f) {
          touched[nt++] = v;
        }
        t[v] += iuW[p];
      }
    }
    if (stride == 1) {
      for (int q = 0; q < nt; q++) {
        int v = touched[q];
        float tv = t[v];
        t[v] = 0f;
        // s_j += t_v · R̃[v,j]
        for (int p = uiPtr[v], e = uiPtr[v + 1]; p < e; p++) {
          out[off + uiIdx[p]] += tv * uiW[p];
        }
      }
    } else {
      for (int q = 0; q < nt; q++) {
        int v = touched[q];
        float tv = t[v];
        t[v] = 0f;
        // s_j += t_v · R̃[v,j]
        for (int p = uiPtr[v], e = uiPtr[v + 1]; p < e; p++) {
          out[off + uiIdx[p] * stride] += tv * uiW[p];
        }
      }
    }
  }

  /**
   * The same r·R̃ᵀR̃ as {@link #addTwoHop}, on the binary graph with one scalar per node: since
   * R̃ = D_U^-1/2 R D_I^-1/2,
   * <pre>  (r R̃ᵀR̃)_j = d_j^-1/2 acc_j,  acc_j = Σ_v R[v,j] c_v,  c_v = d_v^-1 Σ_{i∈r} R[v,i] d_i^-1/2,</pre>
   * so only the index arrays are read (half the memory of the weighted walk, whose cost is mostly
   * waiting for the rows of the touched users). Adds acc into {@code acc} (numItems floats, all zero
   * on entry, kept hot in L2 by the caller across users) and returns; the caller finishes with
   * {@link #addScaled}. {@code itemScale} = d_i^-1/2, {@code userScale} = d_v^-1; {@code t}
   * (numUsers floats, all zero) and {@code touched} are scratch, t is left all zero again.
   */
  static void walkBinary(int[] iuPtr, int[] iuIdx, int[] uiPtr, int[] uiIdx, float[] itemScale, float[] userScale,
      int[] items, int from, int to, float[] t, int[] touched, float[] acc) {
    int nt = 0;
    // t_v = Σ_{i∈r} R[v,i] d_i^-1/2  (every term is positive, so t_v > 0 marks v as touched)
    for (int q = from; q < to; q++) {
      int i = items[q];
      float wi = itemScale[i];
      for (int p = iuPtr[i], e = iuPtr[i + 1]; p < e; p++) {
        int v = iuIdx[p];
        if (t[v] == 0f) {
          touched[nt++] = v;
        }
        t[v] += wi;
      }
    }
    for (int q = 0; q < nt; q++) {
      int v = touched[q];
      float c = t[v] * userScale[v];
      t[v] = 0f;
      // acc_j += c_v for j ∈ N(v)
      for (int p = uiPtr[v], e = uiPtr[v + 1]; p < e; p++) {
        acc[uiIdx[p]] += c;
      }
    }
  }

  /** out[off + j] += scale[j] · acc[j], then acc[j] = 0, for j < n. */
  static void addScaled(float[] acc, float[] scale, int n, float[] out, int off) {
    for (int j = 0; j < n; j++) {
      out[off + j] += scale[j] * acc[j];
      acc[j] = 0f;
    }
  }

  /** d^-1/2 per row of a binary matrix (0 for an empty row), as floats. */
  static float[] invSqrtDegrees(int[] ptr, int rows) {
    float[] s = new float[rows];
    for (int r = 0; r < rows; r++) {
      int d = ptr[r + 1] - ptr[r];
      s[r] = d == 0 ? 0f : (float) (1.0 / Math.sqrt(d));
    }
    return s;
  }

  /** d^-1 per row of a binary matrix (0 for an empty row), as floats. */
  static float[] invDegrees(int[] ptr, int rows) {
    float[] s = new float[rows];
    for (int r = 0; r < rows; r++) {
      int d = ptr[r + 1] - ptr[r];
      s[r] = d == 0 ? 0f : (float) (1.0 / d);
    }
    return s;
  }

  /** p[pOff .. pOff+k) = Σ_{q∈[from,to)} rows[items[q]·k .. +k). */
  static void sumRows(float[] rows, int k, int[] items, int from, int to, float[] p, int pOff) {
    for (int c = 0; c < k; c++) {
      p[pOff + c] = 0f;
    }
    for (int q = from; q < to; q++) {
      int rb = items[q] * k;
      // p += left[i,:]
      for (int c = 0; c < k; c++) {
        p[pOff + c] += rows[rb + c];
      }
    }
  }

  /** Checks a {@link io.graphcf.propagation.eval.UserScorer#score} call's arguments. */
  static void checkBlock(int[] users, int from, int to, float[] out, int numUsers, int numItems) {
    int nb = to - from;
    if (from < 0 || nb < 0 || to > users.length) {
      throw new IllegalArgumentException("user range [" + from + ", " + to + ") outside [0, " + users.length + "]");
    }
    if (out.length < (long) nb * numItems) {
      throw new IllegalArgumentException("out too small: expected >= " + nb + " x " + numItems + ", got " + out.length);
    }
    for (int b = from; b < to; b++) {
      if (users[b] < 0 || users[b] >= numUsers) {
        throw new IllegalArgumentException("user ordinal " + users[b] + " outside [0, " + numUsers + ")");
      }
    }
  }

  /** Sorted, de-duplicated copy of items[0..n), each checked to lie in [0, numItems). */
  static int[] distinctItems(int[] items, int n, int numItems) {
    if (n < 0 || n > items.length) {
      throw new IllegalArgumentException("n must be in [0, " + items.length + "], got " + n);
    }
    int[] s = java.util.Arrays.copyOf(items, n);
    java.util.Arrays.sort(s);
    int m = 0;
    for (int q = 0; q < n; q++) {
      int i = s[q];
      if (i < 0 || i >= numItems) {
        throw new IllegalArgumentException("item ordinal " + i + " outside [0, " + numItems + ")");
      }
      if (m == 0 || s[m - 1] != i) {
        s[m++] = i;
      }
    }
    return m == n ? s : java.util.Arrays.copyOf(s, m);
  }

  /** Row scaling: out[i,:] = scale[i] · v[i,:] for an items × k matrix. */
  static float[] scaleRows(float[] v, int rows, int k, double[] scale, double factor) {
    float[] out = new float[rows * k];
    for (int i = 0; i < rows; i++) {
      float f = (float) (scale[i] * factor);
      int b = i * k;
      for (int c = 0; c < k; c++) {
        out[b + c] = f * v[b + c];
      }
    }
    return out;
  }

  /** d_i^-1/2 (0 for isolated items) and d_i^1/2 from the training graph's item degrees. */
  static double[][] itemNormalisers(int[] itemDegree) {
    double[] inv = new double[itemDegree.length];
    double[] sq = new double[itemDegree.length];
    for (int i = 0; i < itemDegree.length; i++) {
      int d = itemDegree[i];
      inv[i] = d == 0 ? 0.0 : 1.0 / Math.sqrt(d);
      sq[i] = d == 0 ? 0.0 : Math.sqrt(d);
    }
    return new double[][] {inv, sq};
  }
}
