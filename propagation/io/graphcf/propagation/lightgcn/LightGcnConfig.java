package io.graphcf.propagation.lightgcn;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Hyperparameters of LightGCN / MF-BPR. The defaults are those of the reference code
 * (gusye1234/LightGCN-PyTorch {@code parse.py}): 64 dimensions, 3 layers, Adam lr 1e-3, L2 decay
 * 1e-4, BPR batch 2048, seed 2020. {@code layers == 0} is MF-BPR.
 */
public record LightGcnConfig(int dim, int layers, float lr, float decay, int batch, long seed) {
  public LightGcnConfig {
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be >= 1, got " + dim);
    }
    if (layers < 0) {
      throw new IllegalArgumentException("layers must be >= 0, got " + layers);
    }
    if (!(lr > 0) || !Float.isFinite(lr)) {
      throw new IllegalArgumentException("lr must be > 0, got " + lr);
    }
    if (!(decay >= 0) || !Float.isFinite(decay)) {
      throw new IllegalArgumentException("decay must be >= 0, got " + decay);
    }
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
  }

  /** The reference defaults. */
  public static LightGcnConfig defaults() {
    return new LightGcnConfig(64, 3, 1e-3f, 1e-4f, 2048, 2020L);
  }

  public LightGcnConfig withDim(int v) {
    return new LightGcnConfig(v, layers, lr, decay, batch, seed);
  }

  public LightGcnConfig withLayers(int v) {
    return new LightGcnConfig(dim, v, lr, decay, batch, seed);
  }

  public LightGcnConfig withLr(float v) {
    return new LightGcnConfig(dim, layers, v, decay, batch, seed);
  }

  public LightGcnConfig withDecay(float v) {
    return new LightGcnConfig(dim, layers, lr, v, batch, seed);
  }

  public LightGcnConfig withBatch(int v) {
    return new LightGcnConfig(dim, layers, lr, decay, v, seed);
  }

  public LightGcnConfig withSeed(long v) {
    return new LightGcnConfig(dim, layers, lr, decay, batch, v);
  }

  /** "lightgcn", or "mf" for zero layers. */
  public String modelName() {
    return layers == 0 ? "mf" : "lightgcn";
  }

  /** The hyperparameters as metadata JSON. */
  public ObjectNode toJson(ObjectMapper json) {
    ObjectNode n = json.createObjectNode();
    n.put("dim", dim).put("layers", layers).put("lr", lr).put("decay", decay).put("batch", batch).put("seed", seed);
    return n;
  }

  /** Reads {@link #toJson} back (a saved model's hyperparameters). */
  public static LightGcnConfig fromJson(ObjectNode n) {
    LightGcnConfig d = defaults();
    return new LightGcnConfig(n.path("dim").asInt(d.dim), n.path("layers").asInt(d.layers),
        (float) n.path("lr").asDouble(d.lr), (float) n.path("decay").asDouble(d.decay),
        n.path("batch").asInt(d.batch), n.path("seed").asLong(d.seed));
  }
}
