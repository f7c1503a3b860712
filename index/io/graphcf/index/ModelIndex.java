package io.graphcf.index;

import com.fasterxml.jackson.databind.JsonNode;
import io.graphcf.graph.GraphStore;
import io.graphcf.graph.MappedCsr;
import io.graphcf.propagation.Workers;
import io.graphcf.propagation.model.FloatMatrix;
import io.graphcf.propagation.model.ModelReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Builds the HNSW index of a model directory's item embedding, chooses its default search beam and
 * writes it as {@link Recommender#INDEX_FILE} inside that directory (atomically: temporary name,
 * fsync, rename; a {@link Recommender} opened afterwards picks it up).
 *
 * <p>The beam is tuned by default ({@link Beam#DEFAULT}): the model's own user embeddings are the
 * queries the index will serve, so a seeded sample of them is searched against the exact top-k —
 * with each user's training items excluded, as {@link Recommender} serves them, when the model's
 * graph store is found — and {@link BeamTuner} picks the smallest beam that reaches the recall target. The right beam depends on
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
  }

  /**
   * The written file, the beam stored in it, the tuning result (null for a fixed beam), the model's
   * user count, and whether tuning excluded the sampled users' training items (store found).
   */
  public record Built(Path file, HnswIndex index, int searchBeam, BeamTuner.Result tuning, int numUsers,
      boolean seenExcluded) {}

  /** Builds with {@code builder}, tunes the beam with {@link Beam#DEFAULT} on 2 threads. */
  public static Path build(Path modelDir, HnswIndex.Builder builder) throws IOException {
    return build(modelDir, builder, Beam.DEFAULT, 2, null).file();
  }

  /**
   * Builds with {@code builder} over the model's {@code item_embedding}, sets the beam and saves.
   * {@code storeDir}: the graph store whose training items tuning excludes (null: the one named in
   * the metadata; an explicit store must match the model's user and item counts and its recorded
   * content checksum, as in {@link Recommender#open(Path, Path)}).
   */
  public static Built build(Path modelDir, HnswIndex.Builder builder, Beam beam, int threads, Path storeDir)
      throws IOException {
    ModelReader reader = ModelReader.open(modelDir);
    String kind = reader.meta().path("kind").asText("");
    if (!kind.equals("embedding")) {
      throw new IllegalArgumentException(modelDir + ": only embedding models have an item index; this model is kind '"
          + kind + "'");
    }
    FloatMatrix items = reader.matrix("item_embedding");
    FloatMatrix users = reader.matrix("user_embedding");
    boolean tune = beam.fixedEf() == 0 && items.rows() > 0 && users.rows() > 0;
    // the queries and their exclusions first: a bad store fails before minutes of graph building
    int[] sample = tune ? sample(users.rows(), beam.sampleUsers(), beam.seed()) : null;
    int[][] seen = tune ? seenItems(reader, storeDir, users.rows(), items.rows(), sample) : null;
    HnswIndex index = builder.build(items.data(), items.rows(), items.cols());
    BeamTuner.Result tuning = null;
    boolean seenExcluded = false;
    if (beam.fixedEf() > 0) {
      index.setSearchBeam(beam.fixedEf(), 0, Float.NaN);
    } else if (tune) {
      float[] queries = rows(users, sample);
      try (Workers w = Workers.create(threads)) {
        tuning = new BeamTuner(index, queries, sample.length, beam.k(), seen, w).tune(beam.targetRecall());
      }
      index.setSearchBeam(tuning.ef(), tuning.k(), tuning.recall());
      seenExcluded = seen != null;
    }
    Path file = modelDir.resolve(Recommender.INDEX_FILE);
    index.save(file);
    return new Built(file, index, index.searchBeam(), tuning, users.rows(), seenExcluded);
  }

  /**
   * The training items of each sampled user (as {@link Recommender} excludes them), from the
   * explicit store (which must match the model's counts and recorded content) or else from the one
   * named in the model's metadata; null when the latter is missing or does not match the model: tuning then searches
   * without exclusions, which needs a slightly wider beam for the same recall (conservative).
   */
  static int[][] seenItems(ModelReader reader, Path storeDir, int numUsers, int numItems, int[] sample)
      throws IOException {
    JsonNode data = reader.meta().path("data");
    if (storeDir != null) {
      try (GraphStore store = GraphStore.open(storeDir)) {
        if (store.numUsers() != numUsers || store.numItems() != numItems) {
          throw new IllegalArgumentException(storeDir + ": store has " + store.numUsers() + " users, "
              + store.numItems() + " items; the model has " + numUsers + " and " + numItems);
        }
        Recommender.checkContent(data, store, reader.dir());
        return rowsOf(store.trainUserItems(), sample);
      }
    }
    String dir = data.path("store").asText("");
    if (data.path("store").isNull() || dir.isEmpty() || !Files.isDirectory(Paths.get(dir))) {
      return null;
    }
    try (GraphStore store = GraphStore.open(Paths.get(dir))) {
      String fp = data.path("fingerprint").asText("");
      if (store.numUsers() != numUsers || store.numItems() != numItems || !fp.isEmpty() && !fp.equals(store.fingerprint())) {
        return null;
      }
      return rowsOf(store.trainUserItems(), sample);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static int[][] rowsOf(MappedCsr train, int[] sample) {
    int[][] seen = new int[sample.length][];
    for (int q = 0; q < sample.length; q++) {
      seen[q] = new int[train.degree(sample[q])];
      train.copyRow(sample[q], seen[q], 0);
    }
    return seen;
  }

  /** Up to {@code n} distinct ordinals of {@code [0, rows)} drawn with {@code seed} (all of them when there are no more). */
  static int[] sample(int rows, int n, long seed) {
    int take = Math.min(n, rows);
    int[] order = new int[rows];
    for (int i = 0; i < rows; i++) {
      order[i] = i;
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = 0; i < take; i++) {
      int j = i + rnd.nextInt(rows - i);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return Arrays.copyOf(order, take);
  }

  /** The listed rows of {@code m}, row-major. */
  static float[] rows(FloatMatrix m, int[] list) {
    int cols = m.cols();
    float[] out = new float[list.length * cols];
    for (int i = 0; i < list.length; i++) {
      System.arraycopy(m.data(), list[i] * cols, out, i * cols, cols);
    }
    return out;
  }
}
