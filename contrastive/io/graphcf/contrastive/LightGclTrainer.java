package io.graphcf.contrastive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.graph.Interactions;
import io.graphcf.propagation.NormalizedAdjacency;
import io.graphcf.propagation.Propagation;
import io.graphcf.propagation.Workers;
import io.graphcf.propagation.eval.EmbeddingScorer;
import io.graphcf.propagation.eval.UserScorer;
import io.graphcf.propagation.model.FloatMatrix;
import io.graphcf.propagation.model.ModelReader;
import io.graphcf.propagation.model.ModelWriter;
import io.graphcf.propagation.spectral.RandomizedSvd;
import io.graphcf.propagation.spectral.TruncatedSvd;
import io.graphcf.propagation.train.Adam;
import io.graphcf.propagation.train.EpochTrainer;
import io.graphcf.propagation.train.TableState;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * LightGCL: Cai, Huang, Xia, Ren, "LightGCL: Simple Yet Effective Graph Contrastive Learning for
 * Recommendation", ICLR 2023, as its reference code computes it (HKUDS/LightGCL {@code model.py},
 * {@code main.py}, {@code utils.py}, {@code parser.py}).
 *
 * <p>Parameters: ego embeddings E⁰_u, E⁰_i (Xavier-uniform). Per layer l = 1..L:
 * <pre>
 *   main view  Z_u^l = dropout(R̃) E_i^{l−1},   Z_i^l = dropout(R̃)ᵀ E_u^{l−1},   E^l = Z^l
 *   SVD view   G_u^l = (U S)(Vᵀ E_i^{l−1}),    G_i^l = (V S)(Uᵀ E_u^{l−1})   (fed from the main view)
 *   E = Σ_{l=0..L} E^l,   G = E⁰ + Σ_{l=1..L} G^l
 * </pre>
 * with R̃ = D_U^-1/2 R D_I^-1/2 and U S Vᵀ its rank-q randomized SVD (never formed). The loss of a batch
 * of training edges (u, i) with one sampled negative j each is
 * <pre>
 *   L = mean −log σ(E_u·E_i − E_u·E_j) + λ1 · InfoNCE(G, E) + λ2 (‖E⁰_u‖² + ‖E⁰_i‖²)
 * </pre>
 * where InfoNCE is {@link InfoNce} over the batch's users (against all users) and over the
 * concatenation of its positive and negative items (against all items), each averaged over the list
 * with duplicates, as the reference does. Optimiser: Adam without weight decay.
 *
 * <p>Every step runs the full forward pass (the denominators need every node's E) and a hand-written
 * backward pass. Both views are linear, so with dE, dG the loss gradients w.r.t. E and G:
 * <pre>
 *   B_u^L = dE_u,  B_i^L = dE_i
 *   B_i^{l−1} = dE_i + dropout(R̃)ᵀ B_u^l + (V S)(Uᵀ dG_u),   B_u^{l−1} = dE_u + dropout(R̃) B_i^l + (U S)(Vᵀ dG_i)
 *   ∂L/∂E⁰_u = B_u^0 + dG_u + 2 λ2 E⁰_u,   ∂L/∂E⁰_i = B_i^0 + dG_i + 2 λ2 E⁰_i
 * </pre>
 * (the masked products' transposes use the same step's masks).
 *
 * <p>Deviations from the reference: the InfoNCE denominator is a stable log-sum-exp (the reference's
 * float32 exp overflows for scores above ~88·τ); the InfoNCE is evaluated once per distinct node of
 * the batch weighted by its multiplicity (the same value and gradient as the reference's duplicated
 * rows); the scorer and the saved embeddings are recomputed from the current parameters without
 * dropout (the reference evaluates the embeddings of the last training forward pass, computed
 * before the last optimiser step and with that step's dropout masks); Recall/NDCG are means over
 * users (the reference averages the means of 256-user batches); the SVD's Gaussian sketch comes
 * from our seeded generator, not torch's (sketch size and power iterations as the reference's, see
 * {@link LightGclConfig}).
 *
 * <p>Saved model (the {@link EpochTrainer} convention): {@code user_embedding}/{@code item_embedding}
 * are E_u/E_i of the main view, kind "embedding", so serving never needs this package; resume needs
 * the ego embeddings, the Adam moments and the SVD factors ({@code svd_u}, {@code svd_s},
 * {@code svd_v}). Random streams are derived from (seed, epoch), so resuming at an epoch boundary
 * continues exactly.
 */
public final class LightGclTrainer implements EpochTrainer {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LightGclConfig config;
  private final Interactions train;
  private final NormalizedAdjacency adj;
  private final Workers workers;
  private final int numUsers;
  private final int numItems;
  private final int dim;
  private final int layers;
  private TruncatedSvd svd;

  private final float[] egoUsers;
  private final float[] egoItems;
  private final Adam adamUsers;
  private final Adam adamItems;
  private final TableState tables;

  // forward buffers: layerUsers[0] / layerItems[0] are the ego arrays themselves
  private final float[][] layerUsers;
  private final float[][] layerItems;
  private final float[] sumUsers;
  private final float[] sumItems;
  private final float[] svdUsers;
  private final float[] svdItems;
  // backward buffers
  private final float[] gradEu;
  private final float[] gradEi;
  private final float[] gradGu;
  private final float[] gradGi;
  private final float[] backUsers;
  private final float[] backItems;
  private final float[] tmpUsers;
  private final float[] tmpItems;
  private final float[] svdBackUsers;
  private final float[] svdBackItems;

  private final EdgeBatches batches;
  private final EdgeDropout dropout;
  private final InfoNce infoNce;
  private final int[] batchUsers;
  private final int[] batchPos;
  private final int[] batchNeg;
  private final int[] uniqueUsers;
  private final float[] userWeights;
  private final int[] uniqueItems;
  private final float[] itemWeights;
  private final int[] userSlot;
  private final int[] itemSlot;
  /**
   * In-batch negatives: the batch's distinct rows of G and E gathered compactly, the gradients on
   * them, and the identity node list (compact row k is node k); null with all-node negatives.
   */
  private final float[] compactG;
  private final float[] compactE;
  private final float[] compactGradG;
  private final float[] compactGradE;
  private final int[] identity;

  private boolean finalValid;
  private LongConsumer progress = n -> {};
  private double lastBprLoss;
  private double lastContrastiveLoss;
  private double lastRegLoss;
  /** Σ over InfoNCE calls of distinct batch rows × all nodes (the score matrix sizes), for benchmarks. */
  private long infoNceScores;

  /**
   * Builds the trainer; the rank-q randomized SVD of R̃ (contract 5) is computed on first use — the first
   * step that needs the SVD view, {@link #save}, or {@link #svd()} — unless {@link #restore} supplies a
   * checkpoint's factors first (so resuming never computes one it would throw away).
   */
  public LightGclTrainer(Interactions train, LightGclConfig config, Workers workers) {
    this(train, config, workers, null);
  }

  /**
   * Builds the trainer with given SVD factors of R̃ (e.g. restored ones); {@code svd == null}
   * computes them on first use.
   */
  LightGclTrainer(Interactions train, LightGclConfig config, Workers workers, TruncatedSvd svd) {
    this.config = config;
    this.train = train;
    this.workers = workers;
    this.numUsers = train.numUsers();
    this.numItems = train.numItems();
    this.dim = config.dim();
    this.layers = config.layers();
    this.adj = NormalizedAdjacency.of(train, workers.threads());
    if (svd != null && (svd.numUsers() != numUsers || svd.numItems() != numItems)) {
      throw new IllegalArgumentException("SVD shape " + svd.numUsers() + " x " + svd.numItems()
          + " does not match the graph " + numUsers + " x " + numItems);
    }
    this.svd = svd;
    int nu = numUsers * dim;
    int ni = numItems * dim;
    egoUsers = new float[nu];
    egoItems = new float[ni];
    SplittableRandom init = new SplittableRandom(config.seed());
    xavierUniform(egoUsers, numUsers, dim, init);
    xavierUniform(egoItems, numItems, dim, init);
    adamUsers = new Adam(nu, config.lr());
    adamItems = new Adam(ni, config.lr());
    tables = new TableState("ego_user", egoUsers, adamUsers, "ego_item", egoItems, adamItems, numUsers, numItems, dim);
    layerUsers = new float[layers + 1][];
    layerItems = new float[layers + 1][];
    layerUsers[0] = egoUsers;
    layerItems[0] = egoItems;
    for (int l = 1; l <= layers; l++) {
      layerUsers[l] = new float[nu];
      layerItems[l] = new float[ni];
    }
    sumUsers = new float[nu];
    sumItems = new float[ni];
    svdUsers = new float[nu];
    svdItems = new float[ni];
    gradEu = new float[nu];
    gradEi = new float[ni];
    gradGu = new float[nu];
    gradGi = new float[ni];
    backUsers = new float[nu];
    backItems = new float[ni];
    tmpUsers = new float[nu];
    tmpItems = new float[ni];
    svdBackUsers = new float[nu];
    svdBackItems = new float[ni];
    batches = new EdgeBatches(train.userItems());
    dropout = config.dropout() > 0 ? new EdgeDropout(adj, layers, config.dropout()) : null;
    infoNce = new InfoNce(dim);
    int b = config.batch();
    batchUsers = new int[b];
    batchPos = new int[b];
    batchNeg = new int[b];
    uniqueUsers = new int[b];
    userWeights = new float[b];
    uniqueItems = new int[2 * b];
    itemWeights = new float[2 * b];
    userSlot = new int[numUsers];
    itemSlot = new int[numItems];
    Arrays.fill(userSlot, -1);
    Arrays.fill(itemSlot, -1);
    if (config.negatives() == LightGclConfig.Negatives.BATCH) {
      int rows = 2 * b;
      compactG = new float[rows * dim];
      compactE = new float[rows * dim];
      compactGradG = new float[rows * dim];
      compactGradE = new float[rows * dim];
      identity = new int[rows];
      for (int k = 0; k < rows; k++) {
        identity[k] = k;
      }
    } else {
      compactG = null;
      compactE = null;
      compactGradG = null;
      compactGradE = null;
      identity = null;
    }
  }

  /** torch.nn.init.xavier_uniform_ of a (rows × cols) tensor: U(−a, a), a = sqrt(6 / (rows + cols)). */
  private static void xavierUniform(float[] w, int rows, int cols, SplittableRandom rnd) {
    double a = Math.sqrt(6.0 / (rows + cols));
    for (int k = 0; k < w.length; k++) {
      w[k] = (float) ((rnd.nextDouble() * 2.0 - 1.0) * a);
    }
  }

  public LightGclConfig config() {
    return config;
  }

  /** The SVD factors of R̃ in use, computed now if neither computed nor restored yet. */
  public TruncatedSvd svd() {
    if (svd == null) {
      svd = RandomizedSvd.compute(adj, Math.min(config.svdRank(), Math.min(numUsers, numItems)),
          config.svdPowerIters(), config.svdOversample(), config.seed() ^ 0x5EEDL, workers);
    }
    return svd;
  }

  /** The ego embeddings E⁰_u (numUsers × dim); live, modified by training. */
  public float[] egoUsers() {
    return egoUsers;
  }

  /** The ego embeddings E⁰_i (numItems × dim); live, modified by training. */
  public float[] egoItems() {
    return egoItems;
  }

  @Override
  public String modelName() {
    return "lightgcl";
  }

  @Override
  public ObjectNode hyperparameters() {
    return config.toJson(JSON);
  }

  @Override
  public long stepsPerEpoch() {
    return (batches.edges() + config.batch() - 1) / config.batch();
  }

  @Override
  public void progressListener(LongConsumer listener) {
    this.progress = listener == null ? n -> {} : listener;
  }

  @Override
  public double trainEpoch(int epoch) {
    return trainSteps(epoch, Integer.MAX_VALUE);
  }

  /**
   * Runs the first {@code maxSteps} batches of epoch {@code epoch} (all of them if there are fewer)
   * and returns their mean loss: the epoch's stream is the same, it is only cut short. For
   * time-boxed measurements on large sets.
   */
  public double trainSteps(int epoch, int maxSteps) {
    if (epoch < 1) {
      throw new IllegalArgumentException("epochs count from 1, got " + epoch);
    }
    finalValid = false;
    SplittableRandom rnd = new SplittableRandom(mix(config.seed(), epoch));
    batches.newEpoch(rnd.split());
    SplittableRandom masks = rnd.split();
    int edges = batches.edges();
    int b = config.batch();
    double total = 0.0;
    int steps = 0;
    double bpr = 0.0;
    double cl = 0.0;
    double reg = 0.0;
    for (int start = 0; start < edges && steps < maxSteps; start += b) {
      int n = Math.min(b, edges - start);
      for (int k = 0; k < n; k++) {
        batchUsers[k] = batches.user(start + k);
        batchPos[k] = batches.positive(start + k);
        batchNeg[k] = batches.negative(start + k);
      }
      if (dropout != null) {
        dropout.resample(masks);
      }
      total += step(batchUsers, batchPos, batchNeg, n);
      bpr += lastBprLoss;
      cl += lastContrastiveLoss;
      reg += lastRegLoss;
      steps++;
      progress.accept(1);
    }
    lastBprLoss = bpr / steps;
    lastContrastiveLoss = cl / steps;
    lastRegLoss = reg / steps;
    return total / steps;
  }

  private static long mix(long seed, long epoch) {
    long z = seed + 0x9E3779B97F4A7C15L * epoch;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** One optimiser step on a batch of (user, positive, negative) triples; returns the batch loss. */
  double step(int[] users, int[] pos, int[] neg, int n) {
    double loss = lossAndGradient(users, pos, neg, n);
    adamUsers.step(egoUsers, gradEu, workers);
    adamItems.step(egoItems, gradEi, workers);
    finalValid = false;
    return loss;
  }

  /**
   * The batch loss with the current masks; leaves ∂L/∂E⁰_u in {@link #gradEu} and ∂L/∂E⁰_i in
   * {@link #gradEi} (package-private for the gradient tests).
   */
  double lossAndGradient(int[] users, int[] pos, int[] neg, int n) {
    boolean contrastive = config.lambda1() > 0;
    forward(dropout != null, contrastive);
    Arrays.fill(gradEu, 0f);
    Arrays.fill(gradEi, 0f);
    double bpr = bpr(users, pos, neg, n);
    double cl = 0.0;
    if (contrastive) {
      Arrays.fill(gradGu, 0f);
      Arrays.fill(gradGi, 0f);
      cl = contrastive(users, pos, neg, n);
    }
    double reg = backward(contrastive) + batchDecay(users, pos, neg, n);
    lastBprLoss = bpr;
    lastContrastiveLoss = cl;
    lastRegLoss = reg;
    return bpr + cl + reg;
  }

  /**
   * Entries of the (distinct batch rows × all nodes) InfoNCE score matrices summed over every step so
   * far; each costs 8·dim FLOP (two score passes and two gradient products).
   */
  public long infoNceScores() {
    return infoNceScores;
  }

  float[] gradUsers() {
    return gradEu;
  }

  /** The edge-dropout masks ({@code null} without dropout); for the gradient tests. */
  EdgeDropout dropoutMasks() {
    return dropout;
  }

  float[] gradItems() {
    return gradEi;
  }

  /** Mean BPR, λ1·InfoNCE and λ2 terms of the last epoch (or step). */
  public ObjectNode lossParts() {
    ObjectNode o = JSON.createObjectNode();
    o.put("bpr", lastBprLoss).put("contrastive", lastContrastiveLoss).put("reg", lastRegLoss);
    return o;
  }

  /** E^l and their sum for both views (the SVD view only if {@code svdView}). */
  private void forward(boolean masked, boolean svdView) {
    int d = dim;
    for (int l = 1; l <= layers; l++) {
      if (masked) {
        // Z_u^l = dropout(R̃) E_i^{l−1},  Z_i^l = dropout(R̃)ᵀ E_u^{l−1}
        Propagation.usersFromItems(adj, dropout.usersForward(l - 1), layerItems[l - 1], d, layerUsers[l], workers);
        Propagation.itemsFromUsers(adj, dropout.itemsForward(l - 1), layerUsers[l - 1], d, layerItems[l], workers);
      } else {
        Propagation.usersFromItems(adj, layerItems[l - 1], d, layerUsers[l], workers);
        Propagation.itemsFromUsers(adj, layerUsers[l - 1], d, layerItems[l], workers);
      }
    }
    // E = Σ_{l=0..L} E^l
    sumLayers(layerUsers, 0, layers, sumUsers);
    sumLayers(layerItems, 0, layers, sumItems);
    if (svdView) {
      // G_u = E⁰_u + (U S) Vᵀ Σ_{l<L} E_i^l,  G_i = E⁰_i + (V S) Uᵀ Σ_{l<L} E_u^l
      sumLayers(layerItems, 0, layers - 1, tmpItems);
      sumLayers(layerUsers, 0, layers - 1, tmpUsers);
      TruncatedSvd f = svd();
      f.applyUsersFromItems(tmpItems, d, svdUsers, workers);
      f.applyItemsFromUsers(tmpUsers, d, svdItems, workers);
      addInto(svdUsers, egoUsers);
      addInto(svdItems, egoItems);
    }
  }

  private static void sumLayers(float[][] layer, int from, int to, float[] out) {
    System.arraycopy(layer[from], 0, out, 0, out.length);
    for (int l = from + 1; l <= to; l++) {
      addInto(out, layer[l]);
    }
  }

  private static void addInto(float[] acc, float[] x) {
    for (int k = 0; k < acc.length; k++) {
      acc[k] += x[k];
    }
  }

  /** mean −log σ(x_ui − x_uj) over the batch; adds its gradient to dE_u, dE_i. */
  private double bpr(int[] users, int[] pos, int[] neg, int n) {
    int d = dim;
    double loss = 0.0;
    float inv = 1f / n;
    for (int b = 0; b < n; b++) {
      int ub = users[b] * d;
      int pb = pos[b] * d;
      int nb = neg[b] * d;
      float x = 0f;
      for (int k = 0; k < d; k++) {
        x += sumUsers[ub + k] * (sumItems[pb + k] - sumItems[nb + k]);
      }
      // −log σ(x) = softplus(−x);  ∂/∂x = −σ(−x)
      loss += x > 0 ? Math.log1p(Math.exp(-x)) : -x + Math.log1p(Math.exp(x));
      float c = (float) (-1.0 / (1.0 + Math.exp(x))) * inv;
      for (int k = 0; k < d; k++) {
        float eu = sumUsers[ub + k];
        gradEu[ub + k] += c * (sumItems[pb + k] - sumItems[nb + k]);
        gradEi[pb + k] += c * eu;
        gradEi[nb + k] -= c * eu;
      }
    }
    return loss / n;
  }

  /** λ1 · (InfoNCE over the batch's users + over its positive and negative items). */
  private double contrastive(int[] users, int[] pos, int[] neg, int n) {
    float lambda1 = config.lambda1();
    // users: the reference averages over the batch's n user ids (duplicates included)
    int nu = 0;
    for (int b = 0; b < n; b++) {
      int u = users[b];
      if (userSlot[u] < 0) {
        userSlot[u] = nu;
        uniqueUsers[nu] = u;
        userWeights[nu] = 0f;
        nu++;
      }
      userWeights[userSlot[u]] += 1f;
    }
    // items: the reference averages over concat(pos, neg), 2n ids
    int ni = 0;
    for (int b = 0; b < 2 * n; b++) {
      int i = b < n ? pos[b] : neg[b - n];
      if (itemSlot[i] < 0) {
        itemSlot[i] = ni;
        uniqueItems[ni] = i;
        itemWeights[ni] = 0f;
        ni++;
      }
      itemWeights[itemSlot[i]] += 1f;
    }
    for (int k = 0; k < nu; k++) {
      userSlot[uniqueUsers[k]] = -1;
      userWeights[k] *= lambda1 / n;
    }
    for (int k = 0; k < ni; k++) {
      itemSlot[uniqueItems[k]] = -1;
      itemWeights[k] *= lambda1 / (2f * n);
    }
    if (compactG != null) {
      return inBatch(uniqueUsers, userWeights, nu, svdUsers, sumUsers, gradGu, gradEu)
          + inBatch(uniqueItems, itemWeights, ni, svdItems, sumItems, gradGi, gradEi);
    }
    infoNceScores += (long) nu * numUsers + (long) ni * numItems;
    double loss = infoNce.lossAndGradient(uniqueUsers, userWeights, nu, svdUsers, sumUsers, numUsers,
        config.tau(), gradGu, gradEu, workers);
    loss += infoNce.lossAndGradient(uniqueItems, itemWeights, ni, svdItems, sumItems, numItems, config.tau(),
        gradGi, gradEi, workers);
    return loss;
  }

  /**
   * InfoNCE with in-batch negatives for one node type: the same fused kernel over the batch's {@code n}
   * distinct nodes gathered into compact rows (so the denominator runs over those nodes only), its
   * gradients added back to the nodes' rows of {@code gradG} and {@code gradE}.
   */
  private double inBatch(int[] nodes, float[] weights, int n, float[] g, float[] e, float[] gradG, float[] gradE) {
    int d = dim;
    for (int k = 0; k < n; k++) {
      System.arraycopy(g, nodes[k] * d, compactG, k * d, d);
      System.arraycopy(e, nodes[k] * d, compactE, k * d, d);
    }
    Arrays.fill(compactGradG, 0, n * d, 0f);
    Arrays.fill(compactGradE, 0, n * d, 0f);
    infoNceScores += (long) n * n;
    double loss = infoNce.lossAndGradient(identity, weights, n, compactG, compactE, n, config.tau(), compactGradG,
        compactGradE, workers);
    for (int k = 0; k < n; k++) {
      int o = nodes[k] * d;
      int c = k * d;
      for (int x = 0; x < d; x++) {
        gradG[o + x] += compactGradG[c + x];
        gradE[o + x] += compactGradE[c + x];
      }
    }
    return loss;
  }

  /**
   * Back-propagates dE (in {@link #gradEu}/{@link #gradEi}) and dG through both views to the ego
   * embeddings, adds the L2 gradient, and leaves the result in {@link #gradEu}/{@link #gradEi}.
   * Returns the L2 term.
   */
  private double backward(boolean svdView) {
    int d = dim;
    if (svdView) {
      // ∂/∂E_i^{l−1} from G_u^l: (V S)(Uᵀ dG_u);  ∂/∂E_u^{l−1} from G_i^l: (U S)(Vᵀ dG_i)
      TruncatedSvd f = svd();
      f.applyItemsFromUsers(gradGu, d, svdBackItems, workers);
      f.applyUsersFromItems(gradGi, d, svdBackUsers, workers);
    }
    System.arraycopy(gradEu, 0, backUsers, 0, backUsers.length);
    System.arraycopy(gradEi, 0, backItems, 0, backItems.length);
    for (int l = layers; l >= 1; l--) {
      // B_i^{l−1} = dE_i + dropout(R̃)ᵀ B_u^l (+ SVD term),  B_u^{l−1} = dE_u + dropout(R̃) B_i^l (+ SVD term)
      if (dropout != null) {
        Propagation.itemsFromUsers(adj, dropout.usersBackward(l - 1), backUsers, d, tmpItems, workers);
        Propagation.usersFromItems(adj, dropout.itemsBackward(l - 1), backItems, d, tmpUsers, workers);
      } else {
        Propagation.itemsFromUsers(adj, backUsers, d, tmpItems, workers);
        Propagation.usersFromItems(adj, backItems, d, tmpUsers, workers);
      }
      combine(backUsers, gradEu, tmpUsers, svdView ? svdBackUsers : null);
      combine(backItems, gradEi, tmpItems, svdView ? svdBackItems : null);
    }
    // ∂L/∂E⁰ = B^0 + dG + 2 λ2 E⁰
    float twoL2 = 2f * config.lambda2();
    double reg = 0.0;
    for (int k = 0; k < gradEu.length; k++) {
      float e = egoUsers[k];
      reg += (double) e * e;
      gradEu[k] = backUsers[k] + (svdView ? gradGu[k] : 0f) + twoL2 * e;
    }
    for (int k = 0; k < gradEi.length; k++) {
      float e = egoItems[k];
      reg += (double) e * e;
      gradEi[k] = backItems[k] + (svdView ? gradGi[k] : 0f) + twoL2 * e;
    }
    return config.lambda2() * reg;
  }

  /**
   * LightGCN's regulariser (when {@code batchDecay > 0}): batchDecay/2 · Σ_b (‖e⁰_u‖² + ‖e⁰_i‖² + ‖e⁰_j‖²) / n
   * over the batch's triples, its gradient added to ∂L/∂E⁰ (after {@link #backward}); returns the term.
   */
  private double batchDecay(int[] users, int[] pos, int[] neg, int n) {
    float decay = config.batchDecay();
    if (decay == 0f) {
      return 0.0;
    }
    int d = dim;
    float c = decay / n;
    double sq = 0.0;
    for (int b = 0; b < n; b++) {
      int ub = users[b] * d;
      int pb = pos[b] * d;
      int nb = neg[b] * d;
      for (int k = 0; k < d; k++) {
        float eu = egoUsers[ub + k];
        float ep = egoItems[pb + k];
        float en = egoItems[nb + k];
        sq += (double) eu * eu + (double) ep * ep + (double) en * en;
        gradEu[ub + k] += c * eu;
        gradEi[pb + k] += c * ep;
        gradEi[nb + k] += c * en;
      }
    }
    return 0.5 * decay * sq / n;
  }

  private static void combine(float[] out, float[] direct, float[] propagated, float[] svdTerm) {
    if (svdTerm == null) {
      for (int k = 0; k < out.length; k++) {
        out[k] = direct[k] + propagated[k];
      }
    } else {
      for (int k = 0; k < out.length; k++) {
        out[k] = direct[k] + propagated[k] + svdTerm[k];
      }
    }
  }

  /** E_u, E_i of the main view from the current parameters, without dropout. */
  public void computeFinal() {
    if (!finalValid) {
      forward(false, false);
      finalValid = true;
    }
  }

  /** Final user embeddings E_u (numUsers × dim). */
  public float[] finalUsers() {
    computeFinal();
    return sumUsers;
  }

  /** Final item embeddings E_i (numItems × dim). */
  public float[] finalItems() {
    computeFinal();
    return sumItems;
  }

  @Override
  public UserScorer scorer() {
    computeFinal();
    return new EmbeddingScorer(sumUsers, sumItems, numUsers, numItems, dim);
  }

  @Override
  public void save(ModelWriter writer) throws IOException {
    computeFinal();
    writer.putMatrix("user_embedding", sumUsers, numUsers, dim);
    writer.putMatrix("item_embedding", sumItems, numItems, dim);
    tables.save(writer);
    TruncatedSvd f = svd();
    writer.putMatrix("svd_u", f.u(), numUsers, f.rank());
    writer.putMatrix("svd_s", f.s(), 1, f.rank());
    writer.putMatrix("svd_v", f.v(), numItems, f.rank());
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
    FloatMatrix u = reader.matrix("svd_u");
    FloatMatrix s = reader.matrix("svd_s");
    FloatMatrix v = reader.matrix("svd_v");
    int rank = s.cols();
    if (u.rows() != numUsers || v.rows() != numItems || u.cols() != rank || v.cols() != rank) {
      throw new IllegalArgumentException("svd factors shape mismatch: expected " + numUsers + " x r, 1 x r, "
          + numItems + " x r, got " + u.rows() + " x " + u.cols() + ", " + s.rows() + " x " + rank + ", "
          + v.rows() + " x " + v.cols());
    }
    svd = new TruncatedSvd(numUsers, numItems, rank, u.data(), s.data(), v.data());
    finalValid = false;
  }
}
