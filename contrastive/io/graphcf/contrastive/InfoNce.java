package io.graphcf.contrastive;

import io.graphcf.propagation.Workers;
import java.util.Arrays;

/**
 * LightGCL's all-nodes InfoNCE term and its gradient, fused so that the (batch × nodes) score
 * matrix is never stored (Cai et al., "LightGCL: Simple Yet Effective Graph Contrastive Learning
 * for Recommendation", ICLR 2023, eq. 9; reference code HKUDS/LightGCL {@code model.py}):
 *
 * <pre>
 *   L = Σ_b w_b · [ log(Σ_j exp(g_b·e_j / τ) + 1e-8) − clamp(g_b·e_{n_b} / τ, −5, 5) ]
 * </pre>
 *
 * where row b is node n_b of the batch, g_b its row in the SVD view G, e_j the rows of the main view E
 * over ALL nodes of that type, and w_b the caller's weight (the reference takes the mean over the
 * batch's node list, duplicates included: w = λ1 · multiplicity / batch length). Only the positive
 * term is clamped, exactly as the reference does; the denominator is computed as a numerically
 * stable log-sum-exp (identical to the reference wherever the reference's float32 exp is finite).
 *
 * <p>Two passes over fixed column chunks of E (the chunk count does not depend on the thread count,
 * so results are bit-identical for any number of threads): pass 1 keeps an online max and sum per
 * row and chunk; after merging the chunks in a fixed order, pass 2 recomputes each score tile,
 * forms q_bj = w_b/τ · softmax_bj and accumulates ∂L/∂e_j (rows owned by the chunk) and a per-chunk
 * partial of ∂L/∂g_b, summed in chunk order at the end. Score tiles are products of a row of G with
 * a transposed tile of E: a counted, vectorisable loop over the tile's columns.
 */
final class InfoNce {
  /** Columns (nodes) per tile. */
  static final int TILE = 64;
  /** Column chunks: fixed, independent of the thread count. */
  static final int CHUNKS = 8;
  /** The reference's clamp bounds of the positive score. */
  static final float CLAMP = 5f;
  /** The reference's epsilon inside the log of the denominator. */
  static final double EPS = 1e-8;

  private final int dim;
  private float[] rows = new float[0];
  private float[] coef = new float[0];
  private double[] lse = new double[0];
  private final float[][] partial = new float[CHUNKS][0];
  private final double[][] runMax = new double[CHUNKS][0];
  private final double[][] runSum = new double[CHUNKS][0];
  private final float[][] tileT = new float[CHUNKS][];
  private final float[][] scores = new float[CHUNKS][TILE];

  InfoNce(int dim) {
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be >= 1, got " + dim);
    }
    this.dim = dim;
    for (int t = 0; t < CHUNKS; t++) {
      tileT[t] = new float[dim * TILE];
    }
  }

  /**
   * Returns L and adds ∂L/∂G to {@code gradG} (rows {@code nodes[0..n)}) and ∂L/∂E to {@code gradE}
   * (every row). {@code g} and {@code e} are numNodes × dim; {@code nodes} must be distinct.
   */
  double lossAndGradient(int[] nodes, float[] weights, int n, float[] g, float[] e, int numNodes, float tau,
      float[] gradG, float[] gradE, Workers workers) {
    int d = dim;
    long size = (long) numNodes * d;
    if (g.length != size || e.length != size || gradG.length != size || gradE.length != size) {
      throw new IllegalArgumentException("InfoNCE shapes: expected " + numNodes + " x " + d + " = " + size
          + ", got g=" + g.length + ", e=" + e.length + ", gradG=" + gradG.length + ", gradE=" + gradE.length);
    }
    if (!(tau > 0)) {
      throw new IllegalArgumentException("tau must be > 0, got " + tau);
    }
    if (n == 0) {
      return 0.0;
    }
    ensure(n);
    float invTau = 1f / tau;
    for (int b = 0; b < n; b++) {
      System.arraycopy(g, nodes[b] * d, rows, b * d, d);
      coef[b] = weights[b] * invTau;
    }
    int chunks = Math.min(CHUNKS, (numNodes + TILE - 1) / TILE);
    int[] bounds = new int[chunks + 1];
    int tiles = (numNodes + TILE - 1) / TILE;
    for (int t = 0; t <= chunks; t++) {
      bounds[t] = Math.min(numNodes, (int) ((long) tiles * t / chunks) * TILE);
    }
    workers.run(chunks, t -> rowMaxSum(t, e, bounds[t], bounds[t + 1], n, invTau));
    // lse_b = log(Σ_j exp(s_bj) + 1e-8), merged over chunks in a fixed order
    double loss = 0.0;
    for (int b = 0; b < n; b++) {
      double m = Double.NEGATIVE_INFINITY;
      for (int t = 0; t < chunks; t++) {
        m = Math.max(m, runMax[t][b]);
      }
      double sum = 0.0;
      for (int t = 0; t < chunks; t++) {
        sum += runSum[t][b] * Math.exp(runMax[t][b] - m);
      }
      double l = m > -700.0 ? m + Math.log(sum + EPS * Math.exp(-m)) : Math.log(EPS + sum * Math.exp(m));
      lse[b] = l;
      double pos = clamp(dot(rows, b * d, e, nodes[b] * d, d) * invTau);
      loss += weights[b] * (l - pos);
    }
    workers.run(chunks, t -> gradients(t, e, gradE, bounds[t], bounds[t + 1], n, invTau));
    for (int b = 0; b < n; b++) {
      int gb = nodes[b] * d;
      int rb = b * d;
      for (int t = 0; t < chunks; t++) {
        float[] p = partial[t];
        for (int k = 0; k < d; k++) {
          gradG[gb + k] += p[rb + k];
        }
      }
      float s = dot(rows, rb, e, gb, d) * invTau;
      // ∂/∂s of −clamp(s, −5, 5): −1 inside [−5, 5] (torch's clamp passes the gradient at the bounds)
      if (s >= -CLAMP && s <= CLAMP) {
        float c = coef[b];
        for (int k = 0; k < d; k++) {
          gradG[gb + k] -= c * e[gb + k];
          gradE[gb + k] -= c * rows[rb + k];
        }
      }
    }
    return loss;
  }

  private static double clamp(float s) {
    return Math.max(-CLAMP, Math.min(CLAMP, s));
  }

  private static float dot(float[] a, int ao, float[] b, int bo, int d) {
    float s = 0f;
    for (int k = 0; k < d; k++) {
      s += a[ao + k] * b[bo + k];
    }
    return s;
  }

  private void ensure(int n) {
    int d = dim;
    if (rows.length < n * d) {
      int cap = Math.max(n, rows.length / d * 5 / 4);
      rows = new float[cap * d];
      coef = new float[cap];
      lse = new double[cap];
      for (int t = 0; t < CHUNKS; t++) {
        partial[t] = new float[cap * d];
        runMax[t] = new double[cap];
        runSum[t] = new double[cap];
      }
    }
  }

  /** Pass 1 over columns [from, to): per row the running max and Σ exp(s − max) of s = g·e/τ. */
  private void rowMaxSum(int t, float[] e, int from, int to, int n, float invTau) {
    double[] mx = runMax[t];
    double[] sm = runSum[t];
    Arrays.fill(mx, 0, n, Double.NEGATIVE_INFINITY);
    Arrays.fill(sm, 0, n, 0.0);
    float[] bt = tileT[t];
    float[] s = scores[t];
    int d = dim;
    for (int j0 = from; j0 < to; j0 += TILE) {
      int nc = Math.min(TILE, to - j0);
      transposeTile(e, j0, nc, d, bt);
      for (int b = 0; b < n; b++) {
        scoreRow(rows, b * d, bt, nc, d, invTau, s);
        float tm = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < nc; c++) {
          tm = Math.max(tm, s[c]);
        }
        double m = mx[b];
        if (tm > m) {
          sm[b] *= Math.exp(m - tm);
          m = tm;
          mx[b] = m;
        }
        float fm = (float) m;
        float acc = 0f;
        // Σ_c exp(s_c − m)
        for (int c = 0; c < nc; c++) {
          acc += FastExp.exp(s[c] - fm);
        }
        sm[b] += acc;
      }
    }
  }

  /** Pass 2 over columns [from, to): gradE rows of the chunk, and the chunk's partial gradG. */
  private void gradients(int t, float[] e, float[] gradE, int from, int to, int n, float invTau) {
    float[] bt = tileT[t];
    float[] s = scores[t];
    float[] pg = partial[t];
    int d = dim;
    Arrays.fill(pg, 0, n * d, 0f);
    for (int j0 = from; j0 < to; j0 += TILE) {
      int nc = Math.min(TILE, to - j0);
      transposeTile(e, j0, nc, d, bt);
      for (int b = 0; b < n; b++) {
        int rb = b * d;
        scoreRow(rows, rb, bt, nc, d, invTau, s);
        float l = (float) lse[b];
        float c0 = coef[b];
        // q_bc = w_b/τ · exp(s_bc − lse_b)
        for (int c = 0; c < nc; c++) {
          s[c] = c0 * FastExp.exp(s[c] - l);
        }
        for (int c = 0; c < nc; c++) {
          float q = s[c];
          int eb = (j0 + c) * d;
          // ∂L/∂g_b += q_bc e_c ; ∂L/∂e_c += q_bc g_b
          for (int k = 0; k < d; k++) {
            pg[rb + k] += q * e[eb + k];
            gradE[eb + k] += q * rows[rb + k];
          }
        }
      }
    }
  }

  /** bt[k * TILE + c] = e[(j0 + c) * d + k] for c < nc. */
  private static void transposeTile(float[] e, int j0, int nc, int d, float[] bt) {
    for (int c = 0; c < nc; c++) {
      int eb = (j0 + c) * d;
      for (int k = 0; k < d; k++) {
        bt[k * TILE + c] = e[eb + k];
      }
    }
  }

  /** s[c] = invTau · Σ_k a[ao + k] · bt[k, c] for c < nc: the score row against one tile. */
  static void scoreRow(float[] a, int ao, float[] bt, int nc, int d, float invTau, float[] s) {
    for (int c = 0; c < nc; c++) {
      s[c] = 0f;
    }
    int k = 0;
    for (; k + 3 < d; k += 4) {
      float a0 = a[ao + k];
      float a1 = a[ao + k + 1];
      float a2 = a[ao + k + 2];
      float a3 = a[ao + k + 3];
      int b0 = k * TILE;
      int b1 = b0 + TILE;
      int b2 = b1 + TILE;
      int b3 = b2 + TILE;
      for (int c = 0; c < nc; c++) {
        s[c] += a0 * bt[b0 + c] + a1 * bt[b1 + c] + a2 * bt[b2 + c] + a3 * bt[b3 + c];
      }
    }
    for (; k < d; k++) {
      float a0 = a[ao + k];
      int b0 = k * TILE;
      for (int c = 0; c < nc; c++) {
        s[c] += a0 * bt[b0 + c];
      }
    }
    for (int c = 0; c < nc; c++) {
      s[c] *= invTau;
    }
  }
}
