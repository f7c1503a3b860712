package io.graphcf.index;

import io.graphcf.propagation.Workers;
import io.graphcf.propagation.model.FloatMatrix;
import io.graphcf.propagation.model.ModelReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Builds the HNSW index of a model directory's item embedding, chooses its default search beam and
 * writes it as {@link Recommender#INDEX_FILE} inside that directory (atomically: temporary name,
 * fsync, rename; a {@link Recommender} opened afterwards picks it up).
 *
 * <p>The beam is tuned by default ({@link Beam#DEFAULT}): the model's own user embeddings are the
 * queries the index will serve, so a seeded sample of them is searched against the exact top-k and
 * {@link BeamTuner} picks the smallest beam that reaches the recall target. The right beam depends on
 * the embedding (a Gowalla LightGCN model needs ~150–200 for recall@20 0.95, 1M mixture vectors ~550),
 * so a fixed default would be too slow for one model and too inaccurate for the next.
 */
public final class ModelIndex {
  private ModelIndex() {}

  /**
   * How the default beam is chosen: {@code fixedEf > 0} stores that beam; otherwise the beam is
   * tuned to {@code targetRecall} (recall@{@code k}, lower bound, see {@link BeamTuner}) on
   * {@code sampleUsers} users drawn with {@code seed}.
   */
  public record Beam(int fixedEf, double targetRecall, int sampleUsers, int k, long seed) {
    public static final Beam DEFAULT = new Beam(0, 0.95, 500, 20, 42);

    public Beam {
      if (fixedEf < 0 || fixedEf == 0 && (!(targetRecall > 0 && targetRecall <= 1) || sampleUsers < 1 || k < 1)) {
        throw new IllegalArgumentException("beam: need a fixed ef >= 1, or a target recall in (0, 1], sample users"
            + " >= 1 and k >= 1; got ef=" + fixedEf + ", target=" + targetRecall + ", users=" + sampleUsers + ", k=" + k);
      }
    }

    public static Beam fixed(int ef) {
      return new Beam(ef, 0, 0, 0, 0);
    }
  }

  /** The written file, the beam stored in it and the tuning result (null for a fixed beam). */
  public record Built(Path file, HnswIndex index, int searchBeam, BeamTuner.Result tuning, int numUsers) {}

  /** Builds with {@code builder}, tunes the beam with {@link Beam#DEFAULT} on 2 threads. */
  public static Path build(Path modelDir, HnswIndex.Builder builder) throws IOException {
    return build(modelDir, builder, Beam.DEFAULT, 2).file();
  }

  /** Builds with {@code builder} over the model's {@code item_embedding}, sets the beam and saves. */
  public static Built build(Path modelDir, HnswIndex.Builder builder, Beam beam, int threads) throws IOException {
    ModelReader reader = ModelReader.open(modelDir);
    String kind = reader.meta().path("kind").asText("");
    if (!kind.equals("embedding")) {
      throw new IllegalArgumentException(modelDir + ": only embedding models have an item index; this model is kind '"
          + kind + "'");
    }
    FloatMatrix items = reader.matrix("item_embedding");
    HnswIndex index = builder.build(items.data(), items.rows(), items.cols());
    BeamTuner.Result tuning = null;
    if (beam.fixedEf() > 0) {
      index.setSearchBeam(beam.fixedEf(), 0, Float.NaN);
    } else if (index.size() > 0 && reader.matrix("user_embedding").rows() > 0) {
      FloatMatrix users = reader.matrix("user_embedding");
      float[] queries = sampleRows(users, beam.sampleUsers(), beam.seed());
      int nq = queries.length / users.cols();
      try (Workers w = Workers.create(threads)) {
        tuning = new BeamTuner(index, queries, nq, beam.k(), w).tune(beam.targetRecall());
      }
      index.setSearchBeam(tuning.ef(), tuning.k(), tuning.recall());
    }
    Path file = modelDir.resolve(Recommender.INDEX_FILE);
    index.save(file);
    return new Built(file, index, index.searchBeam(), tuning, reader.matrix("user_embedding").rows());
  }

  /** Up to {@code n} distinct rows of {@code m} drawn with {@code seed} (all rows when it has no more), row-major. */
  static float[] sampleRows(FloatMatrix m, int n, long seed) {
    int rows = m.rows();
    int cols = m.cols();
    int take = Math.min(n, rows);
    int[] order = new int[rows];
    for (int i = 0; i < rows; i++) {
      order[i] = i;
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] out = new float[take * cols];
    float[] data = m.data();
    for (int i = 0; i < take; i++) {
      int j = i + rnd.nextInt(rows - i);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
      System.arraycopy(data, order[i] * cols, out, i * cols, cols);
    }
    return out;
  }
}
