package io.graphcf.propagation.lightgcn;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.graph.CsrMatrix;
import io.graphcf.graph.Interactions;
import io.graphcf.propagation.NormalizedAdjacency;
import io.graphcf.propagation.Propagation;
import io.graphcf.propagation.Workers;
import io.graphcf.propagation.eval.EmbeddingScorer;
import io.graphcf.propagation.eval.UserScorer;
import io.graphcf.propagation.model.ModelReader;
import io.graphcf.propagation.model.ModelWriter;
import io.graphcf.propagation.train.Adam;
import io.graphcf.propagation.train.EpochTrainer;
import io.graphcf.propagation.train.TableState;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * LightGCN (He, Deng, Wang, Li, Zhang, Wang: "LightGCN: Simplifying and Powering Graph Convolution
 * Network for Recommendation", SIGIR 2020) trained with BPR, and MF-BPR as its zero-layer case.
 *
 * <p>Model: ego embeddings E⁰ (users then items, N(0, 0.1²) as the reference code), layers
 * E^{k+1} = Â E^k over the normalised bipartite adjacency, final embedding E = 1/(K+1) Σ_k E^k, score
 * = dot product. Loss per batch of (u, i, j) triples: mean softplus(s_uj − s_ui) plus
 * decay · ½(‖e⁰_u‖² + ‖e⁰_i‖² + ‖e⁰_j‖²) / batch on the batch's ego rows; Adam.
 *
 * <p>Backward pass by hand: Â is symmetric and the propagation linear, so with G = ∂L/∂E,
 * ∂L/∂E⁰ = 1/(K+1) Σ_k Â^k G, evaluated by Horner's rule T_K = G, T_{k−1} = G + Â T_k. G is non-zero on
 * the batch's rows only, so both passes follow frontiers: the forward computes layer k only on the rows
 * that layer k+1 of the batch reads; the backward scatters from the support of T_k while it is small and
 * switches to row-restricted or full gathers as it widens. Every buffer is allocated once.
 *
 * <p>MF-BPR uses the same N(0, 0.1²) initialisation. The reference's PureMF keeps torch.nn.Embedding's
 * default N(0, 1); on Gowalla at the reference defaults that reached Recall@20 0.0004 after 5 epochs
 * (BPR loss 3.33, still dominated by the huge initial scores) against 0.0481 with N(0, 0.1²), so
 * {@code --model mf} deliberately keeps the smaller scale.
 *
 * <p>Reproducible: the initialisation comes from {@code seed}, epoch e's triples from a stream derived
 * from (seed, e); the same seed and thread count give bit-identical parameters, and a run resumed from
 * a checkpoint continues exactly as an uninterrupted one.
 */
public final class LightGcnTrainer implements EpochTrainer {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Forward: a row-restricted product covering more than this share of the edges is done in full. */
  static final double FORWARD_FULL = 0.85;
  /** Backward: the same for the gathers. */
  static final double BACKWARD_FULL = 0.85;
  /** Backward: a single-threaded scatter edge costs about this many parallel gather edges per thread. */
  static final double SCATTER_COST = 2.0;

  private final Interactions train;
  private final NormalizedAdjacency adj;
  private final LightGcnConfig config;
  private final Workers workers;
  private final BprSampler sampler;
  private final int numUsers;
  private final int numItems;
  private final int dim;
  private final int layers;
  private final long nnz;

  private final float[] egoUsers;
  private final float[] egoItems;
  private final float[] gradUsers;
  private final float[] gradItems;
  private final Adam adamUsers;
  private final Adam adamItems;
  private final TableState tables;

  // Forward: layerUsers[k], layerItems[k] = E^k (k = 0 is the ego embeddings), valid on need*[k].
  private final float[][] layerUsers;
  private final float[][] layerItems;
  private final RowSet[] needUsers;
  private final RowSet[] needItems;
  private final RowSet.Marks userMarks;
  private final RowSet.Marks itemMarks;
  private final RowSet batchUsers;
  private final RowSet batchItems;
  /** The batch's rows stay stamped here (the shared marks are reused by every frontier). */
  private final RowSet.Marks batchUserMarks;
  private final RowSet.Marks batchItemMarks;
  private int batchUserGen;
  private int batchItemGen;

  // Backward (Horner): T_k in buffer k − 1 (k = 1..K) per side, the gradient itself as the last target.
  private final float[][] hornerUsers;
  private final float[][] hornerItems;
  private final RowSet[] hornerUserSupport;
  private final RowSet[] hornerItemSupport;
  private final RowSet gradUserSupport;
  private final RowSet gradItemSupport;
  // The batch's direct terms of ∂L/∂E⁰ (G plus the L2 gradient), zero outside the batch's rows, added
  // to the last Horner level; with the optimiser fused into that level the full gradient is never stored.
  private final float[] addUsers;
  private final float[] addItems;
  private final float[][] blockScratch;
  private final Propagation.RowBlocks adamBlocks;
  /** The destination buffers of the next backward product still hold a full support's values. */
  private boolean deferUserZero;
  private boolean deferItemZero;
  /** Whether the last step's optimiser update ran inside the last backward product; how many steps did. */
  private boolean fusedStep;
  long fusedSteps;
  /** Fuse Adam into the last backward product when that product is a full one (off: separate passes). */
  boolean fuseOptimiser = true;

  // Per-batch triples, final embeddings of their rows and the gradients on those.
  private final int[] tripleUsers;
  private final int[] triplePos;
  private final int[] tripleNeg;
  private final float[] finalU;
  private final float[] finalI;
  private final float[] finalJ;
  private final float[] gradU;
  private final float[] gradI;
  private final float[] gradJ;
  /** The loss is computed in this many fixed chunks of the batch (in parallel); their partial sums. */
  private static final int LOSS_CHUNKS = 4;
  private final double[] lossParts = new double[2 * LOSS_CHUNKS];

  private float[] finalUsers;
  private float[] finalItems;
  private boolean finalValid;
  private LongConsumer progress = n -> {};
  double forwardFull = FORWARD_FULL;
  double backwardFull = BACKWARD_FULL;
  double scatterCost = SCATTER_COST;
  /** Nanoseconds per phase (see {@link #PHASES}), accumulated by {@link #lap(int)}. */
  private final long[] phaseNanos = new long[PHASES.length];
  private final long[] phaseCpuNanos = new long[PHASES.length];
  private long lapStart;
  private long lapCpuStart;
  private java.lang.management.OperatingSystemMXBean cpuClock;
  private final long[] strategyCounts = new long[4];
  /** Edges visited by the forward and backward products, and steps taken (for the full-product equivalents). */
  private long forwardEdges;
  /** Per forward layer k (index k) and backward level l (index layers + 1 + l): edges visited. */
  private long[] levelEdges;
  private long backwardEdges;
  private long stepsDone;

  /** A fresh model initialised from {@code config.seed()}. */
  public LightGcnTrainer(Interactions train, LightGcnConfig config, Workers workers) {
    this.train = train;
    this.config = config;
    this.workers = workers;
    this.adj = NormalizedAdjacency.of(train, Math.max(1, workers.threads()));
    this.sampler = new BprSampler(train.userItems());
    this.numUsers = train.numUsers();
    this.numItems = train.numItems();
    this.dim = config.dim();
    this.layers = config.layers();
    this.nnz = train.nnz();
    if ((long) Math.max(numUsers, numItems) * dim > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("embedding table too large for one array: " + Math.max(numUsers, numItems)
          + " x " + dim);
    }
    this.egoUsers = new float[numUsers * dim];
    this.egoItems = new float[numItems * dim];
    SplittableRandom init = initRandom(config.seed());
    // E⁰ ~ N(0, 0.1²): nn.init.normal_(std=0.1) in the reference
    for (int k = 0; k < egoUsers.length; k++) {
      egoUsers[k] = (float) (0.1 * init.nextGaussian());
    }
    for (int k = 0; k < egoItems.length; k++) {
      egoItems[k] = (float) (0.1 * init.nextGaussian());
    }
    this.gradUsers = new float[egoUsers.length];
    this.gradItems = new float[egoItems.length];
    this.adamUsers = new Adam(egoUsers.length, config.lr());
    this.adamItems = new Adam(egoItems.length, config.lr());
    this.tables = new TableState("ego_user", egoUsers, adamUsers, "ego_item", egoItems, adamItems, numUsers, numItems,
        dim);

    this.layerUsers = new float[layers + 1][];
    this.layerItems = new float[layers + 1][];
    layerUsers[0] = egoUsers;
    layerItems[0] = egoItems;
    this.needUsers = new RowSet[layers + 1];
    this.needItems = new RowSet[layers + 1];
    for (int k = 1; k <= layers; k++) {
      layerUsers[k] = new float[egoUsers.length];
      layerItems[k] = new float[egoItems.length];
      needUsers[k] = new RowSet(numUsers);
      needItems[k] = new RowSet(numItems);
    }
    this.userMarks = new RowSet.Marks(numUsers);
    this.itemMarks = new RowSet.Marks(numItems);
    int b = config.batch();
    this.batchUsers = new RowSet(Math.min(numUsers, b));
    this.batchItems = new RowSet(Math.min(numItems, 2 * b));
    this.batchUserMarks = new RowSet.Marks(numUsers);
    this.batchItemMarks = new RowSet.Marks(numItems);
    // T_k lives in buffer k − 1 (k = 1..K): each buffer keeps one level's support from step to step, so
    // the level whose product is a full gather never needs zeroing (see propagateBoth).
    int hornerBuffers = layers;
    this.hornerUsers = new float[hornerBuffers][egoUsers.length];
    this.hornerItems = new float[hornerBuffers][egoItems.length];
    this.hornerUserSupport = new RowSet[hornerBuffers];
    this.hornerItemSupport = new RowSet[hornerBuffers];
    for (int h = 0; h < hornerBuffers; h++) {
      hornerUserSupport[h] = new RowSet(numUsers);
      hornerItemSupport[h] = new RowSet(numItems);
    }
    this.gradUserSupport = new RowSet(numUsers);
    this.gradItemSupport = new RowSet(numItems);
    this.addUsers = layers == 0 ? null : new float[egoUsers.length];
    this.addItems = layers == 0 ? null : new float[egoItems.length];
    this.blockScratch = layers == 0 ? null : Propagation.blockScratch(adj, dim);
    this.adamBlocks = this::adamBlock;
    this.tripleUsers = new int[b];
    this.triplePos = new int[b];
    this.tripleNeg = new int[b];
    this.finalU = new float[b * dim];
    this.finalI = new float[b * dim];
    this.finalJ = new float[b * dim];
    this.gradU = new float[b * dim];
    this.gradI = new float[b * dim];
    this.gradJ = new float[b * dim];
    this.levelEdges = new long[2 * layers + 1];
  }

  public LightGcnConfig config() {
    return config;
  }

  public int numUsers() {
    return numUsers;
  }

  public int numItems() {
    return numItems;
  }

  /** The ego embeddings E⁰ of the users (live; numUsers × dim). */
  public float[] egoUsers() {
    return egoUsers;
  }

  /** The ego embeddings E⁰ of the items (live; numItems × dim). */
  public float[] egoItems() {
    return egoItems;
  }

  @Override
  public String modelName() {
    return config.modelName();
  }

  @Override
  public ObjectNode hyperparameters() {
    return config.toJson(JSON);
  }

  @Override
  public long stepsPerEpoch() {
    return (nnz + config.batch() - 1) / config.batch();
  }

  @Override
  public void progressListener(LongConsumer listener) {
    this.progress = listener == null ? n -> {} : listener;
  }

  /** The random stream of epoch {@code epoch}: a function of (seed, epoch) only, so resume is exact. */
  static SplittableRandom epochRandom(long seed, int epoch) {
    SplittableRandom root = new SplittableRandom(seed);
    root.split(); // the initialisation's stream
    SplittableRandom epochs = root.split();
    SplittableRandom r = epochs.split();
    for (int e = 1; e < epoch; e++) {
      r = epochs.split();
    }
    return r;
  }

  /** The initialisation's stream (the first split of the seed's root). */
  static SplittableRandom initRandom(long seed) {
    return new SplittableRandom(seed).split();
  }

  @Override
  public double trainEpoch(int epoch) {
    return trainSteps(epoch, stepsPerEpoch());
  }

  /**
   * Runs the first {@code steps} steps of epoch {@code epoch} (the whole epoch when {@code steps} is
   * {@link #stepsPerEpoch()}) and returns their mean loss; benchmarks time a prefix of an epoch with it.
   */
  public double trainSteps(int epoch, long steps) {
    if (epoch < 1 || steps < 1 || steps > stepsPerEpoch()) {
      throw new IllegalArgumentException("expected epoch >= 1 and steps in 1.." + stepsPerEpoch() + ", got epoch "
          + epoch + ", steps " + steps);
    }
    finalValid = false;
    SplittableRandom rng = epochRandom(config.seed(), epoch);
    int batch = config.batch();
    double sum = 0;
    for (long s = 0; s < steps; s++) {
      int n = (int) Math.min(batch, nnz - s * batch);
      lapStart();
      sampler.sample(rng, n, tripleUsers, triplePos, tripleNeg);
      lap(SAMPLE);
      sum += step(n);
      progress.accept(1);
    }
    return sum / steps;
  }

  /**
   * One optimisation step on the triples in {@code tripleUsers/Pos/Neg[0..n)}; returns the batch loss
   * (BPR mean plus the weighted L2 term).
   */
  double step(int n) {
    double loss = gradient(n, fuseOptimiser);
    stepsDone++;
    if (fusedStep) {
      fusedSteps++;
    } else {
      // Adam as in PyTorch (dense: every row's moments decay every step); l2 = 0, and the call leaves the
      // gradient all zeros, which saves the next step's clearing pass.
      adamUsers.stepWithL2(egoUsers, gradUsers, 0f, workers);
      adamItems.stepWithL2(egoItems, gradItems, 0f, workers);
    }
    gradUserSupport.clear();
    gradItemSupport.clear();
    lap(OPTIMISER);
    return loss;
  }

  /** The loss of the triples in {@code tripleUsers/Pos/Neg[0..n)} and its gradient in gradUsers/Items. */
  double gradient(int n) {
    return gradient(n, false);
  }

  /**
   * The loss; with {@code fuse} and a full last backward product the Adam step too, without storing the
   * gradient ({@link #fusedStep} says which happened); otherwise the gradient in gradUsers/Items.
   */
  private double gradient(int n, boolean fuse) {
    lapStart();
    batchSets(n);
    forward();
    lap(FORWARD);
    double loss = lossAndGradient(n);
    lap(LOSS);
    fusedStep = backward(n, fuse);
    lap(BACKWARD);
    return loss;
  }

  /** Test hook: loss and gradient (left in {@link #gradUsers}/{@link #gradItems}) for given triples. */
  double gradient(int[] users, int[] pos, int[] neg, int n) {
    System.arraycopy(users, 0, tripleUsers, 0, n);
    System.arraycopy(pos, 0, triplePos, 0, n);
    System.arraycopy(neg, 0, tripleNeg, 0, n);
    return gradient(n);
  }

  /** How often the backward pass scattered, gathered listed rows, gathered in full (test hook). */
  long[] strategyCounts() {
    return strategyCounts;
  }

  float[] gradUsers() {
    return gradUsers;
  }

  float[] gradItems() {
    return gradItems;
  }

  private void batchSets(int n) {
    int[] userPtr = train.userItems().rowPtr();
    int[] itemPtr = train.itemUsers().rowPtr();
    batchUsers.clear();
    int gen = batchUserGen = batchUserMarks.next();
    for (int b = 0; b < n; b++) {
      batchUsers.add(tripleUsers[b], gen, batchUserMarks.stamp, userPtr);
    }
    batchItems.clear();
    gen = batchItemGen = batchItemMarks.next();
    for (int b = 0; b < n; b++) {
      batchItems.add(triplePos[b], gen, batchItemMarks.stamp, itemPtr);
      batchItems.add(tripleNeg[b], gen, batchItemMarks.stamp, itemPtr);
    }
  }

  /** Computes E^1..E^K on exactly the rows the batch's final embeddings read (or in full when that pays). */
  private void forward() {
    if (layers == 0) {
      return;
    }
    CsrMatrix ui = train.userItems();
    CsrMatrix iu = train.itemUsers();
    // Rows needed at layer K are the batch; at layer k < K the batch plus the neighbours of layer k+1's rows.
    needUsers[layers].clear();
    needItems[layers].clear();
    copy(batchUsers, needUsers[layers]);
    copy(batchItems, needItems[layers]);
    for (int k = layers - 1; k >= 1; k--) {
      neighbours(needUsers[k], batchUsers, needItems[k + 1], iu, ui.rowPtr(), userMarks, forwardFull);
      neighbours(needItems[k], batchItems, needUsers[k + 1], ui, iu.rowPtr(), itemMarks, forwardFull);
    }
    lap(FORWARD_FRONTIER);
    for (int k = 1; k <= layers; k++) {
      // E^k_U = R̃ E^{k-1}_I on needUsers[k];  E^k_I = R̃ᵀ E^{k-1}_U on needItems[k]
      RowSet su = needUsers[k];
      forwardEdges += su.nnz + needItems[k].nnz;
      levelEdges[k] += su.nnz + needItems[k].nnz;
      if (su.full && needItems[k].full) {
        // Both halves of one Â application in one parallel pass.
        Propagation.propagate(adj, layerUsers[k - 1], layerItems[k - 1], dim, layerUsers[k], layerItems[k], workers);
        continue;
      }
      if (su.full) {
        Propagation.usersFromItems(adj, layerItems[k - 1], dim, layerUsers[k], workers);
      } else {
        Propagation.usersFromItemsRows(adj, layerItems[k - 1], dim, layerUsers[k], su.rows, su.size, workers);
      }
      RowSet si = needItems[k];
      if (si.full) {
        Propagation.itemsFromUsers(adj, layerUsers[k - 1], dim, layerItems[k], workers);
      } else {
        Propagation.itemsFromUsersRows(adj, layerUsers[k - 1], dim, layerItems[k], si.rows, si.size, workers);
      }
    }
  }

  /** out = base ∪ N(src), sorted, or full when its edges exceed {@code fullShare} of all edges. */
  private void neighbours(RowSet out, RowSet base, RowSet src, CsrMatrix srcToOut, int[] outPtr, RowSet.Marks marks,
      double fullShare) {
    if (src.full) {
      out.clear();
      out.setFull(nnz);
      return;
    }
    out.unionNeighbours(base, src, srcToOut, outPtr, marks);
    if (out.nnz > fullShare * nnz) {
      out.setFull(nnz);
    } else {
      out.sort(marks);
    }
  }

  private static void copy(RowSet from, RowSet to) {
    System.arraycopy(from.rows, 0, to.rows, 0, from.size);
    to.size = from.size;
    to.nnz = from.nnz;
    to.full = from.full;
  }

  /**
   * Final embeddings of the batch's rows, the loss, and G = ∂L/∂E on them scaled by 1/(K+1) (the
   * filter's constant, folded in here so that Horner's rule yields the gradient directly).
   */
  private double lossAndGradient(int n) {
    // Fixed chunks, whatever the thread count: each triple's terms depend on the triple only, and the
    // partial sums are added in chunk order, so the result is the same on 1 or 2 threads.
    workers.run(LOSS_CHUNKS, t -> lossChunk(n, (int) ((long) n * t / LOSS_CHUNKS),
        (int) ((long) n * (t + 1) / LOSS_CHUNKS), t));
    double bpr = 0;
    double reg = 0;
    for (int t = 0; t < LOSS_CHUNKS; t++) {
      bpr += lossParts[2 * t];
      reg += lossParts[2 * t + 1];
    }
    return bpr / n + config.decay() * 0.5 * reg / n;
  }

  /** Triples [from, to): final rows, BPR terms and G, and the L2 sum, into lossParts[2·chunk ..]. */
  private void lossChunk(int n, int from, int to, int chunk) {
    float c = 1f / (layers + 1);
    int d = dim;
    for (int b = from; b < to; b++) {
      finalRow(layerUsers, tripleUsers[b], finalU, b, c);
      finalRow(layerItems, triplePos[b], finalI, b, c);
      finalRow(layerItems, tripleNeg[b], finalJ, b, c);
    }
    double bpr = 0;
    float inv = 1f / n;
    for (int b = from; b < to; b++) {
      int o = b * d;
      float sPos = 0f;
      float sNeg = 0f;
      for (int k = 0; k < d; k++) {
        sPos += finalU[o + k] * finalI[o + k];
        sNeg += finalU[o + k] * finalJ[o + k];
      }
      // L = mean_b softplus(s_uj − s_ui); ∂L/∂x = σ(x)/B
      double x = (double) sNeg - sPos;
      bpr += x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
      float g = (float) (1.0 / (1.0 + Math.exp(-x))) * inv * c;
      for (int k = 0; k < d; k++) {
        float fu = finalU[o + k];
        gradU[o + k] = g * (finalJ[o + k] - finalI[o + k]);
        gradI[o + k] = -g * fu;
        gradJ[o + k] = g * fu;
      }
    }
    // ½(‖e⁰_u‖² + ‖e⁰_i‖² + ‖e⁰_j‖²) / B over the batch's ego rows
    double reg = 0;
    for (int b = from; b < to; b++) {
      reg += sq(egoUsers, tripleUsers[b]) + sq(egoItems, triplePos[b]) + sq(egoItems, tripleNeg[b]);
    }
    lossParts[2 * chunk] = bpr;
    lossParts[2 * chunk + 1] = reg;
  }

  private double sq(float[] x, int row) {
    int o = row * dim;
    float s = 0f;
    for (int k = 0; k < dim; k++) {
      s += x[o + k] * x[o + k];
    }
    return s;
  }

  private void finalRow(float[][] layer, int row, float[] out, int b, float c) {
    int d = dim;
    int o = b * d;
    int r = row * d;
    float[] e0 = layer[0];
    for (int k = 0; k < d; k++) {
      out[o + k] = e0[r + k];
    }
    for (int l = 1; l <= layers; l++) {
      float[] e = layer[l];
      for (int k = 0; k < d; k++) {
        out[o + k] += e[r + k];
      }
    }
    for (int k = 0; k < d; k++) {
      out[o + k] *= c;
    }
  }

  /** Adds G's rows (already scaled by 1/(K+1)) into side buffers. */
  private void addBatchGradient(int n, float[] users, float[] items) {
    int d = dim;
    for (int b = 0; b < n; b++) {
      int o = b * d;
      int ru = tripleUsers[b] * d;
      int ri = triplePos[b] * d;
      int rj = tripleNeg[b] * d;
      for (int k = 0; k < d; k++) {
        users[ru + k] += gradU[o + k];
        items[ri + k] += gradI[o + k];
        items[rj + k] += gradJ[o + k];
      }
    }
  }

  private void zero(float[] x, RowSet support) {
    if (support.full) {
      Arrays.fill(x, 0f);
    } else {
      int d = dim;
      for (int j = 0; j < support.size; j++) {
        int o = support.rows[j] * d;
        Arrays.fill(x, o, o + d, 0f);
      }
    }
    support.clear();
  }

  /**
   * ∂L/∂E⁰ = 1/(K+1) Σ_k Â^k G by Horner: T_K = G, T_{k−1} = G + Â T_k, gradient = T_0 plus the L2 term.
   * With {@code fuse} and a full last product, the Adam step consumes T_0 block by block instead
   * (returns true; the gradient arrays stay untouched).
   */
  private boolean backward(int n, boolean fuse) {
    zero(gradUsers, gradUserSupport);
    zero(gradItems, gradItemSupport);
    lap(BACKWARD_ZERO);
    if (layers == 0) {
      copy(batchUsers, gradUserSupport);
      copy(batchItems, gradItemSupport);
      addBatchGradient(n, gradUsers, gradItems);
      regularise(n, gradUsers, gradItems);
      return false;
    }
    directTerms(n);
    int cur = layers - 1;
    zero(hornerUsers[cur], hornerUserSupport[cur]);
    zero(hornerItems[cur], hornerItemSupport[cur]);
    lap(BACKWARD_ZERO);
    copy(batchUsers, hornerUserSupport[cur]);
    copy(batchItems, hornerItemSupport[cur]);
    addBatchGradient(n, hornerUsers[cur], hornerItems[cur]);
    for (int level = layers - 1; level >= 0; level--) {
      int nxt = level - 1;
      float[] dstUsers = level == 0 ? gradUsers : hornerUsers[nxt];
      float[] dstItems = level == 0 ? gradItems : hornerItems[nxt];
      RowSet dstUserSup = level == 0 ? gradUserSupport : hornerUserSupport[nxt];
      RowSet dstItemSup = level == 0 ? gradItemSupport : hornerItemSupport[nxt];
      if (level != 0) {
        lap(BACKWARD);
        // A buffer that was full is cleared only if its new product will not overwrite every row.
        deferUserZero = dstUserSup.full;
        deferItemZero = dstItemSup.full;
        if (deferUserZero) {
          dstUserSup.clear();
        } else {
          zero(dstUsers, dstUserSup);
        }
        if (deferItemZero) {
          dstItemSup.clear();
        } else {
          zero(dstItems, dstItemSup);
        }
        lap(BACKWARD_ZERO);
      }
      // T_{k−1,U} = G_U + R̃ T_{k,I};  T_{k−1,I} = G_I + R̃ᵀ T_{k,U}
      boolean fused = propagateBoth(level, fuse && level == 0, hornerUsers[cur], hornerUserSupport[cur],
          hornerItems[cur], hornerItemSupport[cur], dstUsers, dstUserSup, dstItems, dstItemSup);
      if (fused) {
        return true;
      }
      if (level == 0) {
        addRows(batchUsers, addUsers, gradUsers);
        addRows(batchItems, addItems, gradItems);
      } else {
        addBatchGradient(n, dstUsers, dstItems);
      }
      cur = nxt;
    }
    return false;
  }

  /** add = G + ∂(decay · ½‖e⁰‖² / B)/∂e⁰ on the batch's rows (zero elsewhere), summed in batch order. */
  private void directTerms(int n) {
    zeroRows(addUsers, batchUsers);
    zeroRows(addItems, batchItems);
    addBatchGradient(n, addUsers, addItems);
    regularise(n, addUsers, addItems);
  }

  private void zeroRows(float[] x, RowSet rows) {
    int d = dim;
    for (int j = 0; j < rows.size; j++) {
      int o = rows.rows[j] * d;
      Arrays.fill(x, o, o + d, 0f);
    }
  }

  /** dst[r,:] += add[r,:] for the rows r of {@code rows}. */
  private void addRows(RowSet rows, float[] add, float[] dst) {
    int d = dim;
    for (int j = 0; j < rows.size; j++) {
      int o = rows.rows[j] * d;
      for (int k = 0; k < d; k++) {
        dst[o + k] += add[o + k];
      }
    }
  }

  /**
   * The fused last level: a block of rows of T_0 = Â T_1 (in L1), plus the direct terms on the batch's
   * rows, is the gradient of those rows; Adam updates them at once. Same arithmetic as the separate
   * passes (gradient array, then {@link Adam#step}).
   */
  private void adamBlock(boolean users, int from, int n, float[] block) {
    int d = dim;
    int[] stamp = users ? batchUserMarks.stamp : batchItemMarks.stamp;
    int gen = users ? batchUserGen : batchItemGen;
    float[] add = users ? addUsers : addItems;
    for (int j = 0; j < n; j++) {
      int r = from + j;
      if (stamp[r] == gen) {
        int o = j * d;
        int a = r * d;
        // ∂L/∂e⁰_r = (Â T_1)_r + G_r + decay · c_r · e⁰_r / B
        for (int k = 0; k < d; k++) {
          block[o + k] += add[a + k];
        }
      }
    }
    if (users) {
      adamUsers.updateRange(egoUsers, from * d, block, 0, n * d);
    } else {
      adamItems.updateRange(egoItems, from * d, block, 0, n * d);
    }
  }

  /** Phases of a step, in the order {@link #phaseTimings()} reports them. */
  private static final String[] PHASES = {"sample", "forward_frontier", "forward", "loss", "backward_frontier",
      "backward_zero", "backward", "optimiser"};
  private static final int SAMPLE = 0;
  private static final int FORWARD_FRONTIER = 1;
  private static final int FORWARD = 2;
  private static final int LOSS = 3;
  private static final int BACKWARD_FRONTIER = 4;
  private static final int BACKWARD_ZERO = 5;
  private static final int BACKWARD = 6;
  private static final int OPTIMISER = 7;

  /** Adds the time since the previous lap to {@code phase}. */
  private void lap(int phase) {
    long now = System.nanoTime();
    phaseNanos[phase] += now - lapStart;
    lapStart = now;
    if (cpuClock != null) {
      long cpu = processCpuNanos();
      phaseCpuNanos[phase] += cpu - lapCpuStart;
      lapCpuStart = cpu;
    }
  }

  private void lapStart() {
    lapStart = System.nanoTime();
    if (cpuClock != null) {
      lapCpuStart = processCpuNanos();
    }
  }

  private long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) cpuClock).getProcessCpuTime();
  }

  /**
   * Also attribute the process's CPU time to the phases (a benchmark's view on a busy machine, where
   * wall time depends on the neighbours): about a microsecond per phase boundary, off by default.
   */
  public void profileCpu(boolean on) {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    cpuClock = on && os instanceof com.sun.management.OperatingSystemMXBean ? os : null;
  }

  private static final int SCATTER = 0;
  private static final int ROWS = 1;
  private static final int FULL = 2;

  /**
   * dstUsers (zero) += R̃ srcItems and dstItems (zero) += R̃ᵀ srcUsers on the supports batch ∪ N(src);
   * each side scatters from a small source, gathers the listed target rows, or gathers in full, whichever
   * the frontier sizes favour. Two full gathers share one parallel pass; two scatters run side by side.
   * With {@code fuse} and two full gathers the rows go to {@link #adamBlock} instead (returns true).
   */
  private boolean propagateBoth(int level, boolean fuse, float[] srcUsers, RowSet srcUserSup, float[] srcItems,
      RowSet srcItemSup, float[] dstUsers, RowSet dstUserSup, float[] dstItems, RowSet dstItemSup) {
    lap(BACKWARD);
    neighbours(dstUserSup, batchUsers, srcItemSup, train.itemUsers(), train.userItems().rowPtr(), userMarks,
        backwardFull);
    neighbours(dstItemSup, batchItems, srcUserSup, train.userItems(), train.itemUsers().rowPtr(), itemMarks,
        backwardFull);
    lap(BACKWARD_FRONTIER);
    int su = strategy(srcItemSup, dstUserSup);
    int si = strategy(srcUserSup, dstItemSup);
    strategyCounts[su]++;
    strategyCounts[si]++;
    long e = edges(su, srcItemSup, dstUserSup) + edges(si, srcUserSup, dstItemSup);
    backwardEdges += e;
    levelEdges[layers + 1 + level] += e;
    if (deferUserZero && su != FULL) {
      Arrays.fill(dstUsers, 0f);
    }
    if (deferItemZero && si != FULL) {
      Arrays.fill(dstItems, 0f);
    }
    deferUserZero = false;
    deferItemZero = false;
    if (fuse && su == FULL && si == FULL) {
      adamUsers.beginFusedStep();
      adamItems.beginFusedStep();
      Propagation.propagateBlocks(adj, srcUsers, srcItems, dim, blockScratch, adamBlocks, workers);
      // nothing was written to the destinations
      dstUserSup.clear();
      dstItemSup.clear();
      return true;
    }
    if (su == FULL && si == FULL) {
      Propagation.propagate(adj, srcUsers, srcItems, dim, dstUsers, dstItems, workers);
    } else if (su == SCATTER && si == SCATTER && workers.threads() > 1) {
      workers.run(2, t -> {
        if (t == 0) {
          Propagation.scatterUsersFromItems(adj, srcItems, dim, srcItemSup.rows, srcItemSup.size, dstUsers);
        } else {
          Propagation.scatterItemsFromUsers(adj, srcUsers, dim, srcUserSup.rows, srcUserSup.size, dstItems);
        }
      });
    } else {
      if (su == SCATTER) {
        Propagation.scatterUsersFromItems(adj, srcItems, dim, srcItemSup.rows, srcItemSup.size, dstUsers);
      } else if (su == FULL) {
        Propagation.usersFromItems(adj, srcItems, dim, dstUsers, workers);
      } else {
        Propagation.usersFromItemsRows(adj, srcItems, dim, dstUsers, dstUserSup.rows, dstUserSup.size, workers);
      }
      if (si == SCATTER) {
        Propagation.scatterItemsFromUsers(adj, srcUsers, dim, srcUserSup.rows, srcUserSup.size, dstItems);
      } else if (si == FULL) {
        Propagation.itemsFromUsers(adj, srcUsers, dim, dstItems, workers);
      } else {
        Propagation.itemsFromUsersRows(adj, srcUsers, dim, dstItems, dstItemSup.rows, dstItemSup.size, workers);
      }
    }
    return false;
  }

  /** A scatter from few source rows beats any gather over the (possibly near-complete) target rows. */
  private int strategy(RowSet src, RowSet dst) {
    if (!src.full && scatterCost * src.nnz * workers.threads() <= Math.min(dst.nnz, nnz)) {
      return SCATTER;
    }
    return dst.full ? FULL : ROWS;
  }

  private long edges(int strategy, RowSet src, RowSet dst) {
    return strategy == SCATTER ? src.nnz : strategy == FULL ? nnz : dst.nnz;
  }

  /** ∂/∂e⁰ of decay · ½‖e⁰‖² / B for every occurrence of a row in the batch, added to users/items. */
  private void regularise(int n, float[] gradUsers, float[] gradItems) {
    float s = config.decay() / n;
    if (s == 0f) {
      return;
    }
    int d = dim;
    for (int b = 0; b < n; b++) {
      int ru = tripleUsers[b] * d;
      int ri = triplePos[b] * d;
      int rj = tripleNeg[b] * d;
      for (int k = 0; k < d; k++) {
        gradUsers[ru + k] += s * egoUsers[ru + k];
        gradItems[ri + k] += s * egoItems[ri + k];
        gradItems[rj + k] += s * egoItems[rj + k];
      }
    }
  }

  /** Final embeddings of every user and item: E = 1/(K+1) Σ_k Â^k E⁰ (computed once per epoch). */
  public void computeFinal() {
    if (finalValid) {
      return;
    }
    if (finalUsers == null) {
      finalUsers = new float[egoUsers.length];
      finalItems = new float[egoItems.length];
    }
    System.arraycopy(egoUsers, 0, finalUsers, 0, egoUsers.length);
    System.arraycopy(egoItems, 0, finalItems, 0, egoItems.length);
    for (int k = 1; k <= layers; k++) {
      Propagation.propagate(adj, layerUsers[k - 1], layerItems[k - 1], dim, layerUsers[k], layerItems[k], workers);
      add(finalUsers, layerUsers[k]);
      add(finalItems, layerItems[k]);
    }
    float c = 1f / (layers + 1);
    if (layers > 0) {
      for (int k = 0; k < finalUsers.length; k++) {
        finalUsers[k] *= c;
      }
      for (int k = 0; k < finalItems.length; k++) {
        finalItems[k] *= c;
      }
    }
    finalValid = true;
  }

  private static void add(float[] acc, float[] x) {
    for (int k = 0; k < acc.length; k++) {
      acc[k] += x[k];
    }
  }

  /** Final user embeddings (numUsers × dim). */
  public float[] finalUsers() {
    computeFinal();
    return finalUsers;
  }

  /** Final item embeddings (numItems × dim). */
  public float[] finalItems() {
    computeFinal();
    return finalItems;
  }

  @Override
  public UserScorer scorer() {
    computeFinal();
    return new EmbeddingScorer(finalUsers, finalItems, numUsers, numItems, dim);
  }

  @Override
  public void save(ModelWriter writer) throws IOException {
    computeFinal();
    writer.putMatrix("user_embedding", finalUsers, numUsers, dim);
    writer.putMatrix("item_embedding", finalItems, numItems, dim);
    tables.save(writer);
  }

  @Override
  public ObjectNode state() {
    ObjectNode s = JSON.createObjectNode();
    tables.putState(s);
    return s;
  }

  @Override
  public void restore(ModelReader reader, ObjectNode state) throws IOException {
    tables.restore(reader, state);
    finalValid = false;
  }

  /**
   * Fuse the Adam step into the last backward product when it is a full one (the default), or run it
   * as a separate pass over a stored gradient; both give the same bits (benchmarks compare them).
   */
  public void fuseOptimiser(boolean on) {
    fuseOptimiser = on;
  }

  /** Zeroes the counters behind {@link #phaseTimings()}. */
  public void resetPhaseTimings() {
    Arrays.fill(phaseNanos, 0);
    Arrays.fill(phaseCpuNanos, 0);
    Arrays.fill(strategyCounts, 0);
    Arrays.fill(levelEdges, 0);
    forwardEdges = 0;
    backwardEdges = 0;
    stepsDone = 0;
  }

  /**
   * Seconds spent so far in sampling, forward, backward (loss, gradient, propagation) and the
   * optimiser, and how often the backward pass scattered, gathered listed rows, or gathered in full.
   */
  public ObjectNode phaseTimings() {
    ObjectNode n = JSON.createObjectNode();
    for (int p = 0; p < PHASES.length; p++) {
      n.put(PHASES[p] + "_seconds", phaseNanos[p] / 1e9);
    }
    if (cpuClock != null) {
      for (int p = 0; p < PHASES.length; p++) {
        n.put(PHASES[p] + "_cpu_seconds", phaseCpuNanos[p] / 1e9);
      }
    }
    n.put("backward_scatter", strategyCounts[0]).put("backward_rows", strategyCounts[1])
        .put("backward_full", strategyCounts[2]);
    // One full product Â·X visits every edge twice (users gather items, items gather users).
    double full = 2.0 * nnz * Math.max(1, stepsDone);
    n.put("forward_full_products_per_step", forwardEdges / full)
        .put("backward_full_products_per_step", backwardEdges / full);
    StringBuilder f = new StringBuilder();
    for (int k = 1; k <= layers; k++) {
      f.append(k == 1 ? "" : " ").append(String.format("%.3f", levelEdges[k] / full));
    }
    StringBuilder b = new StringBuilder();
    for (int l = layers - 1; l >= 0; l--) {
      b.append(l == layers - 1 ? "" : " ").append(String.format("%.3f", levelEdges[layers + 1 + l] / full));
    }
    n.put("forward_layers_1_to_K", f.toString()).put("backward_levels_K-1_to_0", b.toString());
    return n;
  }
}
