package io.graphcf.propagation.filter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.graph.CsrMatrix;
import io.graphcf.graph.Interactions;
import io.graphcf.propagation.NormalizedAdjacency;
import io.graphcf.propagation.Workers;
import io.graphcf.propagation.spectral.RandomizedSvd;
import io.graphcf.propagation.spectral.TruncatedSvd;

/**
 * GF-CF: Shen et al., "How Powerful is Graph Convolution for Recommendation?", CIKM 2021, as the
 * reference code computes it (yshenaw/GF_CF, {@code model.py}, class {@code GF_CF}):
 *
 * <pre>  s_u = r_u·R̃ᵀR̃ + α · r_u·D_I^-1/2 V̄ V̄ᵀ D_I^1/2</pre>
 *
 * with r_u the user's binary training row, R̃ = D_U^-1/2 R D_I^-1/2 and V̄ the top-k right singular
 * vectors of R̃ (reference: k = 256, α = 0.3; for amazon-book the reference drops the second term,
 * i.e. α = 0). No items × items matrix is formed: the first term is a sparse three-hop walk per user
 * on the binary graph ({@link FilterKernels#walkBinary}) into an accumulator row that stays in cache,
 * added to the block's scores scaled by d_j^-1/2, the second is p_u = Σ_{i∈r_u} d_i^-1/2 V̄_i followed by one dense
 * block product p·Wᵀ with W = α·D_I^1/2 V̄ ({@link LowRankScores}).
 *
 * <p>Deviations from the reference code: V̄ comes from the randomized SVD ({@link RandomizedSvd})
 * instead of sparsesvd's Lanczos; items with no training interaction get d^1/2 = 0 (the reference
 * divides by zero there).
 */
public final class GfCf implements FilterScorer {
  public static final int DEFAULT_K = 256;
  public static final double DEFAULT_ALPHA = 0.3;
  public static final int DEFAULT_POWER_ITERS = 4;
  public static final int DEFAULT_OVERSAMPLE = 10;

  private final NormalizedAdjacency a;
  private final int numItems;
  private final int k;
  private final double alpha;
  private final float[] vbar;
  private final float[] left;
  private final LowRankScores right;
  /** d_i^-1/2 and d_v^-1 of the training graph, for the binary walk. */
  private final float[] itemScale;
  private final float[] userScale;
  private final ObjectNode hyperparameters;
  private final ThreadLocal<Scratch> scratch;

  /**
   * Wraps a fitted (or loaded) model: {@code vbar} is V̄ (numItems × k), null when k = 0.
   */
  GfCf(Interactions train, float[] vbar, int k, double alpha, ObjectNode hyperparameters) {
    if (k < 0 || (k > 0) != (vbar != null) || vbar != null && vbar.length != (long) train.numItems() * k) {
      throw new IllegalArgumentException("V̄ must be numItems x k = " + train.numItems() + " x " + k + ", got "
          + (vbar == null ? "none" : vbar.length + " floats"));
    }
    this.a = NormalizedAdjacency.of(train, 1);
    this.numItems = train.numItems();
    this.k = k;
    this.alpha = alpha;
    this.vbar = vbar;
    double[][] norm = FilterKernels.itemNormalisers(train.itemUsers().degrees());
    this.left = k == 0 ? null : FilterKernels.scaleRows(vbar, numItems, k, norm[0], 1.0);
    this.right = k == 0 ? null : new LowRankScores(FilterKernels.scaleRows(vbar, numItems, k, norm[1], alpha), numItems, k);
    this.itemScale = FilterKernels.invSqrtDegrees(train.itemUsers().rowPtr(), numItems);
    this.userScale = FilterKernels.invDegrees(train.userItems().rowPtr(), train.numUsers());
    this.hyperparameters = hyperparameters.deepCopy();
    this.scratch = ThreadLocal.withInitial(() -> new Scratch(train.numUsers(), numItems));
  }

  /**
   * Fits GF-CF on {@code train}: the top-{@code k} right singular vectors of R̃ by randomized SVD
   * ({@code powerIters}, {@code oversample}, {@code seed}). With {@code alpha == 0} or {@code k == 0}
   * no SVD is computed and only the linear filter r·R̃ᵀR̃ remains.
   */
  public static GfCf fit(Interactions train, int k, double alpha, int powerIters, int oversample, long seed,
      Workers w) {
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0, got " + k);
    }
    if (!Double.isFinite(alpha)) {
      throw new IllegalArgumentException("alpha must be finite, got " + alpha);
    }
    int kk = alpha == 0.0 ? 0 : k;
    float[] vbar = null;
    if (kk > 0) {
      NormalizedAdjacency na = NormalizedAdjacency.of(train, 2 * w.threads());
      TruncatedSvd svd = RandomizedSvd.compute(na, kk, powerIters, oversample, seed, w);
      vbar = svd.v();
    }
    ObjectNode h = new ObjectMapper().createObjectNode();
    h.put("k", kk).put("alpha", alpha).put("powerIters", powerIters).put("oversample", oversample).put("seed", seed);
    return new GfCf(train, vbar, kk, alpha, h);
  }

  @Override
  public String modelName() {
    return "gfcf";
  }

  @Override
  public int numItems() {
    return numItems;
  }

  /** Number of singular vectors in the ideal low-pass term (0 when it is off). */
  public int k() {
    return k;
  }

  public double alpha() {
    return alpha;
  }

  /** V̄ (numItems × k), or null when k = 0; shared, do not modify. */
  float[] vbar() {
    return vbar;
  }

  /** Item degrees of the training graph the model was fitted on. */
  int[] itemDegrees() {
    return a.graph().itemUsers().degrees();
  }

  /** k, alpha, the SVD settings and seed. */
  public ObjectNode hyperparameters() {
    return hyperparameters.deepCopy();
  }

  @Override
  public void score(int[] users, int from, int to, float[] out) {
    FilterKernels.checkBlock(users, from, to, out, a.numUsers(), numItems);
    int nb = to - from;
    CsrMatrix ui = a.graph().userItems();
    int[] ptr = ui.rowPtr();
    int[] idx = ui.colIdx();
    Scratch s = scratch.get();
    if (k > 0) {
      float[] p = s.p(nb * k);
      for (int b = 0; b < nb; b++) {
        int u = users[from + b];
        FilterKernels.sumRows(left, k, idx, ptr[u], ptr[u + 1], p, b * k);
      }
      // out = α (r D_I^-1/2 V̄)(D_I^1/2 V̄)ᵀ
      right.multiply(p, nb, out);
    } else {
      java.util.Arrays.fill(out, 0, nb * numItems, 0f);
    }
    CsrMatrix iu = a.graph().itemUsers();
    int[] iuPtr = iu.rowPtr();
    int[] iuIdx = iu.colIdx();
    for (int b = 0; b < nb; b++) {
      int u = users[from + b];
      // out += r R̃ᵀ R̃ = d_j^-1/2 · (the binary walk's acc)
      FilterKernels.walkBinary(iuPtr, iuIdx, ptr, idx, itemScale, userScale, idx, ptr[u], ptr[u + 1], s.t, s.touched,
          s.acc);
      FilterKernels.addScaled(s.acc, itemScale, numItems, out, b * numItems);
    }
  }

  @Override
  public void scoreHistory(int[] items, int n, float[] out) {
    int[] h = FilterKernels.distinctItems(items, n, numItems);
    if (out.length < numItems) {
      throw new IllegalArgumentException("out too small: expected >= " + numItems + ", got " + out.length);
    }
    Scratch s = scratch.get();
    if (k > 0) {
      float[] p = s.p(k);
      FilterKernels.sumRows(left, k, h, 0, h.length, p, 0);
      right.multiply(p, 1, out);
    } else {
      java.util.Arrays.fill(out, 0, numItems, 0f);
    }
    FilterKernels.addTwoHop(a, h, 0, h.length, s.t, s.touched, out, 0, 1);
  }

  /**
   * Per-thread scratch: the user-side accumulator of the three-hop walk, the item-side accumulator
   * row (all zero between users) and the block's p.
   */
  private static final class Scratch {
    final float[] t;
    final int[] touched;
    final float[] acc;
    float[] p = new float[0];

    Scratch(int numUsers, int numItems) {
      t = new float[numUsers];
      touched = new int[numUsers];
      acc = new float[numItems];
    }

    float[] p(int n) {
      if (p.length < n) {
        p = new float[n];
      }
      return p;
    }
  }
}
