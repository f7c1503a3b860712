package io.graphcf.propagation.filter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.graph.CsrMatrix;
import io.graphcf.graph.Interactions;
import io.graphcf.propagation.NormalizedAdjacency;
import io.graphcf.propagation.Propagation;
import io.graphcf.propagation.Workers;
import io.graphcf.propagation.spectral.RandomizedSvd;
import io.graphcf.propagation.spectral.TruncatedSvd;

/**
 * BSPM: Choi et al., "Blurring-Sharpening Process Models for Collaborative Filtering", SIGIR 2023,
 * as the reference's CPU model computes it (jeongwhanchoi/BSPM, {@code bspm/model.py}, class
 * {@code BSPM}). With G = R̃ᵀR̃ and P = D_I^-1/2 V̄ V̄ᵀ D_I^1/2 (V̄: top factor_dim right singular
 * vectors of R̃), starting from the user's binary row r:
 * <ul>
 *   <li>ideal low-pass: x' = xP − x from r over [0, T_idl] (solver_idl, K_idl steps) → idl;</li>
 *   <li>blurring: x' = xG − x from r over [0, T_b] (solver_blr, K_b steps) → blurred;</li>
 *   <li>sharpening (unless sharpening_off): x' = −xG from β·idl + blurred (final_sharpening) or
 *       from blurred, over [0, T_s] (solver_shr, K_s steps) → sharpened;</li>
 *   <li>result: sharpened (or the mean of all step points of both processes with
 *       t_point_combination), plus β·idl unless it already went into the sharpening.</li>
 * </ul>
 *
 * <p>Rows of a block of users are kept transposed (items × users, so that the propagation kernels
 * run with dim = block size); x·G is R̃ᵀ(R̃ x) on that layout, and for the binary start r it is the
 * sparse three-hop walk of {@link FilterKernels#addTwoHop}. No items × items matrix is formed.
 *
 * <p>Deviation (exact, not an approximation): the ideal low-pass ODE is not stepped. Since V̄ᵀV̄ = I,
 * P is idempotent, and any Euler/RK4 run of x' = x(P − I) from r ends at a·r + (1 − a)·rP with
 * a = φ(−h)^K (φ the solver's amplification, h = T_idl/K_idl); the reference default (Euler, one
 * step, T = 1) gives a = 0, i.e. idl = rP. V̄ comes from the randomized SVD, not sparsesvd; isolated
 * items get d^1/2 = 0.
 */
public final class Bspm implements FilterScorer {
  /** Users per internal block (the transposed state is numItems × block floats per buffer). */
  static final int MAX_BLOCK = 64;

  private final NormalizedAdjacency a;
  private final int numItems;
  private final BspmConfig c;
  private final int k;
  private final float[] vbar;
  private final float[] left;
  private final LowRankScores right;
  private final double idlKeep;
  private final ThreadLocal<Scratch> scratch;
  private final Workers inline = Workers.create(1);

  Bspm(Interactions train, float[] vbar, BspmConfig config) {
    this.c = config.copy();
    this.k = c.usesIdl() ? c.factorDim() : 0;
    if ((k > 0) != (vbar != null) || vbar != null && vbar.length != (long) train.numItems() * k) {
      throw new IllegalArgumentException("V̄ must be numItems x factor_dim = " + train.numItems() + " x " + k
          + ", got " + (vbar == null ? "none" : vbar.length + " floats"));
    }
    this.a = NormalizedAdjacency.of(train, 1);
    this.numItems = train.numItems();
    this.vbar = vbar;
    double[][] norm = FilterKernels.itemNormalisers(train.itemUsers().degrees());
    this.left = k == 0 ? null : FilterKernels.scaleRows(vbar, numItems, k, norm[0], 1.0);
    this.right = k == 0 ? null : new LowRankScores(FilterKernels.scaleRows(vbar, numItems, k, norm[1], 1.0), numItems, k);
    this.idlKeep = Math.pow(c.idlSolver().amplification(-c.idlTime() / c.idlSteps()), c.idlSteps());
    this.scratch = ThreadLocal.withInitial(() -> new Scratch(train.numUsers()));
  }

  /** Fits BSPM: the SVD of R̃ when the ideal low-pass filter is on, nothing else. */
  public static Bspm fit(Interactions train, BspmConfig config, Workers w) {
    float[] vbar = null;
    if (config.usesIdl()) {
      NormalizedAdjacency na = NormalizedAdjacency.of(train, 2 * w.threads());
      TruncatedSvd svd = RandomizedSvd.compute(na, config.factorDim(), config.powerIters(), config.oversample(),
          config.seed(), w);
      vbar = svd.v();
    }
    return new Bspm(train, vbar, config);
  }

  @Override
  public String modelName() {
    return "bspm";
  }

  @Override
  public int numItems() {
    return numItems;
  }

  /** A copy of the settings. */
  public BspmConfig config() {
    return c.copy();
  }

  /** Every setting and the seed, for the metadata. */
  public ObjectNode hyperparameters() {
    return c.toJson();
  }

  /** Singular vectors in use (0 when the ideal low-pass filter is off). */
  public int k() {
    return k;
  }

  /** Item degrees of the training graph the model was fitted on. */
  int[] itemDegrees() {
    return a.graph().itemUsers().degrees();
  }

  /** V̄ (numItems × k) or null; shared, do not modify. */
  float[] vbar() {
    return vbar;
  }

  @Override
  public void score(int[] users, int from, int to, float[] out) {
    FilterKernels.checkBlock(users, from, to, out, a.numUsers(), numItems);
    int nb = to - from;
    CsrMatrix ui = a.graph().userItems();
    int[] ptr = ui.rowPtr();
    Scratch s = scratch.get();
    for (int b0 = 0; b0 < nb; b0 += MAX_BLOCK) {
      int m = Math.min(MAX_BLOCK, nb - b0);
      int width = padded(m);
      int[] starts = new int[width];
      int[] ends = new int[width];
      for (int b = 0; b < m; b++) {
        int u = users[from + b0 + b];
        starts[b] = ptr[u];
        ends[b] = ptr[u + 1];
      }
      block(ui.colIdx(), starts, ends, m, width, s, out, b0 * numItems);
    }
  }

  /**
   * Block width rounded up to a multiple of 8 (empty padding columns), so that the SIMD propagation
   * kernels run whole vectors; single users (serving) are not padded.
   */
  static int padded(int m) {
    return m == 1 ? 1 : (m + 7) & ~7;
  }

  @Override
  public void scoreHistory(int[] items, int n, float[] out) {
    int[] h = FilterKernels.distinctItems(items, n, numItems);
    if (out.length < numItems) {
      throw new IllegalArgumentException("out too small: expected >= " + numItems + ", got " + out.length);
    }
    block(h, new int[] {0}, new int[] {h.length}, 1, 1, scratch.get(), out, 0);
  }

  /**
   * Scores m users whose items are src[starts[b]..ends[b]) into out rows starting at outOff; the
   * transposed state has {@code width >= m} columns, the ones past m empty.
   */
  private void block(int[] src, int[] starts, int[] ends, int users, int m, Scratch s, float[] out, int outOff) {
    s.ensure(m, numItems, a.numUsers(), k);
    int len = numItems * m;
    float[] r0 = s.r0;
    java.util.Arrays.fill(r0, 0, len, 0f);
    for (int b = 0; b < m; b++) {
      for (int q = starts[b]; q < ends[b]; q++) {
        r0[src[q] * m + b] = 1f;
      }
    }
    float beta = (float) c.beta();
    float[] idl = null;
    if (k > 0) {
      idl = s.idl;
      for (int b = 0; b < m; b++) {
        FilterKernels.sumRows(left, k, src, starts[b], ends[b], s.p, b * k);
      }
      // rP = (r D_I^-1/2 V̄)(D_I^1/2 V̄)ᵀ in rows, then transposed: idl[j, b] = (rP)[b, j]
      float[] rows = s.sharpened;
      right.multiply(s.p, m, rows);
      for (int b = 0; b < m; b++) {
        int rb = b * numItems;
        for (int j = 0; j < numItems; j++) {
          idl[j * m + b] = rows[rb + j];
        }
      }
      float keep = (float) idlKeep;
      // idl = a·r + (1 − a)·rP, the exact end point of the low-pass ODE (see class comment)
      if (keep != 0f) {
        for (int q = 0; q < len; q++) {
          idl[q] = keep * r0[q] + (1f - keep) * idl[q];
        }
      }
    }
    boolean tPoint = c.tPointCombination();
    float[] sum = s.sum;
    if (tPoint) {
      java.util.Arrays.fill(sum, 0, len, 0f);
    }
    OdeSolver.Point acc = tPoint ? (step, y) -> {
      for (int q = 0; q < len; q++) {
        sum[q] += y[q];
      }
    } : null;
    // blurring: x' = xG − x from r
    OdeSolver.Rhs blur = (x, dx) -> {
      applyG(x, dx, src, starts, ends, m, s);
      for (int q = 0; q < len; q++) {
        dx[q] -= x[q];
      }
    };
    c.blurSolver().integrate(blur, r0, len, c.blurTime(), c.blurSteps(), s.blurred, s.work, acc);
    float[] u2 = s.blurred;
    int points = c.blurSteps();
    if (!c.sharpeningOff()) {
      float[] y0 = s.blurred;
      if (c.finalSharpening() && idl != null) {
        y0 = s.start;
        for (int q = 0; q < len; q++) {
          y0[q] = beta * idl[q] + s.blurred[q];
        }
      }
      // sharpening: x' = −xG
      OdeSolver.Rhs sharpen = (x, dx) -> {
        applyG(x, dx, src, starts, ends, m, s);
        for (int q = 0; q < len; q++) {
          dx[q] = -dx[q];
        }
      };
      c.sharpenSolver().integrate(sharpen, y0, len, c.sharpenTime(), c.sharpenSteps(), s.sharpened, s.work, acc);
      u2 = s.sharpened;
      points += c.sharpenSteps();
    }
    if (tPoint) {
      float inv = 1f / points;
      for (int q = 0; q < len; q++) {
        sum[q] *= inv;
      }
      u2 = sum;
    }
    boolean addIdl = idl != null && !(c.finalSharpening() && !c.sharpeningOff());
    for (int b = 0; b < users; b++) {
      int ob = outOff + b * numItems;
      if (addIdl) {
        // ret = U₂ + β·idl
        for (int j = 0; j < numItems; j++) {
          out[ob + j] = u2[j * m + b] + beta * idl[j * m + b];
        }
      } else {
        for (int j = 0; j < numItems; j++) {
          out[ob + j] = u2[j * m + b];
        }
      }
    }
  }

  /** dx = x·G on the transposed layout; the sparse three-hop walk when x is the binary start. */
  private void applyG(float[] x, float[] dx, int[] src, int[] starts, int[] ends, int m, Scratch s) {
    int len = numItems * m;
    if (x == s.r0) {
      java.util.Arrays.fill(dx, 0, len, 0f);
      for (int b = 0; b < m; b++) {
        FilterKernels.addTwoHop(a, src, starts[b], ends[b], s.t, s.touched, dx, b, m);
      }
    } else {
      // (xG)ᵀ = R̃ᵀ (R̃ xᵀ)
      Propagation.usersFromItems(a, x, m, s.users, inline);
      Propagation.itemsFromUsers(a, s.users, m, dx, inline);
    }
  }

  /** Per-thread buffers, sized for the current block width. */
  private static final class Scratch {
    final float[] t;
    final int[] touched;
    int m = -1;
    float[] r0;
    float[] idl;
    float[] p;
    float[] blurred;
    float[] start;
    float[] sharpened;
    float[] sum;
    float[] users;
    float[][] work;

    Scratch(int numUsers) {
      t = new float[numUsers];
      touched = new int[numUsers];
    }

    void ensure(int width, int numItems, int numUsers, int k) {
      if (width == m) {
        return;
      }
      m = width;
      int len = numItems * width;
      r0 = new float[len];
      idl = k > 0 ? new float[len] : null;
      p = k > 0 ? new float[width * k] : null;
      blurred = new float[len];
      start = new float[len];
      sharpened = new float[len];
      sum = new float[len];
      users = new float[numUsers * width];
      work = new float[5][len];
    }
  }
}
