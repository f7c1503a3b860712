package io.graphcf.propagation.ultragcn;

import io.graphcf.graph.Interactions;
import io.graphcf.propagation.Workers;
import java.util.Arrays;

/**
 * Loss and gradient of one UltraGCN batch (Mao et al., CIKM 2021), as the reference code computes
 * them ({@code get_omegas}, {@code cal_loss_L}, {@code cal_loss_I} in xue-pai/UltraGCN
 * {@code main.py}). For every positive (u, i) of the batch, with N negatives j drawn uniformly
 * over all items with replacement (not filtered: the positive itself or another training item
 * may be drawn) and S(i) the item's top-K co-occurrence neighbours:
 *
 * <pre>
 *   ℓ(u, i) = (w1 + w2·β_{u,i}) · softplus(−e_u·e_i)
 *           + negative_weight · (1/N) Σ_j (w3 + w4·β_{u,j}) · softplus(e_u·e_j)
 *           + λ · Σ_{j ∈ S(i)} ω_{i,j} · softplus(−e_u·e_j)
 * </pre>
 *
 * with softplus(−x) = −log σ(x) (the reference's {@code binary_cross_entropy_with_logits}; its
 * item–item term is written {@code -log(sigmoid(x))}, the same value, which overflows to ∞ for very
 * negative scores where this one stays finite) and β_{u,i} = sqrt(d_u + 1)/d_u · 1/sqrt(d_i + 1)
 * from training degrees, kept as two vectors. The batch loss is the sum over its positives (no
 * mean). The L2 term γ·‖Θ‖²/2 over both full tables is not added here: the trainer hands γ to Adam
 * as weight decay, which is the same gradient.
 *
 * <p>Memory layout of the negative work (B·N pairs per batch, 768 000 for Gowalla): scattered
 * gathers and updates of random item rows are latency-bound, so the pairs are bucketed by item
 * block ({@value #BLOCK} consecutive items) and each bucket is processed with its item rows, their
 * gradient rows, the batch's user rows and user-gradient rows all cache-resident; the big tables
 * are streamed once per batch. Buckets form {@value #GROUPS} fixed groups with their own
 * user-gradient buffers, reduced in group order, and within a bucket the pairs keep the batch
 * order (positive, then draw), so the result is bit-identical for any thread count (more than
 * {@value #GROUPS} threads would leave some idle in that phase).
 */
final class UltraGcnObjective {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private static final long MASK32 = 0xFFFFFFFFL;
  private static final int BLOCK_BITS = 8;
  /** Items per bucket. */
  static final int BLOCK = 1 << BLOCK_BITS;
  /** Fixed groups of buckets, each with its own user-gradient buffer. */
  static final int GROUPS = 8;
  /** Ints or floats in one cache line: padding between per-thread scratch arrays. */
  private static final int PAD = 16;
  /** Whether the Vector API kernel can run in this JVM. */
  static final boolean SIMD_AVAILABLE =
      ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() && UltraGcnSimd.usable();

  private final int numUsers;
  private final int numItems;
  private final int dim;
  private final int negatives;
  private final int k;
  private final int maxBatch;
  private final float[] betaU;
  private final float[] betaI;
  private final int[] iiNeighbours;
  private final float[] iiWeights;
  private final double w1;
  private final double w2;
  private final double w3;
  private final double w4;
  private final double negScale;
  private final double lambda;
  private final int parts;
  private final int buckets;
  private final boolean simd;

  // batch-sized scratch, reused
  private final float[] batchUsers;
  private final float[] batchBeta;
  private final float[] posGrad;
  private final double[] posLoss;
  private final int[] posRecItem;
  private final float[] posRecCoef;
  private final int[] samples;
  private final int[][] partCounts;
  private final int[] pairB;
  private final int[] pairJ;
  private final int[] bucketStart;
  private final float[][] groupGrad;
  private final double[] groupLoss;
  private final float[][] chunkScores;
  private final float[][] chunkWeights;
  private final float[][] laneScratch;
  /** The shared-negatives path, or null for the reference's per-positive negatives. */
  private final SharedNegatives shared;

  UltraGcnObjective(Interactions train, ItemItemConstraint ii, UltraGcnParams p, int parts) {
    this(train, ii, p, parts, SIMD_AVAILABLE);
  }

  /** {@code simd}: use the Vector API kernel (must be available) or the scalar one (tests). */
  UltraGcnObjective(Interactions train, ItemItemConstraint ii, UltraGcnParams p, int parts, boolean simd) {
    if (simd && !SIMD_AVAILABLE) {
      throw new IllegalStateException("jdk.incubator.vector is not available in this JVM");
    }
    this.simd = simd;
    if (parts < 1) {
      throw new IllegalArgumentException("parts must be >= 1, got " + parts);
    }
    if (ii.numItems() != train.numItems() || ii.k() != p.neighbours()) {
      throw new IllegalArgumentException("item-item constraint shape: expected " + train.numItems() + " items x K="
          + p.neighbours() + ", got " + ii.numItems() + " x " + ii.k());
    }
    this.numUsers = train.numUsers();
    this.numItems = train.numItems();
    this.dim = p.dim();
    this.negatives = p.negatives();
    this.k = p.neighbours();
    this.maxBatch = p.batchSize();
    this.betaU = new float[numUsers];
    this.betaI = new float[numItems];
    int[] du = train.userItems().degrees();
    int[] di = train.itemUsers().degrees();
    // β_{u,i} = sqrt(d_u + 1)/d_u · 1/sqrt(d_i + 1) (reference: beta_uD, beta_iD in load_data)
    for (int u = 0; u < numUsers; u++) {
      betaU[u] = du[u] == 0 ? 0f : (float) (Math.sqrt(du[u] + 1.0) / du[u]);
    }
    for (int i = 0; i < numItems; i++) {
      betaI[i] = (float) (1.0 / Math.sqrt(di[i] + 1.0));
    }
    this.iiNeighbours = ii.neighbours();
    this.iiWeights = ii.weights();
    this.w1 = p.w1();
    this.w2 = p.w2();
    this.w3 = p.w3();
    this.w4 = p.w4();
    this.negScale = negatives == 0 ? 0 : p.negativeWeight() / negatives;
    this.lambda = p.lambda();
    this.parts = parts;
    this.buckets = (numItems + BLOCK - 1) >>> BLOCK_BITS;
    this.shared = p.sharedNegatives() ? new SharedNegatives(negatives, dim, numItems, maxBatch, simd) : null;
    int pairs = shared != null ? 0 : Math.multiplyExact(maxBatch, negatives);
    this.batchUsers = new float[maxBatch * dim];
    this.batchBeta = new float[maxBatch];
    this.posGrad = new float[maxBatch * dim];
    this.posLoss = new double[maxBatch];
    this.posRecItem = new int[maxBatch * (1 + k)];
    this.posRecCoef = new float[maxBatch * (1 + k)];
    this.samples = new int[pairs];
    // per-thread scratch gets a cache line of padding at its end, so no two threads write one line
    this.partCounts = new int[parts][buckets + PAD];
    this.pairB = new int[pairs];
    this.pairJ = new int[pairs];
    this.bucketStart = new int[buckets + 1];
    this.groupGrad = new float[GROUPS][maxBatch * dim];
    this.groupLoss = new double[GROUPS];
    this.chunkScores = new float[GROUPS][simd ? UltraGcnSimd.CHUNK + PAD : 0];
    this.chunkWeights = new float[GROUPS][simd ? UltraGcnSimd.CHUNK + PAD : 0];
    this.laneScratch = new float[GROUPS][simd ? 64 + PAD : 0];
  }

  /**
   * Adds the gradient of the batch loss (without the L2 term) to {@code gradUsers} and
   * {@code gradItems} and returns the batch loss. The batch is positives
   * {@code users[from..to)}, {@code items[from..to)}. Negatives of the positive at position
   * {@code q} are drawn from the stream {@code (sampleKey, q)}, or, when {@code fixedNegatives}
   * is not null, read from {@code fixedNegatives[(q − from)·N ..]} (tests). With shared
   * negatives the batch draws one set from the stream {@code (sampleKey, from)}, or reads
   * {@code fixedNegatives[0, N)}.
   */
  double accumulate(float[] userEmb, float[] itemEmb, int[] users, int[] items, int from, int to, long sampleKey,
      int[] fixedNegatives, float[] gradUsers, float[] gradItems, Workers workers) {
    int n = to - from;
    if (n < 0 || n > maxBatch) {
      throw new IllegalArgumentException("batch size: expected 0.." + maxBatch + ", got " + n);
    }
    long fixedNeeded = shared != null ? negatives : (long) n * negatives;
    if (fixedNegatives != null && fixedNegatives.length < fixedNeeded) {
      throw new IllegalArgumentException("fixed negatives: expected " + fixedNeeded + ", got "
          + fixedNegatives.length);
    }
    if (n == 0) {
      return 0;
    }
    // 1. per positive range: user rows, positive and item–item terms, negative draws and bucket counts
    workers.run(parts, t -> positivesAndDraws(userEmb, itemEmb, users, items, from, n, t, sampleKey,
        fixedNegatives));
    if (shared != null) {
      return sharedNegatives(itemEmb, users, from, n, sampleKey, fixedNegatives, gradUsers, gradItems,
          workers);
    }
    // 2. bucket offsets: bucket-major, then part, so each bucket lists its pairs in batch order
    int off = 0;
    for (int bk = 0; bk < buckets; bk++) {
      bucketStart[bk] = off;
      for (int t = 0; t < parts; t++) {
        int c = partCounts[t][bk];
        partCounts[t][bk] = off;
        off += c;
      }
    }
    bucketStart[buckets] = off;
    workers.run(parts, t -> scatterPairs(n, t));
    // 3. the negative pairs, bucket by bucket, in fixed groups
    workers.run(GROUPS, g -> negativeGroup(itemEmb, gradItems, g));
    // 4. reductions in a fixed order
    double loss = 0;
    int d = dim;
    for (int b = 0; b < n; b++) {
      int uo = users[from + b] * d;
      int bo = b * d;
      for (int c = 0; c < d; c++) {
        float s = posGrad[bo + c];
        for (int g = 0; g < GROUPS; g++) {
          s += groupGrad[g][bo + c];
        }
        gradUsers[uo + c] += s;
      }
      loss += posLoss[b];
      addPositiveItemGradients(b, gradItems);
    }
    for (int g = 0; g < GROUPS; g++) {
      loss += groupLoss[g];
      Arrays.fill(groupGrad[g], 0, n * d, 0f);
    }
    return loss;
  }

  /** Adds batch row b's gradients on its positive item and its constraint neighbours: ∂L/∂e_j += c · e_u. */
  private void addPositiveItemGradients(int b, float[] gradItems) {
    int d = dim;
    int ro = b * (1 + k);
    for (int m = 0; m <= k; m++) {
      int j = posRecItem[ro + m];
      if (j < 0) {
        break;
      }
      axpy(posRecCoef[ro + m], batchUsers, b * d, gradItems, j * d, d);
    }
  }

  /** Phases 2–4 with one negative set for the whole batch ({@link SharedNegatives}). */
  private double sharedNegatives(float[] itemEmb, int[] users, int from, int n, long sampleKey,
      int[] fixedNegatives, float[] gradUsers, float[] gradItems, Workers workers) {
    double loss = shared.compute(itemEmb, betaI, batchUsers, batchBeta, n, sampleKey, from, fixedNegatives, negScale,
        w3, w4, workers, parts);
    float[] ug = shared.userGradient();
    int d = dim;
    for (int b = 0; b < n; b++) {
      int uo = users[from + b] * d;
      int bo = b * d;
      for (int c = 0; c < d; c++) {
        gradUsers[uo + c] += posGrad[bo + c] + ug[bo + c];
      }
      loss += posLoss[b];
      addPositiveItemGradients(b, gradItems);
    }
    shared.scatterItems(gradItems);
    return loss;
  }

  private int rangeStart(int n, int t) {
    return (int) ((long) n * t / parts);
  }

  /** Phase 1 for positives [rangeStart(t), rangeStart(t+1)) of the batch. */
  private void positivesAndDraws(float[] userEmb, float[] itemEmb, int[] users, int[] items, int from, int n, int t,
      long sampleKey, int[] fixedNegatives) {
    final int d = dim;
    final int[] counts = partCounts[t];
    Arrays.fill(counts, 0);
    final int[] smp = samples;
    for (int b = rangeStart(n, t); b < rangeStart(n, t + 1); b++) {
      int u = users[from + b];
      int i = items[from + b];
      int bo = b * d;
      System.arraycopy(userEmb, u * d, batchUsers, bo, d);
      batchBeta[b] = betaU[u];
      Arrays.fill(posGrad, bo, bo + d, 0f);
      double bu = betaU[u];
      int ro = b * (1 + k);
      // positive: (w1 + w2·β_{u,i}) · softplus(−s), ∂/∂s = −(w1 + w2·β_{u,i}) · σ(−s)
      double loss = pullTerm(itemEmb, bo, i, w1 + w2 * bu * betaI[i], ro);
      // item–item: λ · ω_{i,j} · softplus(−s), ∂/∂s = −λ · ω_{i,j} · σ(−s)
      int nb = i * k;
      int m = 0;
      for (; m < k; m++) {
        int j = iiNeighbours[nb + m];
        if (j < 0) {
          break;
        }
        loss += pullTerm(itemEmb, bo, j, lambda * iiWeights[nb + m], ro + 1 + m);
      }
      if (m < k) {
        posRecItem[ro + 1 + m] = -1;
      }
      posLoss[b] = loss;
      if (shared != null) {
        continue;
      }
      // negatives: uniform over all items, with replacement
      int so = b * negatives;
      if (fixedNegatives == null) {
        // the stream's state lives in a register: a per-thread stream object written on every
        // draw shared its cache line with the other thread's and cost ~30% CPU with 2 threads
        long st = streamSeed(sampleKey, from + b);
        final int bound = numItems;
        for (int x = 0; x < negatives; x++) {
          st += GOLDEN;
          long prod = (mix64(st) >>> 32) * bound;
          if ((prod & MASK32) < bound) {
            long threshold = (0x100000000L - bound) % bound;
            while ((prod & MASK32) < threshold) {
              st += GOLDEN;
              prod = (mix64(st) >>> 32) * bound;
            }
          }
          int j = (int) (prod >>> 32);
          smp[so + x] = j;
          counts[j >>> BLOCK_BITS]++;
        }
      } else {
        for (int x = 0; x < negatives; x++) {
          int j = fixedNegatives[so + x];
          smp[so + x] = j;
          counts[j >>> BLOCK_BITS]++;
        }
      }
    }
  }

  /** One attracting term w · softplus(−e_u·e_j): loss, user gradient, recorded item gradient. */
  private double pullTerm(float[] itemEmb, int bo, int j, double w, int rec) {
    int d = dim;
    float s = dot(batchUsers, bo, itemEmb, j * d, d);
    double e = Math.exp(-Math.abs(s));
    double sigNeg = s >= 0 ? e / (1 + e) : 1 / (1 + e);
    float c = (float) (-w * sigNeg);
    posRecItem[rec] = j;
    posRecCoef[rec] = c;
    axpy(c, itemEmb, j * d, posGrad, bo, d);
    return w * (Math.max(-s, 0.0) + Math.log(1 + e));
  }

  /** Phase 2: the part's draws into their buckets (sequential write streams). */
  private void scatterPairs(int n, int t) {
    final int[] next = partCounts[t];
    final int[] smp = samples;
    final int[] pb = pairB;
    final int[] pj = pairJ;
    final int nn = negatives;
    for (int b = rangeStart(n, t); b < rangeStart(n, t + 1); b++) {
      int so = b * nn;
      for (int x = 0; x < nn; x++) {
        int j = smp[so + x];
        int r = next[j >>> BLOCK_BITS]++;
        pb[r] = b;
        pj[r] = j;
      }
    }
  }

  /** Phase 3: every negative pair of the group's buckets. */
  private void negativeGroup(float[] itemEmb, float[] gradItems, int g) {
    final int d = dim;
    final float[] gu = groupGrad[g];
    final float[] bUsers = batchUsers;
    final float[] bBeta = batchBeta;
    final float[] bi = betaI;
    final int[] pb = pairB;
    final int[] pj = pairJ;
    final double scale = negScale;
    final double a3 = w3;
    final double a4 = w4;
    int bkFrom = (int) ((long) buckets * g / GROUPS);
    int bkTo = (int) ((long) buckets * (g + 1) / GROUPS);
    if (simd) {
      groupLoss[g] = UltraGcnSimd.negativePairs(pb, pj, bucketStart[bkFrom], bucketStart[bkTo], bUsers, bBeta, bi,
          itemEmb, gradItems, gu, d, scale, a3, a4, chunkScores[g], chunkWeights[g], laneScratch[g]);
      return;
    }
    double loss = 0;
    for (int r = bucketStart[bkFrom]; r < bucketStart[bkTo]; r++) {
      int b = pb[r];
      int j = pj[r];
      int bo = b * d;
      int jo = j * d;
      // negative_weight/N · (w3 + w4·β_{u,j}) · softplus(s), ∂/∂s = … · σ(s)
      float s = dot(bUsers, bo, itemEmb, jo, d);
      double w = scale * (a3 + a4 * bBeta[b] * bi[j]);
      double e = Math.exp(-Math.abs(s));
      double sig = s >= 0 ? 1 / (1 + e) : e / (1 + e);
      loss += w * (Math.max(s, 0.0) + Math.log(1 + e));
      float c = (float) (w * sig);
      axpy(c, bUsers, bo, gradItems, jo, d);
      axpy(c, itemEmb, jo, gu, bo, d);
    }
    groupLoss[g] = loss;
  }

  /** Dot product of {@code a[ao..ao+d)} with {@code b[bo..bo+d)}, four accumulators. */
  static float dot(float[] a, int ao, float[] b, int bo, int d) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int x = 0;
    for (; x + 3 < d; x += 4) {
      s0 += a[ao + x] * b[bo + x];
      s1 += a[ao + x + 1] * b[bo + x + 1];
      s2 += a[ao + x + 2] * b[bo + x + 2];
      s3 += a[ao + x + 3] * b[bo + x + 3];
    }
    for (; x < d; x++) {
      s0 += a[ao + x] * b[bo + x];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** {@code y[yo..yo+d) += c · x[xo..xo+d)}. */
  private static void axpy(float c, float[] x, int xo, float[] y, int yo, int d) {
    for (int t = 0; t < d; t++) {
      y[yo + t] += c * x[xo + t];
    }
  }

  /** The start state of the negative-sampling stream of the positive at epoch position {@code q}. */
  static long streamSeed(long key, long q) {
    return mix64(key ^ mix64(q * GOLDEN + 0x632BE59BD9B4E019L));
  }

  /** SplitMix64's finaliser (the mixing function of {@link java.util.SplittableRandom}). */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The negatives the objective draws for epoch position {@code q} (tests and diagnostics). */
  int[] sampleNegatives(long sampleKey, int q) {
    int[] out = new int[negatives];
    NegativeStream rng = new NegativeStream();
    rng.reset(sampleKey, q);
    for (int m = 0; m < negatives; m++) {
      out[m] = rng.nextInt(numItems);
    }
    return out;
  }

  /**
   * A counter-based SplitMix64 stream keyed by (sample key, epoch position), so that a positive's
   * negatives do not depend on which thread draws them; uniform integers by Lemire's
   * multiply-and-reject on 32 bits (exactly uniform).
   */
  static final class NegativeStream {
    private long state;

    void reset(long key, long q) {
      state = streamSeed(key, q);
    }

    int nextInt(int bound) {
      state += GOLDEN;
      long prod = (mix64(state) >>> 32) * bound;
      if ((prod & MASK32) < bound) {
        long threshold = (0x100000000L - bound) % bound;
        while ((prod & MASK32) < threshold) {
          state += GOLDEN;
          prod = (mix64(state) >>> 32) * bound;
        }
      }
      return (int) (prod >>> 32);
    }
  }

  int numUsers() {
    return numUsers;
  }

  int numItems() {
    return numItems;
  }
}
