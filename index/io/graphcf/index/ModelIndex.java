package io.graphcf.index;

import io.graphcf.propagation.model.FloatMatrix;
import io.graphcf.propagation.model.ModelReader;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Builds the HNSW index of a model directory's item embedding and writes it as
 * {@link Recommender#INDEX_FILE} inside that directory (atomically: temporary name, fsync, rename;
 * a {@link Recommender} opened afterwards picks it up).
 */
public final class ModelIndex {
  private ModelIndex() {}

  /** Builds with {@code builder} over the model's {@code item_embedding}; returns the written file. */
  public static Path build(Path modelDir, HnswIndex.Builder builder) throws IOException {
    ModelReader reader = ModelReader.open(modelDir);
    String kind = reader.meta().path("kind").asText("");
    if (!kind.equals("embedding")) {
      throw new IllegalArgumentException(modelDir + ": only embedding models have an item index; this model is kind '"
          + kind + "'");
    }
    FloatMatrix items = reader.matrix("item_embedding");
    HnswIndex index = builder.build(items.data(), items.rows(), items.cols());
    Path file = modelDir.resolve(Recommender.INDEX_FILE);
    index.save(file);
    return file;
  }
}
