package io.graphcf.propagation.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.graph.Interactions;
import io.graphcf.propagation.model.FloatMatrix;
import io.graphcf.propagation.model.ModelReader;
import io.graphcf.propagation.model.ModelWriter;
import java.io.IOException;

/**
 * Saves and loads the graph-filter models in the one model format. A filter model directory has
 * meta {@code "kind": "filter"}, {@code "model": "gfcf" | "bspm"}, the hyperparameters, and the
 * entries {@value #ITEM_FACTORS} (V̄, numItems × k; absent when the ideal low-pass term is off) and
 * {@value #ITEM_DEGREE} (the training graph's item degrees, from which D_I^±1/2 are rebuilt). A
 * filter scores a user from the user's interactions, so loading needs the training graph; the item
 * degrees saved with the model must match it.
 */
public final class FilterModels {
  public static final String ITEM_FACTORS = "item_factors";
  public static final String ITEM_DEGREE = "item_degree";
  private static final ObjectMapper JSON = new ObjectMapper();

  private FilterModels() {}

  /** Writes the model's entries (does not commit; see {@link #meta}). */
  public static void save(FilterScorer model, ModelWriter writer) throws IOException {
    float[] v;
    int k;
    int[] deg;
    if (model instanceof GfCf) {
      GfCf g = (GfCf) model;
      v = g.vbar();
      k = g.k();
      deg = g.itemDegrees();
    } else if (model instanceof Bspm) {
      Bspm b = (Bspm) model;
      v = b.vbar();
      k = b.k();
      deg = b.itemDegrees();
    } else {
      throw new IllegalArgumentException("not a graphcf filter model: " + model.getClass().getName());
    }
    if (v != null) {
      writer.putMatrix(ITEM_FACTORS, v, model.numItems(), k);
    }
    writer.putInts(ITEM_DEGREE, deg);
  }

  /** {@code {"model", "kind": "filter", "hyperparameters"}}; the caller adds data, metrics, timings. */
  public static ObjectNode meta(FilterScorer model) {
    ObjectNode m = JSON.createObjectNode();
    m.put("model", model.modelName()).put("kind", "filter");
    if (model instanceof GfCf) {
      m.set("hyperparameters", ((GfCf) model).hyperparameters());
    } else if (model instanceof Bspm) {
      m.set("hyperparameters", ((Bspm) model).hyperparameters());
    } else {
      throw new IllegalArgumentException("not a graphcf filter model: " + model.getClass().getName());
    }
    return m;
  }

  /** Saves and commits in one go: entries plus {@link #meta} merged with {@code extraMeta}. */
  public static void saveTo(java.nio.file.Path dir, FilterScorer model, ObjectNode extraMeta) throws IOException {
    try (ModelWriter w = ModelWriter.create(dir)) {
      save(model, w);
      ObjectNode m = extraMeta == null ? JSON.createObjectNode() : extraMeta.deepCopy();
      m.setAll(meta(model));
      w.commit(m);
    }
  }

  /**
   * Rebuilds the scorer of a filter model directory on {@code train} (the training graph it was
   * fitted on). Throws IllegalArgumentException if the directory is not a filter model or was
   * fitted on a different graph.
   */
  public static FilterScorer load(ModelReader reader, Interactions train) throws IOException {
    ObjectNode meta = reader.meta();
    String kind = meta.path("kind").asText("");
    String model = meta.path("model").asText("");
    if (!kind.equals("filter")) {
      throw new IllegalArgumentException(reader.dir() + ": model kind is '" + kind + "', expected 'filter'");
    }
    int[] deg = reader.ints(ITEM_DEGREE);
    int[] trainDeg = train.itemUsers().degrees();
    if (deg.length != trainDeg.length) {
      throw new IllegalArgumentException(reader.dir() + ": model has " + deg.length + " items, training graph has "
          + trainDeg.length);
    }
    for (int i = 0; i < deg.length; i++) {
      if (deg[i] != trainDeg[i]) {
        throw new IllegalArgumentException(reader.dir() + ": model was fitted on a different training graph (item "
            + i + " has degree " + deg[i] + " in the model, " + trainDeg[i] + " in the graph)");
      }
    }
    JsonNode h = meta.path("hyperparameters");
    if (!(h instanceof ObjectNode)) {
      throw new IllegalArgumentException(reader.dir() + ": filter model without a hyperparameters object");
    }
    float[] v = null;
    int k = 0;
    if (reader.has(ITEM_FACTORS)) {
      FloatMatrix f = reader.matrix(ITEM_FACTORS);
      if (f.rows() != train.numItems()) {
        throw new IllegalArgumentException(reader.dir() + ": " + ITEM_FACTORS + " has " + f.rows() + " rows, expected "
            + train.numItems());
      }
      v = f.data();
      k = f.cols();
    }
    switch (model) {
      case "gfcf": {
        int hk = h.path("k").asInt(-1);
        if (hk != k) {
          throw new IllegalArgumentException(reader.dir() + ": hyperparameter k=" + hk + " but " + ITEM_FACTORS
              + " has " + k + " columns");
        }
        return new GfCf(train, v, k, h.path("alpha").asDouble(), (ObjectNode) h);
      }
      case "bspm":
        return new Bspm(train, v, BspmConfig.fromJson(h));
      default:
        throw new IllegalArgumentException(reader.dir() + ": unknown filter model '" + model
            + "' (known: gfcf, bspm)");
    }
  }
}
