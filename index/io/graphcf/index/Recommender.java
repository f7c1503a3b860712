package io.graphcf.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.graph.GraphStore;
import io.graphcf.graph.IdDictionary;
import io.graphcf.graph.MappedCsr;
import io.graphcf.propagation.filter.FilterModels;
import io.graphcf.propagation.filter.FilterScorer;
import io.graphcf.propagation.model.FloatMatrix;
import io.graphcf.propagation.model.ModelReader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The in-process serving API: opens a model directory (and the graph store it was trained on, for
 * external ids and seen items) and answers top-k queries by external id. Thread-safe, {@link #close()}
 * included (it waits for the queries in flight); each thread keeps its own scratch, so a query
 * allocates only its result (plus the ordinals of explicitly excluded ids). If the model directory
 * holds {@value #INDEX_FILE} (written by {@code graphcf index build}), item search is approximate
 * through that HNSW graph, mapped from the file, with the search beam tuned and stored by the build
 * ({@link #searchBeam()}; per call {@link RecommendOptions#ef(int)}); otherwise, or with
 * {@link RecommendOptions#exact(boolean)}, it is an exact scan.
 *
 * <p>Model kinds: {@code embedding} (user and item embeddings, scored by inner product),
 * {@code popularity} (one score per item), {@code filter} (GF-CF, BSPM: rebuilt on the store's
 * training graph by {@link FilterModels#load}; every item is scored, then the top k selected; a new
 * user is scored from their items by {@link FilterScorer#scoreHistory}).
 *
 * <p>Cold start ({@link #recommendForItems}): a user the model has never seen is folded in from
 * the items they interacted with as {@code q = (1/√|H|) Σ_{i∈H} e_i / √|N_i|} — one LightGCN
 * propagation step (He et al., SIGIR 2020, eq. 3, symmetric normalisation) applied to the final item
 * embeddings, which is how a trained user's embedding is built from its items' embeddings; the
 * 1/√|N_i| factor keeps popular items from dominating the fold-in as they would in a plain mean.
 */
public final class Recommender implements Closeable {
  /** The index file name inside a model directory. */
  public static final String INDEX_FILE = "items.hnsw";
  /** Up to this many users + items, external ids are looked up in heap hash maps, not Chronicle Map. */
  static final long HEAP_IDS_LIMIT = Long.getLong("graphcf.serving.heapIds", 5_000_000L);

  private final Path modelDir;
  private final String model;
  private final String kind;
  private final GraphStore store;
  private final IdDictionary users;
  private final IdDictionary items;
  private final MappedCsr seen;
  private final int numUsers;
  private final int numItems;
  private final int dim;
  private final float[] userEmb;
  private final float[] itemEmb;
  private final float[] foldWeight;
  private final FilterScorer filterScorer;
  private final ExactSearcher exact;
  private final HnswIndex index;
  private final int maxSeen;
  private final ThreadLocal<Scratch> scratch;
  /** Queries hold it shared, {@link #close()} exclusively (not reentrant: each public query enters once). */
  private final java.util.concurrent.locks.StampedLock life = new java.util.concurrent.locks.StampedLock();
  private volatile boolean closed;

  private Recommender(Path modelDir, ModelReader reader, GraphStore store, boolean explicitStore) throws IOException {
    this.modelDir = modelDir;
    ObjectNode meta = reader.meta();
    this.model = meta.path("model").asText("?");
    this.kind = meta.path("kind").asText("");
    this.store = store;
    this.users = store.users();
    this.items = store.items();
    this.seen = store.trainUserItems();
    this.numUsers = store.numUsers();
    this.numItems = store.numItems();
    checkData(meta.path("data"), store, explicitStore);
    switch (kind) {
      case "embedding": {
        FloatMatrix u = reader.matrix("user_embedding");
        FloatMatrix i = reader.matrix("item_embedding");
        if (u.rows() != numUsers || i.rows() != numItems || u.cols() != i.cols()) {
          throw new IllegalArgumentException(modelDir + ": embeddings " + u.rows() + " x " + u.cols() + " (users) and "
              + i.rows() + " x " + i.cols() + " (items) do not match the store's " + numUsers + " users, " + numItems
              + " items");
        }
        this.dim = i.cols();
        this.userEmb = u.data();
        this.itemEmb = i.data();
        this.filterScorer = null;
        break;
      }
      case "popularity": {
        FloatMatrix p = reader.matrix("item_popularity");
        if ((long) p.rows() * p.cols() != numItems) {
          throw new IllegalArgumentException(modelDir + ": item_popularity has " + (long) p.rows() * p.cols()
              + " scores, the store has " + numItems + " items");
        }
        this.dim = 1;
        this.userEmb = null;
        this.itemEmb = p.data();
        this.filterScorer = null;
        break;
      }
      case "filter":
        this.filterScorer = FilterModels.load(reader, store.loadDataset().train());
        if (filterScorer.numItems() != numItems) {
          throw new IllegalArgumentException(modelDir + ": filter model scores " + filterScorer.numItems()
              + " items, the store has " + numItems);
        }
        this.dim = 1;
        this.userEmb = null;
        this.itemEmb = null;
        break;
      default:
        throw new IllegalArgumentException(modelDir + ": unknown model kind '" + kind
            + "' (expected embedding, popularity or filter)");
    }
    this.exact = itemEmb == null ? null : new ExactSearcher(itemEmb, numItems, dim);
    Path indexFile = modelDir.resolve(INDEX_FILE);
    this.index = kind.equals("embedding") && Files.exists(indexFile)
        ? HnswIndex.load(indexFile, itemEmb, numItems, dim) : null;
    int[] deg = new int[numItems];
    MappedCsr iu = store.trainItemUsers();
    float[] w = new float[numItems];
    for (int i = 0; i < numItems; i++) {
      deg[i] = iu.degree(i);
      w[i] = (float) (1.0 / Math.sqrt(Math.max(1, deg[i])));
    }
    this.foldWeight = w;
    int ms = 0;
    for (int u = 0; u < numUsers; u++) {
      ms = Math.max(ms, seen.degree(u));
    }
    this.maxSeen = ms;
    // Serve id lookups from the heap when the dictionaries are small enough: the first Chronicle
    // Map lookup in a JVM costs ~2 s of code generation (measured: open 572 ms, first query 1.8 s).
    if ((long) numUsers + numItems <= HEAP_IDS_LIMIT) {
      users.loadForwardOnHeap();
      items.loadForwardOnHeap();
    }
    this.scratch = ThreadLocal.withInitial(Scratch::new);
  }

  private void checkData(JsonNode data, GraphStore s, boolean explicitStore) {
    if (data.hasNonNull("users") && data.path("users").asInt() != s.numUsers()
        || data.hasNonNull("items") && data.path("items").asInt() != s.numItems()) {
      throw new IllegalArgumentException(modelDir + ": model was trained on " + data.path("users").asInt() + " users, "
          + data.path("items").asInt() + " items; store " + s.dir() + " has " + s.numUsers() + " users, " + s.numItems()
          + " items");
    }
    // The store named in the metadata must match the fingerprint; one passed explicitly (e.g. imported
    // from the same text files the model was trained on) must hold the same interactions under the
    // same ordinals, when the model recorded that checksum (older models: matching counts only).
    String fp = data.path("fingerprint").asText("");
    if (!explicitStore && !fp.isEmpty() && !fp.equals(s.fingerprint())) {
      throw new IllegalArgumentException(modelDir + ": model was trained on data with fingerprint " + fp
          + ", store " + s.dir() + " has " + s.fingerprint());
    }
    if (explicitStore) {
      checkContent(data, s, modelDir);
    }
  }

  /**
   * Refuses a store whose split differs from the one the model recorded ({@code data.content}, the
   * ordinal-level checksum): its ordinals would map the model's rows to the wrong ids. Models without
   * the record, or with the store's own fingerprint, pass.
   */
  static void checkContent(JsonNode data, GraphStore s, Path modelDir) {
    String content = data.path("content").asText("");
    if (content.isEmpty() || data.path("fingerprint").asText("").equals(s.fingerprint())) {
      return;
    }
    String has = s.contentChecksum();
    if (!content.equals(has)) {
      throw new IllegalArgumentException(modelDir + ": store " + s.dir() + " holds other interactions or ordinals"
          + " than the model was trained on (content checksum " + has + ", the model's " + content + ")");
    }
  }

  /** Opens a model directory and the store named in its metadata ({@code data.store}). */
  public static Recommender open(Path modelDir) throws IOException {
    return open(modelDir, null);
  }

  /**
   * Opens a model directory with an explicit store directory (null: the one in the metadata). An
   * explicit store must have the model's user and item counts; the data fingerprint is checked only
   * for the store named in the metadata (a store imported from the same files has its own).
   */
  public static Recommender open(Path modelDir, Path storeDir) throws IOException {
    ModelReader reader = ModelReader.open(modelDir);
    Path sd = storeDir;
    if (sd == null) {
      JsonNode s = reader.meta().path("data").path("store");
      if (s.isNull() || s.isMissingNode() || s.asText().isEmpty()) {
        throw new IllegalArgumentException(modelDir + ": the model names no graph store (meta data.store is null);"
            + " pass the store directory explicitly");
      }
      sd = Paths.get(s.asText());
    }
    GraphStore store = GraphStore.open(sd);
    try {
      return new Recommender(modelDir, reader, store, storeDir != null);
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /**
   * The beam approximate searches use when the options leave it at 0: the one tuned and stored by
   * {@code graphcf index build} (for k = 20; larger k scale it, see {@link HnswIndex#searchBeam(int)});
   * 0 without an index.
   */
  public int searchBeam() {
    return index == null ? 0 : index.searchBeam();
  }

  public Path modelDir() {
    return modelDir;
  }

  /** The model name from the metadata ("lightgcn", "mostpop", ...). */
  public String model() {
    return model;
  }

  public String kind() {
    return kind;
  }

  public int numUsers() {
    return numUsers;
  }

  public int numItems() {
    return numItems;
  }

  /** Whether approximate search through the HNSW index is available. */
  public boolean hasIndex() {
    return index != null;
  }

  /** Top {@code k} items for a known user, training items excluded. */
  public List<ScoredItem> recommend(String userId, int k) {
    return recommend(userId, k, RecommendOptions.defaults());
  }

  /** Top {@code k} items for a known user with options (seen items, exclusions, exact search). */
  public List<ScoredItem> recommend(String userId, int k, RecommendOptions options) {
    long stamp = enter();
    try {
      return recommendOpen(userId, k, options);
    } finally {
      life.unlockRead(stamp);
    }
  }

  private List<ScoredItem> recommendOpen(String userId, int k, RecommendOptions options) {
    checkK(k);
    int u = users.ordinal(userId);
    if (u < 0) {
      throw new IllegalArgumentException("unknown user '" + userId + "' (the store has " + numUsers + " users)");
    }
    Scratch s = scratch.get();
    int nEx = options.excludeSeen() ? seen.copyRow(u, s.excluded, 0) : 0;
    nEx = addExclusions(options.excludeItems(), s, nEx);
    if (kind.equals("popularity")) {
      s.query[0] = 1f;
      return search(s.query, 0, k, nEx, options, s);
    }
    if (filterScorer != null) {
      s.user[0] = u;
      filterScorer.score(s.user, 0, 1, s.scores());
      return select(k, nEx, options, s);
    }
    return search(userEmb, u * dim, k, nEx, options, s);
  }

  /** The {@code k} items with the largest inner product with {@code itemId}'s embedding (itself excluded). */
  public List<ScoredItem> similarItems(String itemId, int k) {
    long stamp = enter();
    try {
      return similarItemsOpen(itemId, k);
    } finally {
      life.unlockRead(stamp);
    }
  }

  private List<ScoredItem> similarItemsOpen(String itemId, int k) {
    checkK(k);
    if (!kind.equals("embedding")) {
      throw new UnsupportedOperationException("similarItems needs an embedding model; " + modelDir + " is kind '"
          + kind + "'");
    }
    int i = itemOrdinal(itemId);
    Scratch s = scratch.get();
    s.excluded[0] = i;
    return search(itemEmb, i * dim, k, 1, RecommendOptions.defaults(), s);
  }

  /** Top {@code k} for a user the model has never seen, from their recent items (which are excluded). */
  public List<ScoredItem> recommendForItems(List<String> recentItemIds, int k) {
    return recommendForItems(recentItemIds, k, RecommendOptions.defaults());
  }

  /** As {@link #recommendForItems(List, int)} with options (exclusions, filter, exact search). */
  public List<ScoredItem> recommendForItems(List<String> recentItemIds, int k, RecommendOptions options) {
    long stamp = enter();
    try {
      return recommendForItemsOpen(recentItemIds, k, options);
    } finally {
      life.unlockRead(stamp);
    }
  }

  private List<ScoredItem> recommendForItemsOpen(List<String> recentItemIds, int k, RecommendOptions options) {
    checkK(k);
    if (recentItemIds.isEmpty()) {
      throw new IllegalArgumentException("recentItemIds is empty: at least one item is needed to fold in a user");
    }
    Scratch s = scratch.get();
    int nEx = 0;
    s.ensureExcluded(recentItemIds.size() + options.excludeItems().size());
    for (String id : recentItemIds) {
      s.excluded[nEx++] = itemOrdinal(id);
    }
    Arrays.sort(s.excluded, 0, nEx);
    nEx = dedupe(s.excluded, nEx);
    if (filterScorer != null) {
      filterScorer.scoreHistory(s.excluded, nEx, s.scores());
      nEx = addExclusions(options.excludeItems(), s, nEx);
      return select(k, nEx, options, s);
    }
    if (kind.equals("popularity")) {
      s.query[0] = 1f;
    } else {
      // q = (1/√|H|) Σ_{i∈H} e_i / √|N_i|
      float[] q = s.query;
      Arrays.fill(q, 0, dim, 0f);
      for (int h = 0; h < nEx; h++) {
        int i = s.excluded[h];
        float w = foldWeight[i];
        int base = i * dim;
        for (int d = 0; d < dim; d++) {
          q[d] += w * itemEmb[base + d];
        }
      }
      float norm = (float) (1.0 / Math.sqrt(nEx));
      for (int d = 0; d < dim; d++) {
        q[d] *= norm;
      }
    }
    nEx = addExclusions(options.excludeItems(), s, nEx);
    return search(s.query, 0, k, nEx, options.excludeSeen(false), s);
  }

  private int addExclusions(List<String> ids, Scratch s, int nEx) {
    if (ids.isEmpty()) {
      return nEx;
    }
    s.ensureExcluded(nEx + ids.size());
    for (String id : ids) {
      s.excluded[nEx++] = itemOrdinal(id);
    }
    Arrays.sort(s.excluded, 0, nEx);
    return dedupe(s.excluded, nEx);
  }

  private static int dedupe(int[] a, int n) {
    int w = 0;
    for (int r = 0; r < n; r++) {
      if (w == 0 || a[w - 1] != a[r]) {
        a[w++] = a[r];
      }
    }
    return w;
  }

  private List<ScoredItem> search(float[] q, int qOff, int k, int nEx, RecommendOptions options, Scratch s) {
    int kk = Math.min(k, numItems);
    if (kk == 0) {
      return List.of();
    }
    if (index != null && !options.exact()) {
      int ef = options.ef() > 0 ? Math.max(options.ef(), kk) : index.searchBeam(kk);
      s.searcher().search(q, qOff, kk, ef, s.excluded, nEx, options.filter(), s.top);
    } else {
      exact.search(q, qOff, kk, s.excluded, nEx, options.filter(), s.top);
    }
    return result(s);
  }

  /** Top k of the per-thread score row (filter models). */
  private List<ScoredItem> select(int k, int nEx, RecommendOptions options, Scratch s) {
    ExactSearcher.selectTopK(s.scores(), numItems, Math.min(k, numItems), s.excluded, nEx, options.filter(), s.top);
    return result(s);
  }

  private List<ScoredItem> result(Scratch s) {
    int n = s.top.drainBestFirst(s.outItems(s.top.size()), s.outScores);
    List<ScoredItem> out = new ArrayList<>(n);
    for (int r = 0; r < n; r++) {
      out.add(new ScoredItem(items.externalId(s.outItems[r]), s.outScores[r]));
    }
    return out;
  }

  private int itemOrdinal(String itemId) {
    int i = items.ordinal(itemId);
    if (i < 0) {
      throw new IllegalArgumentException("unknown item '" + itemId + "' (the store has " + numItems + " items)");
    }
    return i;
  }

  private static void checkK(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
  }

  /**
   * Admits a query: a shared hold on the recommender's life, so {@link #close()} waits for the queries
   * in flight instead of releasing the store under them. The caller releases it with
   * {@code life.unlockRead(stamp)}.
   */
  private long enter() {
    long stamp = life.readLock();
    if (closed) {
      life.unlockRead(stamp);
      throw new IllegalStateException("recommender for " + modelDir + " is closed");
    }
    return stamp;
  }

  /**
   * Releases the store once the queries in flight have finished (new ones wait meanwhile); later calls
   * throw {@link IllegalStateException}. A service can therefore swap in a newly trained model and close
   * the old one while requests are still running on it. Not from inside a query (an {@link ItemFilter}):
   * it would wait for itself.
   */
  @Override
  public void close() {
    long stamp = life.writeLock();
    try {
      if (!closed) {
        closed = true;
        store.close();
      }
    } finally {
      life.unlockWrite(stamp);
    }
  }


  /** Per-thread scratch, reused by every query of that thread. */
  private final class Scratch {
    int[] excluded = new int[Math.max(16, maxSeen + 16)];
    final float[] query = new float[Math.max(1, dim)];
    final TopK top = new TopK(64);
    final int[] user = new int[1];
    private float[] scores;
    int[] outItems = new int[64];
    float[] outScores = new float[64];
    private HnswSearcher searcher;

    HnswSearcher searcher() {
      if (searcher == null) {
        searcher = index.searcher();
      }
      return searcher;
    }

    float[] scores() {
      if (scores == null) {
        scores = new float[numItems];
      }
      return scores;
    }

    void ensureExcluded(int n) {
      if (excluded.length < n) {
        excluded = Arrays.copyOf(excluded, Math.max(n, 2 * excluded.length));
      }
    }

    int[] outItems(int k) {
      if (outItems.length < k) {
        outItems = new int[k];
        outScores = new float[k];
      }
      return outItems;
    }
  }
}
