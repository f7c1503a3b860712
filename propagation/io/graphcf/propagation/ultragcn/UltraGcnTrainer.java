package io.graphcf.propagation.ultragcn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.graph.CsrMatrix;
import io.graphcf.graph.Interactions;
import io.graphcf.propagation.Workers;
import io.graphcf.propagation.eval.EmbeddingScorer;
import io.graphcf.propagation.eval.UserScorer;
import io.graphcf.propagation.model.ModelReader;
import io.graphcf.propagation.model.ModelWriter;
import io.graphcf.propagation.train.Adam;
import io.graphcf.propagation.train.EpochTrainer;
import io.graphcf.propagation.train.TableState;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * Trains UltraGCN (Mao et al., "UltraGCN: Ultra Simplification of Graph Convolutional Networks for
 * Recommendation", CIKM 2021) the way the reference code does (xue-pai/UltraGCN {@code main.py}):
 * embeddings initialised N(0, initial_weight²); each epoch visits every training interaction once
 * in a fresh shuffled order, in batches of {@code batch_size} (the last one smaller); each batch
 * draws {@code negative_num} uniform negatives per positive, sums the loss of
 * {@link UltraGcnObjective} over its positives, adds γ·‖Θ‖²/2 over both full embedding tables and
 * takes one Adam step (PyTorch semantics, dense: every row decays every step).
 *
 * <p>Randomness: the shuffle of epoch e uses {@code SplittableRandom(mix(seed, e))} and the
 * negatives of epoch position q a counter-based stream keyed by (seed, e, q), so an epoch depends
 * only on the parameters it starts from, the seed and its number — not on the thread count — and
 * resuming after epoch e reproduces an uninterrupted run exactly.
 *
 * <p>Saved model: {@code user_embedding}, {@code item_embedding} (kind "embedding"), plus the Adam
 * moments ({@code adam_*}) and, in {@link #state()}, the Adam step count and the last epoch.
 */
public final class UltraGcnTrainer implements EpochTrainer {
  private final Interactions train;
  private final UltraGcnParams params;
  private final Workers workers;
  private final int numUsers;
  private final int numItems;
  private final int dim;
  private final float[] userEmb;
  private final float[] itemEmb;
  private final float[] gradUsers;
  private final float[] gradItems;
  private final Adam adamUsers;
  private final Adam adamItems;
  private final TableState tables;
  private final UltraGcnObjective objective;
  private final ItemItemConstraint constraint;
  private final int[] pairUsers;
  private final int[] pairItems;
  private final int[] perm;
  private final int[] epochUsers;
  private final int[] epochItems;
  private int lastEpoch;
  private long objectiveNanos;
  private long optimiserNanos;
  private LongConsumer progress = x -> { };

  /** Builds the item–item constraint and initialises the embeddings from {@code params.seed()}. */
  public UltraGcnTrainer(Interactions train, UltraGcnParams params, Workers workers) {
    this(train, params, ItemItemConstraint.compute(train, params.neighbours(), workers), workers);
  }

  UltraGcnTrainer(Interactions train, UltraGcnParams params, ItemItemConstraint constraint, Workers workers) {
    this(train, params, constraint, workers, UltraGcnObjective.SIMD_AVAILABLE);
  }

  /** {@code simd}: the Vector API negative-pair kernel, or the scalar one (the benchmark's baseline). */
  UltraGcnTrainer(Interactions train, UltraGcnParams params, ItemItemConstraint constraint, Workers workers,
      boolean simd) {
    params.validate();
    this.train = train;
    this.params = params.copy();
    this.workers = workers;
    this.numUsers = train.numUsers();
    this.numItems = train.numItems();
    this.dim = params.dim();
    if (numItems == 0 || numUsers == 0) {
      throw new IllegalArgumentException("empty training graph: users=" + numUsers + ", items=" + numItems);
    }
    this.constraint = constraint;
    this.userEmb = new float[Math.multiplyExact(numUsers, dim)];
    this.itemEmb = new float[Math.multiplyExact(numItems, dim)];
    SplittableRandom init = new SplittableRandom(params.seed());
    float std = params.initStd();
    for (int x = 0; x < userEmb.length; x++) {
      userEmb[x] = (float) (init.nextGaussian() * std);
    }
    for (int x = 0; x < itemEmb.length; x++) {
      itemEmb[x] = (float) (init.nextGaussian() * std);
    }
    this.gradUsers = new float[userEmb.length];
    this.gradItems = new float[itemEmb.length];
    this.adamUsers = new Adam(userEmb.length, params.lr());
    this.adamItems = new Adam(itemEmb.length, params.lr());
    this.tables = new TableState("user_embedding", userEmb, adamUsers, "item_embedding", itemEmb, adamItems, numUsers,
        numItems, dim);
    this.objective = new UltraGcnObjective(train, constraint, this.params, workers.threads(), simd);
    CsrMatrix ui = train.userItems();
    int nnz = ui.nnz();
    this.pairUsers = new int[nnz];
    this.pairItems = ui.colIdx();
    int[] ptr = ui.rowPtr();
    for (int u = 0; u < numUsers; u++) {
      for (int p = ptr[u]; p < ptr[u + 1]; p++) {
        pairUsers[p] = u;
      }
    }
    this.perm = new int[nnz];
    this.epochUsers = new int[nnz];
    this.epochItems = new int[nnz];
  }

  @Override
  public long stepsPerEpoch() {
    return (pairItems.length + params.batchSize() - 1) / params.batchSize();
  }

  @Override
  public void progressListener(LongConsumer listener) {
    this.progress = listener == null ? x -> { } : listener;
  }

  @Override
  public String modelName() {
    return "ultragcn";
  }

  @Override
  public ObjectNode hyperparameters() {
    return params.toJson();
  }

  /** The parameters this trainer runs with (a copy). */
  public UltraGcnParams params() {
    return params.copy();
  }

  /** The item–item neighbour lists in use. */
  public ItemItemConstraint constraint() {
    return constraint;
  }

  /**
   * One epoch: shuffle, then per batch the loss gradient and one Adam step. Returns the mean over
   * batches of the batch loss (data terms summed over the batch's positives, as the reference's
   * {@code loss}) plus γ·‖Θ‖²/2 evaluated at the end of the epoch.
   */
  @Override
  public double trainEpoch(int epoch) {
    if (epoch < 1) {
      throw new IllegalArgumentException("epochs count from 1, got " + epoch);
    }
    double loss = stepsPerEpoch() == 0 ? 0 : trainSteps(epoch, stepsPerEpoch());
    lastEpoch = epoch;
    return loss + params.gamma() * 0.5 * squaredNorm();
  }

  /**
   * Runs the first {@code steps} batches of epoch {@code epoch} (all of them when {@code steps} is
   * {@link #stepsPerEpoch()}) and returns the mean of their batch losses, without the L2 term;
   * benchmarks time a prefix of an epoch with it.
   */
  public double trainSteps(int epoch, long steps) {
    if (epoch < 1 || steps < 1 || steps > stepsPerEpoch()) {
      throw new IllegalArgumentException("expected epoch >= 1 and steps in 1.." + stepsPerEpoch() + ", got epoch "
          + epoch + ", steps " + steps);
    }
    int nnz = pairItems.length;
    // Fisher–Yates over the interactions, from the identity, with a stream of this epoch only.
    SplittableRandom rnd = new SplittableRandom(UltraGcnObjective.mix64(params.seed() ^ UltraGcnObjective.mix64(epoch)));
    for (int p = 0; p < nnz; p++) {
      perm[p] = p;
    }
    for (int p = nnz - 1; p > 0; p--) {
      int q = rnd.nextInt(p + 1);
      int tmp = perm[p];
      perm[p] = perm[q];
      perm[q] = tmp;
    }
    for (int p = 0; p < nnz; p++) {
      epochUsers[p] = pairUsers[perm[p]];
      epochItems[p] = pairItems[perm[p]];
    }
    long sampleKey = UltraGcnObjective.mix64(params.seed() + 0x5DEECE66DL * epoch);
    int batch = params.batchSize();
    float gamma = (float) params.gamma();
    double lossSum = 0;
    for (long s = 0; s < steps; s++) {
      int from = (int) (s * batch);
      int to = Math.min(nnz, from + batch);
      long t0 = System.nanoTime();
      lossSum += objective.accumulate(userEmb, itemEmb, epochUsers, epochItems, from, to, sampleKey, null, gradUsers,
          gradItems, workers);
      long t1 = System.nanoTime();
      adamUsers.stepWithL2(userEmb, gradUsers, gamma, workers);
      adamItems.stepWithL2(itemEmb, gradItems, gamma, workers);
      objectiveNanos += t1 - t0;
      optimiserNanos += System.nanoTime() - t1;
      progress.accept(1);
    }
    return lossSum / steps;
  }

  /** Wall nanoseconds spent so far in the batch objective (loss and gradients) and in the Adam steps. */
  long[] phaseNanos() {
    return new long[] {objectiveNanos, optimiserNanos};
  }

  private double squaredNorm() {
    double s = 0;
    for (float x : userEmb) {
      s += (double) x * x;
    }
    for (float x : itemEmb) {
      s += (double) x * x;
    }
    return s;
  }

  @Override
  public UserScorer scorer() {
    return new EmbeddingScorer(userEmb, itemEmb, numUsers, numItems, dim);
  }

  /** The live user table ({@code numUsers × dim}); not a copy. */
  float[] userEmbedding() {
    return userEmb;
  }

  /** The live item table ({@code numItems × dim}); not a copy. */
  float[] itemEmbedding() {
    return itemEmb;
  }

  UltraGcnObjective objective() {
    return objective;
  }

  @Override
  public void save(ModelWriter writer) throws IOException {
    tables.save(writer);
  }

  @Override
  public ObjectNode state() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    tables.putState(o);
    o.put("epoch", lastEpoch);
    return o;
  }

  @Override
  public void restore(ModelReader reader, ObjectNode state) throws IOException {
    tables.restore(reader, state);
    lastEpoch = state.path("epoch").asInt(0);
  }
}
