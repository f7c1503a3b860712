package io.graphcf.contrastive;

import io.graphcf.propagation.VectorMath;
import io.graphcf.propagation.Workers;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

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
 * so results are bit-identical for any number of threads). Pass 1 keeps a running max and sum per
 * row and chunk; after merging the chunks in a fixed order, pass 2 recomputes each score tile, turns
 * it into q_bj = w_b/τ · softmax_bj in place and accumulates ∂L/∂e_j (rows owned by the chunk) and a
 * per-chunk partial of ∂L/∂g_b, summed in chunk order at the end. That is four (batch × nodes × d)
 * products per call (two score passes, q·E and qᵀ·G), all done by three register-tiled micro-kernels
 * over the incubating Vector API with {@value #MR} × 2 vector accumulators each (12 FMA chains, two
 * vector loads and six broadcasts per six FMAs pairs):
 * <ul>
 *   <li>scores: the batch rows are packed once per call into k-major panels of 2 vectors' width, the
 *       node rows are broadcast straight from E; the tile is node-major (tile[c][b]), so the per-row
 *       max, Σ exp and softmax run lane-wise with no horizontal reductions;</li>
 *   <li>∂L/∂G: six batch rows × 2 vectors of d, reducing over the tile's nodes (E rows as vectors);</li>
 *   <li>∂L/∂E: six nodes × 2 vectors of d, reducing over the tile's batch rows (G rows as vectors).</li>
 * </ul>
 * Batch rows are padded with zero rows of weight 0 to a multiple of {@link #ROW_ALIGN} so no
 * micro-kernel needs a row tail. The exponentials are {@link VectorMath#expColumns}
 * ({@link VectorMath#expNonPositive}'s arithmetic: the same bits in every JIT tier). Accumulators start
 * as copies of ONE {@code FloatVector.zero(S)}: twelve separate zero() calls halved the kernels' speed
 * under JDK 17's C2.
 *
 * <p>No vector crosses a method call: the kernels write their accumulators back inline, and the max
 * and exponential loops are array-in, array-out methods ({@code maxBlock},
 * {@link VectorMath#expColumns}). JDK 17's C2 does not always inline a vector-taking or
 * vector-returning helper into a large caller, and boxes the vectors at such a call; in a real Gowalla
 * epoch (not in short benchmarks, where the order of compilation differs) that happened at
 * {@code VectorMath.expNonPositive} in the exp loops, and then at the accumulator of a shared exp loop
 * that branched between a sum mode and an in-place mode. A default epoch took 410–469 s wall /
 * 763–868 CPU-s with ~1.5–2 GB/s of garbage; with the straight array-level loop, 238 s / 439 CPU-s
 * (42 young GCs in the whole command against 445), the same model to the last bit, in line with
 * {@code bench lightgcl-step}'s projection. That was not the end of it: the exp loop's vector
 * accumulator (started at {@code FloatVector.zero}) boxed on every column in every JVM that resumed the
 * Gowalla run from a checkpoint (three of three; 873–898 CPU-s per epoch, ~1,200 young GCs), so
 * {@link VectorMath#expColumns} now sums through memory and keeps no vector across an iteration. A new
 * kernel's JFR allocation samples over a whole epoch are the check (and the epoch lines'
 * {@code gc_count}). The last vector-taking helper went later: {@code gradNodes} handed the sums of its
 * single-node tail (the {@code nc % 6} nodes at a chunk's end) and of a d that is not a multiple of P
 * to {@code addRow}, and {@code -XX:+PrintInlining} on {@code bench lightgcl-step} showed C2 leaving
 * that call out of line ("callee is too large": the call site is cold); now the sums go through
 * {@code spill} to an array-only helper. And then a training JVM still made ~60 MB of garbage per
 * in-batch step (JFR: {@code lanewiseTemplate}, the non-intrinsic fallback, at two of the twelve
 * {@code fromArray(..).add(s).intoArray} lines that end {@code gradRows} and {@code gradNodes}, a different
 * pair in different JVMs) while {@code bench lightgcl-step} was clean: so both now store their sums
 * into {@code spill} and add them back in the array-only helper, twelve vector calls instead of 36.
 *
 * <p>Measured on the shared 2-core AVX2 machine, operands in cache, per process-CPU second against 81
 * GFLOP of a register-only FMA loop: scores 72, ∂L/∂G 64, ∂L/∂E 39 GFLOP. A whole call on a
 * Gowalla-shaped problem (960 rows × 40,981 nodes) is only 1.1–1.3× the previous 4 × 2 kernels
 * (17–20 against 15–17 GFLOP per CPU-s): the time outside the micro-kernels is not yet accounted for.
 * On the AVX-512 machine that followed ({@code InfoNceBench}, one thread, idle): scores 96, ∂L/∂G 87,
 * ∂L/∂E 88 GFLOP/s in cache, a whole call 103 (3,500 × 29,858) and 105 (3,500 × 3,500) GFLOP/s, against
 * 196–217 GFLOP per CPU-s of the FMA loop of {@code bench lightgcl-step} there.
 */
final class InfoNce {
  /** Column chunks: fixed, independent of the thread count. */
  static final int CHUNKS = 8;
  /** The reference's clamp bounds of the positive score. */
  static final float CLAMP = 5f;
  /** The reference's epsilon inside the log of the denominator. */
  static final double EPS = 1e-8;

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** One vector of ones: {@link VectorMath#expColumns}'s scale when pass 1 wants only the sums. */
  private static final float[] ONES = ones(L);
  /** Width of a packed row panel and of a block of d: two vectors. */
  private static final int P = 2 * L;
  /** Rows (or nodes) per register block on the broadcast side. */
  private static final int MR = 6;
  /** Batch rows are padded to a multiple of this: whole panels and whole register blocks. */
  static final int ROW_ALIGN = lcm(P, MR);
  /** Batch rows per tile. */
  static final int ROWS = 2 * ROW_ALIGN;
  /** Nodes per tile (a multiple of MR). */
  static final int TILE = 96;

  private final int dim;
  private float[] rows = new float[0];
  private float[] panels = new float[0];
  private float[] rowBlocks = new float[0];
  private float[] coef = new float[0];
  private float[] lseF = new float[0];
  private final float[][] partial = new float[CHUNKS][0];
  private final float[][] runMax = new float[CHUNKS][0];
  private final double[][] runSum = new double[CHUNKS][0];
  private final float[][] tiles = new float[CHUNKS][TILE * ROWS];
  private final float[][] rowSums = new float[CHUNKS][ROWS];
  private final float[][] rowPrev = new float[CHUNKS][ROWS];
  private final float[][] nodeBlocks;
  private final float[][] nodeGroups;
  /** Per chunk, MR blocks of P: where gradRows and gradNodes put their register sums before adding them. */
  private final float[][] spill = new float[CHUNKS][MR * P];
  /** d rounded up to whole blocks of P: the stride of the packed and partial buffers. */
  private final int dp;

  InfoNce(int dim) {
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be >= 1, got " + dim);
    }
    this.dim = dim;
    this.dp = (dim + P - 1) / P * P;
    nodeBlocks = new float[CHUNKS][TILE * dp];
    nodeGroups = new float[CHUNKS][TILE * dim];
  }

  private static float[] ones(int n) {
    float[] a = new float[n];
    Arrays.fill(a, 1f);
    return a;
  }

  private static int lcm(int a, int b) {
    int x = a;
    int y = b;
    while (y != 0) {
      int t = x % y;
      x = y;
      y = t;
    }
    return a / x * b;
  }

  /**
   * Returns L and adds ∂L/∂G to {@code gradG} (rows {@code nodes[0..n)}) and ∂L/∂E to {@code gradE}
   * (every row). {@code g} and {@code e} hold numNodes × dim values (longer arrays: the rest is not
   * read); {@code nodes} must be distinct.
   */
  double lossAndGradient(int[] nodes, float[] weights, int n, float[] g, float[] e, int numNodes, float tau,
      float[] gradG, float[] gradE, Workers workers) {
    int d = dim;
    long size = (long) numNodes * d;
    if (g.length < size || e.length < size || gradG.length < size || gradE.length < size) {
      throw new IllegalArgumentException("InfoNCE shapes: expected at least " + numNodes + " x " + d + " = " + size
          + ", got g=" + g.length + ", e=" + e.length + ", gradG=" + gradG.length + ", gradE=" + gradE.length);
    }
    if (!(tau > 0)) {
      throw new IllegalArgumentException("tau must be > 0, got " + tau);
    }
    if (n == 0) {
      return 0.0;
    }
    int np = (n + ROW_ALIGN - 1) / ROW_ALIGN * ROW_ALIGN;
    ensure(np);
    float invTau = 1f / tau;
    for (int b = 0; b < n; b++) {
      System.arraycopy(g, nodes[b] * d, rows, b * d, d);
      coef[b] = weights[b] * invTau;
    }
    Arrays.fill(rows, n * d, np * d, 0f);
    Arrays.fill(coef, n, np, 0f);
    pack(rows, np, d, panels);
    packBlocks(rows, 0, np, d, dp, rowBlocks);
    int tileCount = (numNodes + TILE - 1) / TILE;
    int chunks = Math.min(CHUNKS, tileCount);
    int[] bounds = new int[chunks + 1];
    for (int t = 0; t <= chunks; t++) {
      bounds[t] = Math.min(numNodes, (int) ((long) tileCount * t / chunks) * TILE);
    }
    workers.run(chunks, t -> rowMaxSum(t, e, bounds[t], bounds[t + 1], np, invTau));
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
      lseF[b] = (float) l;
      double pos = clamp(dot(rows, b * d, e, nodes[b] * d, d) * invTau);
      loss += weights[b] * (l - pos);
    }
    Arrays.fill(lseF, n, np, 0f);
    workers.run(chunks, t -> gradients(t, e, gradE, bounds[t], bounds[t + 1], np, invTau));
    for (int b = 0; b < n; b++) {
      int gb = nodes[b] * d;
      int rb = b * d;
      for (int t = 0; t < chunks; t++) {
        float[] p = partial[t];
        int pb = b * dp;
        for (int k = 0; k < d; k++) {
          gradG[gb + k] += p[pb + k];
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

  private void ensure(int np) {
    int d = dim;
    if (coef.length < np) {
      int cap = Math.max(np, coef.length / ROW_ALIGN * 5 / 4 * ROW_ALIGN);
      rows = new float[cap * d];
      panels = new float[cap * d];
      rowBlocks = new float[cap * dp];
      coef = new float[cap];
      lseF = new float[cap];
      for (int t = 0; t < CHUNKS; t++) {
        partial[t] = new float[cap * dp];
        runMax[t] = new float[cap];
        runSum[t] = new double[cap];
      }
    }
  }

  /** panels[(p·d + k)·P + r] = rows[(p·P + r)·d + k]: k-major panels of P rows. */
  static void pack(float[] rows, int np, int d, float[] panels) {
    for (int p = 0; p < np / P; p++) {
      int base = p * d * P;
      for (int r = 0; r < P; r++) {
        int rb = (p * P + r) * d;
        for (int k = 0; k < d; k++) {
          panels[base + k * P + r] = rows[rb + k];
        }
      }
    }
  }

  /** Pass 1 over nodes [from, to): per row the running max m and Σ exp(s − m) of s = g·e/τ. */
  private void rowMaxSum(int t, float[] e, int from, int to, int np, float invTau) {
    float[] mx = runMax[t];
    double[] sm = runSum[t];
    float[] tile = tiles[t];
    float[] tmp = rowSums[t];
    float[] prev = rowPrev[t];
    float[] eg = nodeGroups[t];
    Arrays.fill(mx, 0, np, Float.NEGATIVE_INFINITY);
    Arrays.fill(sm, 0, np, 0.0);
    for (int j0 = from; j0 < to; j0 += TILE) {
      int nc = Math.min(TILE, to - j0);
      packGroups(e, j0, nc, dim, eg);
      for (int r0 = 0; r0 < np; r0 += ROWS) {
        int nr = Math.min(ROWS, np - r0);
        // S = G_B E_tileᵀ (scaled by 1/τ below)
        scoreTile(panels, r0, nr, eg, nc, dim, tile);
        for (int v = 0; v < nr; v += L) {
          maxBlock(tile, nc, v, invTau, mx, r0 + v, prev);
          // Σ_c exp(s_bc − m_b)
          VectorMath.expColumns(tile, v, ROWS, nc, invTau, mx, r0 + v, ONES, 0, tmp, v);
          for (int i = 0; i < L; i++) {
            int b = r0 + v + i;
            float mo = prev[v + i];
            float mn = mx[b];
            if (mn > mo) {
              sm[b] *= Math.exp((double) mo - mn);
            }
            sm[b] += tmp[v + i];
          }
        }
      }
    }
  }

  /**
   * For the L rows from v of a node-major tile of nc nodes: prev[v + lane] = m, then
   * m ← max(m, a · max_c tile[c · ROWS + v + lane]) in {@code mx[mo + lane]} (a > 0). Arrays in and out,
   * no vector crosses a call (see {@link VectorMath#expColumns}).
   */
  private static void maxBlock(float[] tile, int nc, int v, float a, float[] mx, int mo, float[] prev) {
    FloatVector tm = FloatVector.fromArray(S, tile, v);
    for (int c = 1; c < nc; c++) {
      tm = tm.max(FloatVector.fromArray(S, tile, c * ROWS + v));
    }
    FloatVector old = FloatVector.fromArray(S, mx, mo);
    old.intoArray(prev, v);
    tm.mul(a).max(old).intoArray(mx, mo);
  }

  /** Pass 2 over nodes [from, to): gradE rows of the chunk, and the chunk's partial gradG. */
  private void gradients(int t, float[] e, float[] gradE, int from, int to, int np, float invTau) {
    float[] tile = tiles[t];
    float[] pg = partial[t];
    float[] eb = nodeBlocks[t];
    float[] sp = spill[t];
    float[] unused = rowSums[t];
    float[] eg = nodeGroups[t];
    int d = dim;
    Arrays.fill(pg, 0, np * dp, 0f);
    for (int j0 = from; j0 < to; j0 += TILE) {
      int nc = Math.min(TILE, to - j0);
      packBlocks(e, j0, nc, d, dp, eb);
      packGroups(e, j0, nc, d, eg);
      for (int r0 = 0; r0 < np; r0 += ROWS) {
        int nr = Math.min(ROWS, np - r0);
        scoreTile(panels, r0, nr, eg, nc, d, tile);
        // q_bc = (w_b/τ) · exp(s_bc − lse_b), in place
        for (int v = 0; v < nr; v += L) {
          VectorMath.expColumns(tile, v, ROWS, nc, invTau, lseF, r0 + v, coef, r0 + v, unused, v);
        }
        // ∂L/∂g_b += Σ_c q_bc e_c
        gradRows(tile, nc, nr, eb, dp, pg, r0, sp);
        // ∂L/∂e_c += Σ_b q_bc g_b
        gradNodes(tile, nc, nr, rowBlocks, np, r0, d, dp, gradE, j0, sp);
      }
    }
  }

  /**
   * out[(kb · n + r) · P + x] = src[(r0 + r) · d + kb · P + x] for r < n, zero for kb · P + x ≥ d: rows in
   * blocks of P columns, each block's rows contiguous (so the gradient kernels read them at a constant
   * stride, which lets the JIT drop the range checks).
   */
  static void packBlocks(float[] src, int r0, int n, int d, int dp, float[] out) {
    for (int kb = 0; kb < dp; kb += P) {
      int w = Math.min(P, d - kb);
      int ob = kb * n;
      for (int r = 0; r < n; r++) {
        int o = ob + r * P;
        System.arraycopy(src, (r0 + r) * d + kb, out, o, w);
        for (int x = w; x < P; x++) {
          out[o + x] = 0f;
        }
      }
    }
  }

  /**
   * out[(gi · d + k) · MR + x] = e[(j0 + gi · MR + x) · d + k], zero past nc: the node tile in groups of
   * MR nodes, k-major inside a group (the score kernel broadcasts a group's six values from one base).
   */
  static void packGroups(float[] e, int j0, int nc, int d, float[] out) {
    int groups = (nc + MR - 1) / MR;
    for (int gi = 0; gi < groups; gi++) {
      int ob = gi * d * MR;
      for (int x = 0; x < MR; x++) {
        int c = gi * MR + x;
        if (c < nc) {
          int eb = (j0 + c) * d;
          for (int k = 0; k < d; k++) {
            out[ob + k * MR + x] = e[eb + k];
          }
        } else {
          for (int k = 0; k < d; k++) {
            out[ob + k * MR + x] = 0f;
          }
        }
      }
    }
  }

  /**
   * tile[c · ROWS + r] = Σ_k g_{r0+r,k} · e_{c,k} for r < nr (a multiple of P) and c < nc rounded up to
   * MR (the padding nodes are zero): six nodes ({@link #packGroups}) × one row panel (2 vectors) per
   * register block.
   */
  static void scoreTile(float[] panels, int r0, int nr, float[] eg, int nc, int d, float[] tile) {
    int groups = (nc + MR - 1) / MR;
    for (int pp = 0; pp < nr; pp += P) {
      int pb = (r0 + pp) * d;
      for (int gi = 0; gi < groups; gi++) {
        int gb = gi * d * MR;
        FloatVector s00 = FloatVector.zero(S);
        FloatVector s01 = s00;
        FloatVector s10 = s00;
        FloatVector s11 = s00;
        FloatVector s20 = s00;
        FloatVector s21 = s00;
        FloatVector s30 = s00;
        FloatVector s31 = s00;
        FloatVector s40 = s00;
        FloatVector s41 = s00;
        FloatVector s50 = s00;
        FloatVector s51 = s00;
        // s_cr = Σ_k e_ck g_rk for the 6 × 2L block
        for (int k = 0; k < d; k++) {
          int ab = pb + k * P;
          int xb = gb + k * MR;
          FloatVector a0 = FloatVector.fromArray(S, panels, ab);
          FloatVector a1 = FloatVector.fromArray(S, panels, ab + L);
          FloatVector x = FloatVector.broadcast(S, eg[xb]);
          s00 = a0.fma(x, s00);
          s01 = a1.fma(x, s01);
          x = FloatVector.broadcast(S, eg[xb + 1]);
          s10 = a0.fma(x, s10);
          s11 = a1.fma(x, s11);
          x = FloatVector.broadcast(S, eg[xb + 2]);
          s20 = a0.fma(x, s20);
          s21 = a1.fma(x, s21);
          x = FloatVector.broadcast(S, eg[xb + 3]);
          s30 = a0.fma(x, s30);
          s31 = a1.fma(x, s31);
          x = FloatVector.broadcast(S, eg[xb + 4]);
          s40 = a0.fma(x, s40);
          s41 = a1.fma(x, s41);
          x = FloatVector.broadcast(S, eg[xb + 5]);
          s50 = a0.fma(x, s50);
          s51 = a1.fma(x, s51);
        }
        int o = gi * MR * ROWS + pp;
        s00.intoArray(tile, o);
        s01.intoArray(tile, o + L);
        s10.intoArray(tile, o + ROWS);
        s11.intoArray(tile, o + ROWS + L);
        s20.intoArray(tile, o + 2 * ROWS);
        s21.intoArray(tile, o + 2 * ROWS + L);
        s30.intoArray(tile, o + 3 * ROWS);
        s31.intoArray(tile, o + 3 * ROWS + L);
        s40.intoArray(tile, o + 4 * ROWS);
        s41.intoArray(tile, o + 4 * ROWS + L);
        s50.intoArray(tile, o + 5 * ROWS);
        s51.intoArray(tile, o + 5 * ROWS + L);
      }
    }
  }

  /**
   * pg[(r0 + r) · dp + k] += Σ_{c < nc} q[c · ROWS + r] · e_{j0+c,k} for r < nr (a multiple of MR), with
   * the node tile in P-column blocks ({@link #packBlocks}): six rows × 2 vectors per register block.
   */
  static void gradRows(float[] q, int nc, int nr, float[] eb, int dp, float[] pg, int r0, float[] spill) {
    for (int r = 0; r < nr; r += MR) {
      for (int k = 0; k < dp; k += P) {
        FloatVector s00 = FloatVector.zero(S);
        FloatVector s01 = s00;
        FloatVector s10 = s00;
        FloatVector s11 = s00;
        FloatVector s20 = s00;
        FloatVector s21 = s00;
        FloatVector s30 = s00;
        FloatVector s31 = s00;
        FloatVector s40 = s00;
        FloatVector s41 = s00;
        FloatVector s50 = s00;
        FloatVector s51 = s00;
        int base = k * nc;
        for (int c = 0; c < nc; c++) {
          int xb = base + c * P;
          int qb = c * ROWS + r;
          FloatVector x0 = FloatVector.fromArray(S, eb, xb);
          FloatVector x1 = FloatVector.fromArray(S, eb, xb + L);
          FloatVector w = FloatVector.broadcast(S, q[qb]);
          s00 = x0.fma(w, s00);
          s01 = x1.fma(w, s01);
          w = FloatVector.broadcast(S, q[qb + 1]);
          s10 = x0.fma(w, s10);
          s11 = x1.fma(w, s11);
          w = FloatVector.broadcast(S, q[qb + 2]);
          s20 = x0.fma(w, s20);
          s21 = x1.fma(w, s21);
          w = FloatVector.broadcast(S, q[qb + 3]);
          s30 = x0.fma(w, s30);
          s31 = x1.fma(w, s31);
          w = FloatVector.broadcast(S, q[qb + 4]);
          s40 = x0.fma(w, s40);
          s41 = x1.fma(w, s41);
          w = FloatVector.broadcast(S, q[qb + 5]);
          s50 = x0.fma(w, s50);
          s51 = x1.fma(w, s51);
        }
        // the sums go out through spill and come back in an array-only helper: in some JVMs C2 compiled two
        // of the twelve vector adds that ended this long method as the allocating non-intrinsic fallback
        s00.intoArray(spill, 0);
        s01.intoArray(spill, L);
        s10.intoArray(spill, P);
        s11.intoArray(spill, P + L);
        s20.intoArray(spill, 2 * P);
        s21.intoArray(spill, 2 * P + L);
        s30.intoArray(spill, 3 * P);
        s31.intoArray(spill, 3 * P + L);
        s40.intoArray(spill, 4 * P);
        s41.intoArray(spill, 4 * P + L);
        s50.intoArray(spill, 5 * P);
        s51.intoArray(spill, 5 * P + L);
        int o = (r0 + r) * dp + k;
        for (int m = 0; m < MR; m++) {
          addSpilled(pg, o + m * dp, P, spill, m * P);
        }
      }
    }
  }

  /**
   * gradE[(j0 + c) · d + k] += Σ_{r < nr} q[c · ROWS + r] · g_{r0+r,k} for c < nc, with the batch rows
   * in P-column blocks of np rows ({@link #packBlocks}): six nodes × 2 vectors per register block,
   * then single nodes. {@code spill} holds at least MR · P floats.
   */
  static void gradNodes(float[] q, int nc, int nr, float[] gb, int np, int r0, int d, int dp, float[] gradE, int j0,
      float[] spill) {
    int c = 0;
    for (; c + MR <= nc; c += MR) {
      int q0 = c * ROWS;
      for (int k = 0; k < dp; k += P) {
        FloatVector s00 = FloatVector.zero(S);
        FloatVector s01 = s00;
        FloatVector s10 = s00;
        FloatVector s11 = s00;
        FloatVector s20 = s00;
        FloatVector s21 = s00;
        FloatVector s30 = s00;
        FloatVector s31 = s00;
        FloatVector s40 = s00;
        FloatVector s41 = s00;
        FloatVector s50 = s00;
        FloatVector s51 = s00;
        int base = k * np + r0 * P;
        for (int r = 0; r < nr; r++) {
          int xb = base + r * P;
          int qb = q0 + r;
          FloatVector x0 = FloatVector.fromArray(S, gb, xb);
          FloatVector x1 = FloatVector.fromArray(S, gb, xb + L);
          FloatVector w = FloatVector.broadcast(S, q[qb]);
          s00 = x0.fma(w, s00);
          s01 = x1.fma(w, s01);
          w = FloatVector.broadcast(S, q[qb + ROWS]);
          s10 = x0.fma(w, s10);
          s11 = x1.fma(w, s11);
          w = FloatVector.broadcast(S, q[qb + 2 * ROWS]);
          s20 = x0.fma(w, s20);
          s21 = x1.fma(w, s21);
          w = FloatVector.broadcast(S, q[qb + 3 * ROWS]);
          s30 = x0.fma(w, s30);
          s31 = x1.fma(w, s31);
          w = FloatVector.broadcast(S, q[qb + 4 * ROWS]);
          s40 = x0.fma(w, s40);
          s41 = x1.fma(w, s41);
          w = FloatVector.broadcast(S, q[qb + 5 * ROWS]);
          s50 = x0.fma(w, s50);
          s51 = x1.fma(w, s51);
        }
        // through spill and an array-only helper, as in gradRows (also the end of a d not a multiple of P)
        s00.intoArray(spill, 0);
        s01.intoArray(spill, L);
        s10.intoArray(spill, P);
        s11.intoArray(spill, P + L);
        s20.intoArray(spill, 2 * P);
        s21.intoArray(spill, 2 * P + L);
        s30.intoArray(spill, 3 * P);
        s31.intoArray(spill, 3 * P + L);
        s40.intoArray(spill, 4 * P);
        s41.intoArray(spill, 4 * P + L);
        s50.intoArray(spill, 5 * P);
        s51.intoArray(spill, 5 * P + L);
        int o = (j0 + c) * d + k;
        int w = Math.min(P, d - k);
        for (int m = 0; m < MR; m++) {
          addSpilled(gradE, o + m * d, w, spill, m * P);
        }
      }
    }
    for (; c < nc; c++) {
      int qb = c * ROWS;
      for (int k = 0; k < dp; k += P) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        int base = k * np + r0 * P;
        for (int r = 0; r < nr; r++) {
          int xb = base + r * P;
          FloatVector w = FloatVector.broadcast(S, q[qb + r]);
          s0 = FloatVector.fromArray(S, gb, xb).fma(w, s0);
          s1 = FloatVector.fromArray(S, gb, xb + L).fma(w, s1);
        }
        s0.intoArray(spill, 0);
        s1.intoArray(spill, L);
        addSpilled(gradE, (j0 + c) * d + k, Math.min(P, d - k), spill, 0);
      }
    }
  }

  /** out[o + x] += spill[from + x] for x < width (arrays only: no vector crosses this call). */
  private static void addSpilled(float[] out, int o, int width, float[] spill, int from) {
    for (int x = 0; x < width; x++) {
      out[o + x] += spill[from + x];
    }
  }
}
