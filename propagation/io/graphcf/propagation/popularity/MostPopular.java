package io.graphcf.propagation.popularity;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.graph.Interactions;
import io.graphcf.propagation.eval.UserScorer;
import io.graphcf.propagation.model.FloatMatrix;
import io.graphcf.propagation.model.ModelReader;
import io.graphcf.propagation.model.ModelWriter;
import java.io.IOException;

/**
 * The non-personalised baseline every report shows beside LightGCN (He et al., SIGIR 2020, and the
 * "MostPop" rows of the NGCF/LightGCN literature): an item's score is its number of training
 * interactions, the same for every user. Ties fall to the lower item index in evaluation.
 *
 * <p>Saved as meta {@code "model": "mostpop"}, {@code "kind": "popularity"} with one entry
 * {@code item_popularity} (1 × numItems).
 */
public final class MostPopular implements UserScorer {
  /** Model name as the CLI spells it. */
  public static final String MODEL = "mostpop";
  /** Meta {@code kind} of a saved popularity model. */
  public static final String KIND = "popularity";
  /** The model entry holding the scores. */
  public static final String ENTRY = "item_popularity";

  private final float[] popularity;

  /** Wraps per-item scores (not copied). */
  public MostPopular(float[] popularity) {
    this.popularity = popularity;
  }

  /** Scores every item by its training degree. */
  public static MostPopular fit(Interactions train) {
    int[] ptr = train.itemUsers().rowPtr();
    float[] pop = new float[train.numItems()];
    for (int i = 0; i < pop.length; i++) {
      pop[i] = ptr[i + 1] - ptr[i];
    }
    return new MostPopular(pop);
  }

  @Override
  public int numItems() {
    return popularity.length;
  }

  /** The per-item scores (shared, do not modify). */
  public float[] popularity() {
    return popularity;
  }

  @Override
  public void score(int[] users, int from, int to, float[] out) {
    int n = popularity.length;
    if (from < 0 || to < from || to > users.length) {
      throw new IllegalArgumentException("user range [" + from + ", " + to + ") outside [0, " + users.length + "]");
    }
    if ((long) (to - from) * n > out.length) {
      throw new IllegalArgumentException("out too small: expected >= " + (to - from) + " x " + n + ", got "
          + out.length);
    }
    for (int b = 0; b < to - from; b++) {
      System.arraycopy(popularity, 0, out, b * n, n);
    }
  }

  /** No hyperparameters; an empty object for the metadata. */
  public ObjectNode hyperparameters() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** Metadata skeleton: {@code model}, {@code kind}, {@code hyperparameters} (the caller adds data, metrics…). */
  public ObjectNode meta() {
    ObjectNode m = JsonNodeFactory.instance.objectNode();
    m.put("model", MODEL);
    m.put("kind", KIND);
    m.set("hyperparameters", hyperparameters());
    return m;
  }

  /** Writes entry {@code item_popularity}; does not commit (pass {@link #meta()} to commit). */
  public void save(ModelWriter writer) throws IOException {
    writer.putMatrix(ENTRY, popularity, 1, popularity.length);
  }

  /** Loads a model saved by {@link #save}; checks {@code kind} and the entry's shape. */
  public static MostPopular load(ModelReader reader) throws IOException {
    String kind = reader.meta().path("kind").asText();
    if (!KIND.equals(kind)) {
      throw new IllegalArgumentException("model " + reader.dir() + ": expected kind '" + KIND + "', got '" + kind + "'");
    }
    FloatMatrix m = reader.matrix(ENTRY);
    if (m.rows() != 1) {
      throw new IllegalArgumentException("model " + reader.dir() + ": " + ENTRY + " must be 1 x numItems, got "
          + m.rows() + " x " + m.cols());
    }
    return new MostPopular(m.data());
  }
}
