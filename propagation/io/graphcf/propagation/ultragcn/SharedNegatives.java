package io.graphcf.propagation.ultragcn;

import io.graphcf.propagation.DenseKernels;
import io.graphcf.propagation.Workers;
import java.util.Arrays;

/**
 * The negative term of UltraGCN (Mao et al., CIKM 2021) when the positives of a batch share one
 * set of N negatives, drawn uniformly over all items with replacement (the option
 * {@code negative_sampling = shared}; the reference draws N per positive, see
 * {@link UltraGcnObjective}). Per positive b with user row u_b the loss keeps the reference's form,
 * {@code negative_weight/N · Σ_q (w3 + w4·β_u·β_{j_q}) · softplus(e_u·e_{j_q})}, and the whole
 * batch becomes three dense products over the batch's user rows U (n × d) and the gathered
 * negative rows E_N (N × d):
 *
 * <pre>
 *   S = U · E_Nᵀ                       (n × N scores)
 *   W = c(S) ∘ σ(S)                    (c_{b,q} = negative_weight/N · (w3 + w4·β_b·β_q))
 *   ∂L/∂U += W · E_N,   ∂L/∂E_N = Wᵀ · U  (scattered into the items' gradient rows)
 * </pre>
 *
 * S comes from {@link DenseKernels#multTransB}; the other two from the register-tiled
 * {@link UltraGcnSimd#multAdd} (or {@link #multAddScalar}). The user rows are split into
 * {@value #CHUNKS} fixed chunks (S, W and ∂L/∂U per chunk), ∂L/∂E_N is summed over the chunks in
 * order for disjoint ranges of negatives, and the scatter into item rows runs in draw order, so the
 * result is bit-identical for any thread count.
 */
final class SharedNegatives {
  /** Fixed chunks of the batch's user rows. */
  static final int CHUNKS = 8;
  /** Salt that separates a batch's shared stream from the per-positive streams. */
  private static final long SALT = 0x2545F4914F6CDD1DL;
  private static final int PAD = 16;

  private final int negatives;
  private final int dim;
  private final int numItems;
  private final boolean simd;
  private final int[] negItems;
  private final float[] negRows;
  private final float[] negBeta;
  private final float[] negGrad;
  private final float[] userGrad;
  private final float[][] scores;
  private final double[] chunkLoss;
  private final float[][] lanes;

  SharedNegatives(int negatives, int dim, int numItems, int maxBatch, boolean simd) {
    this.negatives = negatives;
    this.dim = dim;
    this.numItems = numItems;
    this.simd = simd;
    this.negItems = new int[negatives];
    this.negRows = new float[Math.multiplyExact(negatives, dim)];
    this.negBeta = new float[negatives + PAD];
    this.negGrad = new float[negatives * dim];
    this.userGrad = new float[Math.multiplyExact(maxBatch, dim)];
    int rows = (maxBatch + CHUNKS - 1) / CHUNKS;
    this.scores = new float[CHUNKS][Math.multiplyExact(rows, negatives) + PAD];
    this.chunkLoss = new double[CHUNKS];
    this.lanes = new float[CHUNKS][64 + PAD];
  }

  /** The shared negatives of the batch starting at epoch position {@code from}. */
  static void draw(long sampleKey, int from, int numItems, int[] out, int n) {
    UltraGcnObjective.NegativeStream rng = new UltraGcnObjective.NegativeStream();
    rng.reset(sampleKey ^ SALT, from);
    for (int q = 0; q < n; q++) {
      out[q] = rng.nextInt(numItems);
    }
  }

  private int chunkStart(int n, int c) {
    return (int) ((long) n * c / CHUNKS);
  }

  /**
   * The negative term for batch rows {@code [0, n)} ({@code batchUsers}, their β_u in
   * {@code batchBeta}): returns its loss; {@link #userGradient()} rows {@code [0, n)} and
   * {@link #negativeGradient()} (row q for item {@link #negativeItems()}[q]) hold its gradient.
   * Negatives are drawn from the batch's stream, or read from {@code fixed[0, N)} when not null.
   */
  double compute(float[] itemEmb, float[] betaI, float[] batchUsers, float[] batchBeta, int n, long sampleKey,
      int from, int[] fixed, double scale, double w3, double w4, Workers workers, int parts) {
    int d = dim;
    int nn = negatives;
    if (fixed == null) {
      draw(sampleKey, from, numItems, negItems, nn);
    } else {
      System.arraycopy(fixed, 0, negItems, 0, nn);
    }
    for (int q = 0; q < nn; q++) {
      int j = negItems[q];
      System.arraycopy(itemEmb, j * d, negRows, q * d, d);
      negBeta[q] = betaI[j];
    }
    float c0 = (float) (scale * w3);
    float c1 = (float) (scale * w4);
    workers.run(CHUNKS, c -> chunk(batchUsers, batchBeta, n, c, c0, c1));
    workers.run(parts, t -> negativeRange(batchUsers, n, t, parts));
    double loss = 0;
    for (int c = 0; c < CHUNKS; c++) {
      loss += chunkLoss[c];
    }
    return loss;
  }

  /** S, W, loss and ∂L/∂U for the user rows of chunk {@code c}. */
  private void chunk(float[] batchUsers, float[] batchBeta, int n, int c, float c0, float c1) {
    int r0 = chunkStart(n, c);
    int rows = chunkStart(n, c + 1) - r0;
    int d = dim;
    int nn = negatives;
    float[] s = scores[c];
    chunkLoss[c] = 0;
    if (rows == 0) {
      return;
    }
    // S = U · E_Nᵀ
    DenseKernels.multTransB(batchUsers, r0, rows, negRows, 0, nn, d, s);
    double loss = 0;
    for (int r = 0; r < rows; r++) {
      // c_{b,q} = negative_weight/N · (w3 + w4·β_b·β_q); loss c·softplus(s), W = c·σ(s)
      float cb = c1 * batchBeta[r0 + r];
      loss += simd ? UltraGcnSimd.negativeRow(s, r * nn, nn, c0, cb, negBeta, lanes[c])
          : negativeRowScalar(s, r * nn, nn, c0, cb, negBeta);
    }
    chunkLoss[c] = loss;
    // ∂L/∂U = W · E_N
    Arrays.fill(userGrad, r0 * d, (r0 + rows) * d, 0f);
    multAdd(simd, s, 0, nn, 1, rows, nn, negRows, 0, d, userGrad, r0 * d);
  }

  /** ∂L/∂E_N = Σ_chunks W_cᵀ · U_c for the negatives of range {@code t}. */
  private void negativeRange(float[] batchUsers, int n, int t, int parts) {
    int nn = negatives;
    int d = dim;
    int q0 = (int) ((long) nn * t / parts);
    int q1 = (int) ((long) nn * (t + 1) / parts);
    Arrays.fill(negGrad, q0 * d, q1 * d, 0f);
    for (int c = 0; c < CHUNKS; c++) {
      int r0 = chunkStart(n, c);
      int rows = chunkStart(n, c + 1) - r0;
      multAdd(simd, scores[c], q0, 1, nn, q1 - q0, rows, batchUsers, r0 * d, d, negGrad, q0 * d);
    }
  }

  /** Adds ∂L/∂E_N into the items' gradient rows, in draw order (repeated draws add up). */
  void scatterItems(float[] gradItems) {
    int d = dim;
    for (int q = 0; q < negatives; q++) {
      int jo = negItems[q] * d;
      int qo = q * d;
      for (int x = 0; x < d; x++) {
        gradItems[jo + x] += negGrad[qo + x];
      }
    }
  }

  /** ∂L/∂U of the last {@link #compute}, batch row b at {@code [b·d, (b+1)·d)}. */
  float[] userGradient() {
    return userGrad;
  }

  static void multAdd(boolean simd, float[] a, int aOff, int ai, int ak, int m, int kk, float[] b, int bOff, int d,
      float[] c, int cOff) {
    if (simd) {
      UltraGcnSimd.multAdd(a, aOff, ai, ak, m, kk, b, bOff, d, c, cOff);
    } else {
      multAddScalar(a, aOff, ai, ak, m, kk, b, bOff, d, c, cOff);
    }
  }

  /** {@link UltraGcnSimd#multAdd} without the Vector API: C[i, x] += Σ_k A(i, k)·B[k, x]. */
  static void multAddScalar(float[] a, int aOff, int ai, int ak, int m, int kk, float[] b, int bOff, int d, float[] c,
      int cOff) {
    for (int i = 0; i < m; i++) {
      int co = cOff + i * d;
      int ao = aOff + i * ai;
      for (int k = 0; k < kk; k++) {
        float v = a[ao + k * ak];
        int bo = bOff + k * d;
        for (int x = 0; x < d; x++) {
          c[co + x] += v * b[bo + x];
        }
      }
    }
  }

  /** {@link UltraGcnSimd#negativeRow} without the Vector API. */
  static double negativeRowScalar(float[] s, int off, int n, float c0, float c1, float[] beta) {
    double loss = 0;
    for (int q = 0; q < n; q++) {
      float x = s[off + q];
      float w = c0 + c1 * beta[q];
      double e = Math.exp(-Math.abs(x));
      double sig = x >= 0 ? 1 / (1 + e) : e / (1 + e);
      loss += w * (Math.max(x, 0.0) + Math.log1p(e));
      s[off + q] = (float) (w * sig);
    }
    return loss;
  }
}
