package io.graphcf.propagation.ultragcn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * UltraGCN hyperparameters, named as in the reference configuration files
 * ({@code config/*_config.ini} of xue-pai/UltraGCN). Setters return {@code this}; a trainer copies
 * the values it is given, so later changes do not affect it.
 *
 * <p>Meaning, as the reference code uses them: the main loss of a positive (u, i) with negatives
 * j is −(w1 + w2·β_{u,i})·log σ(e_u·e_i) − negativeWeight · mean_j (w3 + w4·β_{u,j})·log
 * σ(−e_u·e_j); {@code lambda} weighs the item–item constraint loss and {@code gamma} the L2 term
 * γ·‖Θ‖²/2 over both embedding tables (the paper calls the item–item weight γ and folds the L2
 * term into the optimiser; here the names follow the code).
 */
public final class UltraGcnParams {
  private int dim = 64;
  private int neighbours = 10;
  private float initStd = 1e-4f;
  private float lr = 1e-4f;
  private int batchSize = 512;
  private double w1 = 1e-6;
  private double w2 = 1;
  private double w3 = 1e-6;
  private double w4 = 1;
  private int negatives = 1500;
  private double negativeWeight = 300;
  private double gamma = 1e-4;
  private double lambda = 5e-4;
  private long seed = 2021;
  private boolean sharedNegatives = false;

  /** The Gowalla preset (the defaults; reference {@code gowalla_config.ini}). */
  public static UltraGcnParams gowalla() {
    return new UltraGcnParams();
  }

  /** The Yelp2018 preset (reference {@code yelp2018_config.ini}). */
  public static UltraGcnParams yelp2018() {
    return new UltraGcnParams().lr(1e-3f).batchSize(1024).w1(1e-8).w2(1).w3(1e-8).w4(1).negatives(800)
        .negativeWeight(300).gamma(1e-4).lambda(5e-4);
  }

  /** The Amazon-Book preset (reference {@code amazon_config.ini}). */
  public static UltraGcnParams amazonBook() {
    return new UltraGcnParams().lr(1e-3f).batchSize(1024).w1(1e-8).w2(1).w3(1).w4(1e-8).negatives(500)
        .negativeWeight(500).gamma(1e-4).lambda(2.75);
  }

  /** A preset by its CLI name: {@code gowalla}, {@code yelp2018} or {@code amazon-book}. */
  public static UltraGcnParams preset(String name) {
    switch (name) {
      case "gowalla":
        return gowalla();
      case "yelp2018":
        return yelp2018();
      case "amazon-book":
        return amazonBook();
      default:
        throw new IllegalArgumentException("unknown UltraGCN preset: expected gowalla, yelp2018 or amazon-book, got '"
            + name + "'");
    }
  }

  /** An independent copy. */
  public UltraGcnParams copy() {
    UltraGcnParams p = new UltraGcnParams();
    p.dim = dim;
    p.neighbours = neighbours;
    p.initStd = initStd;
    p.lr = lr;
    p.batchSize = batchSize;
    p.w1 = w1;
    p.w2 = w2;
    p.w3 = w3;
    p.w4 = w4;
    p.negatives = negatives;
    p.negativeWeight = negativeWeight;
    p.gamma = gamma;
    p.lambda = lambda;
    p.seed = seed;
    p.sharedNegatives = sharedNegatives;
    return p;
  }

  /** Throws {@link IllegalArgumentException} naming the first out-of-range value. */
  public void validate() {
    positive("dim", dim);
    positive("batch_size", batchSize);
    if (negatives < 0) {
      throw new IllegalArgumentException("negative_num must be >= 0, got " + negatives);
    }
    if (neighbours < 0) {
      throw new IllegalArgumentException("ii_neighbor_num must be >= 0, got " + neighbours);
    }
    if (!(lr > 0) || !Float.isFinite(lr)) {
      throw new IllegalArgumentException("learning_rate must be > 0, got " + lr);
    }
    if (!(initStd >= 0) || !Float.isFinite(initStd)) {
      throw new IllegalArgumentException("initial_weight must be >= 0, got " + initStd);
    }
    finite("w1", w1);
    finite("w2", w2);
    finite("w3", w3);
    finite("w4", w4);
    finite("negative_weight", negativeWeight);
    finite("gamma", gamma);
    finite("lambda", lambda);
  }

  private static void positive(String name, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + v);
    }
  }

  private static void finite(String name, double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException(name + " must be finite, got " + v);
    }
  }

  /** Reads {@link #toJson()} back (resume); missing keys keep the Gowalla defaults. */
  public static UltraGcnParams fromJson(JsonNode o) {
    UltraGcnParams p = new UltraGcnParams();
    p.dim = o.path("embedding_dim").asInt(p.dim);
    p.neighbours = o.path("ii_neighbor_num").asInt(p.neighbours);
    p.initStd = (float) o.path("initial_weight").asDouble(p.initStd);
    p.lr = (float) o.path("learning_rate").asDouble(p.lr);
    p.batchSize = o.path("batch_size").asInt(p.batchSize);
    p.w1 = o.path("w1").asDouble(p.w1);
    p.w2 = o.path("w2").asDouble(p.w2);
    p.w3 = o.path("w3").asDouble(p.w3);
    p.w4 = o.path("w4").asDouble(p.w4);
    p.negatives = o.path("negative_num").asInt(p.negatives);
    p.negativeWeight = o.path("negative_weight").asDouble(p.negativeWeight);
    p.gamma = o.path("gamma").asDouble(p.gamma);
    p.lambda = o.path("lambda").asDouble(p.lambda);
    p.seed = o.path("seed").asLong(p.seed);
    String sampling = o.path("negative_sampling").asText("per-positive");
    p.sharedNegatives = sampling(sampling);
    return p;
  }

  /** Every value, under the reference's names, for the model metadata. */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("embedding_dim", dim);
    o.put("ii_neighbor_num", neighbours);
    o.put("initial_weight", initStd);
    o.put("learning_rate", lr);
    o.put("batch_size", batchSize);
    o.put("w1", w1);
    o.put("w2", w2);
    o.put("w3", w3);
    o.put("w4", w4);
    o.put("negative_num", negatives);
    o.put("negative_weight", negativeWeight);
    o.put("gamma", gamma);
    o.put("lambda", lambda);
    o.put("sampling_sift_pos", false);
    o.put("seed", seed);
    o.put("negative_sampling", sharedNegatives ? "shared" : "per-positive");
    return o;
  }

  public int dim() {
    return dim;
  }

  public UltraGcnParams dim(int v) {
    dim = v;
    return this;
  }

  /** K, the item–item neighbours per item ({@code ii_neighbor_num}). */
  public int neighbours() {
    return neighbours;
  }

  public UltraGcnParams neighbours(int v) {
    neighbours = v;
    return this;
  }

  /** Standard deviation of the N(0, σ²) initialisation ({@code initial_weight}). */
  public float initStd() {
    return initStd;
  }

  public UltraGcnParams initStd(float v) {
    initStd = v;
    return this;
  }

  public float lr() {
    return lr;
  }

  public UltraGcnParams lr(float v) {
    lr = v;
    return this;
  }

  public int batchSize() {
    return batchSize;
  }

  public UltraGcnParams batchSize(int v) {
    batchSize = v;
    return this;
  }

  public double w1() {
    return w1;
  }

  public UltraGcnParams w1(double v) {
    w1 = v;
    return this;
  }

  public double w2() {
    return w2;
  }

  public UltraGcnParams w2(double v) {
    w2 = v;
    return this;
  }

  public double w3() {
    return w3;
  }

  public UltraGcnParams w3(double v) {
    w3 = v;
    return this;
  }

  public double w4() {
    return w4;
  }

  public UltraGcnParams w4(double v) {
    w4 = v;
    return this;
  }

  /** Negatives sampled per positive ({@code negative_num}). */
  public int negatives() {
    return negatives;
  }

  public UltraGcnParams negatives(int v) {
    negatives = v;
    return this;
  }

  public double negativeWeight() {
    return negativeWeight;
  }

  public UltraGcnParams negativeWeight(double v) {
    negativeWeight = v;
    return this;
  }

  /** Weight of the L2 term γ·‖Θ‖²/2. */
  public double gamma() {
    return gamma;
  }

  public UltraGcnParams gamma(double v) {
    gamma = v;
    return this;
  }

  /** Weight of the item–item constraint loss. */
  public double lambda() {
    return lambda;
  }

  public UltraGcnParams lambda(double v) {
    lambda = v;
    return this;
  }

  /**
   * Whether the positives of a batch share one set of {@code negative_num} negatives
   * ({@code shared}, a dense-product path that is not the reference's sampling) instead of each
   * drawing its own ({@code per-positive}, the reference and the default).
   */
  public boolean sharedNegatives() {
    return sharedNegatives;
  }

  public UltraGcnParams sharedNegatives(boolean v) {
    sharedNegatives = v;
    return this;
  }

  /** {@code per-positive} → false, {@code shared} → true. */
  public static boolean sampling(String name) {
    switch (name) {
      case "per-positive":
        return false;
      case "shared":
        return true;
      default:
        throw new IllegalArgumentException("negative sampling: expected per-positive or shared, got '" + name + "'");
    }
  }

  public long seed() {
    return seed;
  }

  public UltraGcnParams seed(long v) {
    seed = v;
    return this;
  }
}
