package io.graphcf.contrastive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Hyperparameters of LightGCL. The defaults are the reference code's (HKUDS/LightGCL
 * {@code parser.py} and {@code main.py}): 64 dimensions, 2 layers, Adam lr 1e-3, λ1 = 0.2 (InfoNCE
 * weight), τ = 0.2, λ2 = 1e-7 (squared L2 norm of the ego embeddings), batches of 4096 training
 * edges, edge dropout 0, SVD rank q = 5. The reference computes the SVD of the normalised R̃ with
 * {@code torch.svd_lowrank(adj, q)}: a sketch of exactly q Gaussian columns and 2 power iterations
 * with re-orthonormalisation, so the defaults are 2 power iterations and no oversampling
 * ({@code svdOversample > 0} gives a more accurate rank-q subspace than the reference uses). The
 * reference's README runs Gowalla with λ2 = 0 (its parser default, kept here, is 1e-7). InfoNCE's
 * denominator runs over all nodes as the reference's does ({@link Negatives#ALL}); {@link Negatives#BATCH}
 * is the cheaper in-batch variant. {@code batchDecay} (default 0, which the reference has) adds LightGCN's
 * regulariser, batchDecay/2 · Σ (‖e⁰_u‖² + ‖e⁰_i‖² + ‖e⁰_j‖²) / batch over the batch's triples, which
 * weighs each node by how often it is sampled, unlike λ2's uniform weight on every row.
 */
public record LightGclConfig(int dim, int layers, float lr, float lambda1, float tau, float lambda2, float batchDecay,
    int batch, float dropout, int svdRank, int svdPowerIters, int svdOversample, long seed, Negatives negatives) {
  /**
   * The nodes in InfoNCE's denominator: {@code ALL} nodes of the type (the reference's; a (batch × all
   * nodes) product per step) or only the batch's distinct nodes of the type ({@code BATCH}, "in-batch
   * negatives" as SGL and SimGCL use; a (batch × batch) product, several times cheaper on large graphs).
   */
  public enum Negatives {
    ALL,
    BATCH;

    /** "all" or "batch", as in the metadata and on the command line. */
    public String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses {@link #key()}; an error naming the accepted values otherwise. */
    public static Negatives parse(String s) {
      for (Negatives n : values()) {
        if (n.key().equals(s)) {
          return n;
        }
      }
      throw new IllegalArgumentException("negatives must be 'all' or 'batch', got '" + s + "'");
    }
  }

  public LightGclConfig {
    if (negatives == null) {
      throw new IllegalArgumentException("negatives must not be null");
    }
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be >= 1, got " + dim);
    }
    if (layers < 1) {
      throw new IllegalArgumentException("layers must be >= 1, got " + layers);
    }
    if (!(lr > 0) || !Float.isFinite(lr)) {
      throw new IllegalArgumentException("lr must be > 0, got " + lr);
    }
    if (!(lambda1 >= 0) || !Float.isFinite(lambda1)) {
      throw new IllegalArgumentException("lambda1 must be >= 0, got " + lambda1);
    }
    if (!(tau > 0) || !Float.isFinite(tau)) {
      throw new IllegalArgumentException("tau must be > 0, got " + tau);
    }
    if (!(lambda2 >= 0) || !Float.isFinite(lambda2)) {
      throw new IllegalArgumentException("lambda2 must be >= 0, got " + lambda2);
    }
    if (!(batchDecay >= 0) || !Float.isFinite(batchDecay)) {
      throw new IllegalArgumentException("batchDecay must be >= 0, got " + batchDecay);
    }
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
    if (svdRank < 1) {
      throw new IllegalArgumentException("svdRank must be >= 1, got " + svdRank);
    }
    if (svdPowerIters < 0) {
      throw new IllegalArgumentException("svdPowerIters must be >= 0, got " + svdPowerIters);
    }
    if (svdOversample < 0) {
      throw new IllegalArgumentException("svdOversample must be >= 0, got " + svdOversample);
    }
  }

  /** The reference defaults (seed 2023). */
  public static LightGclConfig defaults() {
    return new LightGclConfig(64, 2, 1e-3f, 0.2f, 0.2f, 1e-7f, 0f, 4096, 0f, 5, 2, 0, 2023L, Negatives.ALL);
  }

  public LightGclConfig withDim(int v) {
    return new LightGclConfig(v, layers, lr, lambda1, tau, lambda2, batchDecay, batch, dropout, svdRank, svdPowerIters,
        svdOversample, seed, negatives);
  }

  public LightGclConfig withLayers(int v) {
    return new LightGclConfig(dim, v, lr, lambda1, tau, lambda2, batchDecay, batch, dropout, svdRank, svdPowerIters,
        svdOversample, seed, negatives);
  }

  public LightGclConfig withLr(float v) {
    return new LightGclConfig(dim, layers, v, lambda1, tau, lambda2, batchDecay, batch, dropout, svdRank, svdPowerIters,
        svdOversample, seed, negatives);
  }

  public LightGclConfig withLambda1(float v) {
    return new LightGclConfig(dim, layers, lr, v, tau, lambda2, batchDecay, batch, dropout, svdRank, svdPowerIters,
        svdOversample, seed, negatives);
  }

  public LightGclConfig withTau(float v) {
    return new LightGclConfig(dim, layers, lr, lambda1, v, lambda2, batchDecay, batch, dropout, svdRank, svdPowerIters,
        svdOversample, seed, negatives);
  }

  public LightGclConfig withLambda2(float v) {
    return new LightGclConfig(dim, layers, lr, lambda1, tau, v, batchDecay, batch, dropout, svdRank, svdPowerIters,
        svdOversample, seed, negatives);
  }

  public LightGclConfig withBatchDecay(float v) {
    return new LightGclConfig(dim, layers, lr, lambda1, tau, lambda2, v, batch, dropout, svdRank, svdPowerIters,
        svdOversample, seed, negatives);
  }

  public LightGclConfig withBatch(int v) {
    return new LightGclConfig(dim, layers, lr, lambda1, tau, lambda2, batchDecay, v, dropout, svdRank, svdPowerIters,
        svdOversample, seed, negatives);
  }

  public LightGclConfig withDropout(float v) {
    return new LightGclConfig(dim, layers, lr, lambda1, tau, lambda2, batchDecay, batch, v, svdRank, svdPowerIters,
        svdOversample, seed, negatives);
  }

  public LightGclConfig withSvdRank(int v) {
    return new LightGclConfig(dim, layers, lr, lambda1, tau, lambda2, batchDecay, batch, dropout, v, svdPowerIters,
        svdOversample, seed, negatives);
  }

  public LightGclConfig withSvdPowerIters(int v) {
    return new LightGclConfig(dim, layers, lr, lambda1, tau, lambda2, batchDecay, batch, dropout, svdRank, v,
        svdOversample, seed, negatives);
  }

  public LightGclConfig withSvdOversample(int v) {
    return new LightGclConfig(dim, layers, lr, lambda1, tau, lambda2, batchDecay, batch, dropout, svdRank, svdPowerIters,
        v, seed, negatives);
  }

  public LightGclConfig withSeed(long v) {
    return new LightGclConfig(dim, layers, lr, lambda1, tau, lambda2, batchDecay, batch, dropout, svdRank, svdPowerIters,
        svdOversample, v, negatives);
  }

  public LightGclConfig withNegatives(Negatives v) {
    return new LightGclConfig(dim, layers, lr, lambda1, tau, lambda2, batchDecay, batch, dropout, svdRank, svdPowerIters,
        svdOversample, seed, v);
  }

  /** The hyperparameters as metadata JSON. */
  public ObjectNode toJson(ObjectMapper json) {
    ObjectNode n = json.createObjectNode();
    n.put("dim", dim).put("layers", layers).put("lr", lr).put("lambda1", lambda1).put("tau", tau)
        .put("lambda2", lambda2).put("batch_decay", batchDecay).put("batch", batch).put("dropout", dropout)
        .put("svd_rank", svdRank)
        .put("svd_power_iters", svdPowerIters).put("svd_oversample", svdOversample).put("seed", seed)
        .put("infonce_negatives", negatives.key());
    return n;
  }

  /** Reads {@link #toJson} back (a saved model's hyperparameters); absent keys take the defaults. */
  public static LightGclConfig fromJson(ObjectNode n) {
    LightGclConfig d = defaults();
    return new LightGclConfig(n.path("dim").asInt(d.dim), n.path("layers").asInt(d.layers),
        (float) n.path("lr").asDouble(d.lr), (float) n.path("lambda1").asDouble(d.lambda1),
        (float) n.path("tau").asDouble(d.tau), (float) n.path("lambda2").asDouble(d.lambda2),
        (float) n.path("batch_decay").asDouble(d.batchDecay), n.path("batch").asInt(d.batch),
        (float) n.path("dropout").asDouble(d.dropout),
        n.path("svd_rank").asInt(d.svdRank), n.path("svd_power_iters").asInt(d.svdPowerIters),
        n.path("svd_oversample").asInt(d.svdOversample), n.path("seed").asLong(d.seed),
        Negatives.parse(n.path("infonce_negatives").asText(d.negatives.key())));
  }
}
