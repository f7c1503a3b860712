package io.graphcf.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.graph.CsrMatrix;
import io.graphcf.graph.Dataset;
import io.graphcf.graph.GraphStore;
import io.graphcf.graph.Interactions;
import io.graphcf.propagation.Workers;
import io.graphcf.propagation.filter.Bspm;
import io.graphcf.propagation.filter.BspmConfig;
import io.graphcf.propagation.filter.FilterModels;
import io.graphcf.propagation.filter.FilterScorer;
import io.graphcf.propagation.filter.GfCf;
import io.graphcf.propagation.model.ModelWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving API against brute-force scoring of the same embeddings, on a generated store and
 * model ({@link #createFixture(Path)} is reused by the CLI tests).
 */
public class RecommenderTest {
  static final int USERS = 300;
  static final int ITEMS = 900;
  public static final int DIM = 16;

  @TempDir
  static Path tmp;
  static Path store;
  static Path model;
  public static float[] userEmb;
  static float[] itemEmb;
  public static int[][] seen;
  static int[] itemDegree;

  public static String uid(int u) {
    return "u" + u;
  }

  public static String iid(int i) {
    return "item-" + i;
  }

  @BeforeAll
  static void fixture() throws IOException {
    createFixture(tmp);
  }

  /** Writes the store and an indexed embedding model under {@code dir}; returns the model directory. */
  public static Path createFixture(Path dir) throws IOException {
    SplittableRandom r = new SplittableRandom(17);
    int[] pu = new int[USERS * 30];
    int[] pi = new int[USERS * 30];
    int n = 0;
    seen = new int[USERS][];
    itemDegree = new int[ITEMS];
    for (int u = 0; u < USERS; u++) {
      int[] s = r.ints(5 + r.nextInt(25), 0, ITEMS).distinct().sorted().toArray();
      seen[u] = s;
      for (int i : s) {
        pu[n] = u;
        pi[n++] = i;
        itemDegree[i]++;
      }
    }
    Interactions train = Interactions.fromPairs(USERS, ITEMS, pu, pi, n);
    Dataset data = new Dataset(train, CsrMatrix.empty(USERS, ITEMS));
    List<String> users = new ArrayList<>();
    List<String> items = new ArrayList<>();
    for (int u = 0; u < USERS; u++) {
      users.add(uid(u));
    }
    for (int i = 0; i < ITEMS; i++) {
      items.add(iid(i));
    }
    store = dir.resolve("store");
    GraphStore.write(data, users, items, store, null);
    String fingerprint;
    try (GraphStore s = GraphStore.open(store)) {
      fingerprint = s.fingerprint();
    }
    // embedding-like vectors (norms grow along a shared popularity direction), as the default
    // NORM_AUGMENTED index is meant for
    userEmb = IndexTestData.embeddingLike(USERS, DIM, 1);
    itemEmb = IndexTestData.embeddingLike(ITEMS, DIM, 2);
    model = dir.resolve("model");
    writeModel(model, "embedding", fingerprint);
    ModelIndex.build(model, HnswIndex.builder().m(12).efConstruction(100).seed(3).threads(2));
    return model;
  }

  static void writeModel(Path dir, String kind, String fingerprint) throws IOException {
    ObjectNode meta = new ObjectMapper().createObjectNode();
    meta.put("model", kind.equals("popularity") ? "mostpop" : "lightgcn").put("kind", kind);
    meta.putObject("data").put("store", store.toAbsolutePath().toString()).put("fingerprint", fingerprint)
        .put("users", USERS).put("items", ITEMS);
    try (ModelWriter w = ModelWriter.create(dir)) {
      if (kind.equals("popularity")) {
        float[] pop = new float[ITEMS];
        for (int i = 0; i < ITEMS; i++) {
          pop[i] = itemDegree[i];
        }
        w.putMatrix("item_popularity", pop, 1, ITEMS);
      } else {
        w.putMatrix("user_embedding", userEmb, USERS, DIM);
        w.putMatrix("item_embedding", itemEmb, ITEMS, DIM);
      }
      w.commit(meta);
    }
  }

  static int[] ordinals(List<ScoredItem> got) {
    return got.stream().mapToInt(s -> Integer.parseInt(s.itemId().substring(5))).toArray();
  }

  public static int[] expected(float[] q, int k, int[] excluded) {
    return IndexTestData.bruteForce(itemEmb, ITEMS, DIM, q, 0, k, i -> Arrays.binarySearch(excluded, i) < 0);
  }

  @Test
  void recommendMatchesBruteForceWithSeenExcluded() throws IOException {
    try (Recommender rec = Recommender.open(model)) {
      assertTrue(rec.hasIndex());
      assertEquals("embedding", rec.kind());
      double recall = 0;
      for (int u = 0; u < USERS; u++) {
        float[] q = Arrays.copyOfRange(userEmb, u * DIM, u * DIM + DIM);
        int[] expect = expected(q, 20, seen[u]);
        List<ScoredItem> exact = rec.recommend(uid(u), 20, RecommendOptions.defaults().exact(true));
        assertArrayEquals(expect, ordinals(exact), "user " + u);
        List<ScoredItem> approx = rec.recommend(uid(u), 20);
        assertEquals(20, approx.size());
        for (int i : ordinals(approx)) {
          assertTrue(Arrays.binarySearch(seen[u], i) < 0, "seen item " + i + " returned for user " + u);
        }
        for (int j = 1; j < approx.size(); j++) {
          assertTrue(approx.get(j - 1).score() >= approx.get(j).score());
        }
        recall += IndexTestData.overlap(ordinals(approx), expect);
      }
      assertTrue(recall / USERS >= 0.95, "recall@20 through the index: " + recall / USERS);
      // seen items come back when not excluded
      int u = 5;
      float[] q = Arrays.copyOfRange(userEmb, u * DIM, u * DIM + DIM);
      assertArrayEquals(expected(q, 10, new int[0]),
          ordinals(rec.recommend(uid(u), 10, RecommendOptions.defaults().excludeSeen(false).exact(true))));
      // extra exclusions and a predicate
      int[] top = expected(q, 3, seen[u]);
      List<ScoredItem> ex = rec.recommend(uid(u), 10, RecommendOptions.defaults()
          .exclude(List.of(iid(top[0]), iid(top[2]))).filter(i -> i % 2 == 0));
      for (int i : ordinals(ex)) {
        assertTrue(i != top[0] && i != top[2] && i % 2 == 0 && Arrays.binarySearch(seen[u], i) < 0);
      }
    }
  }

  /**
   * A query allocates its result and nothing that grows with the catalogue or the beam: per-thread
   * scratch (visited marks, heaps, score rows) is reused. Measured with the JVM's per-thread
   * allocation counter over many queries after warm-up; the bound is what a 20-item result costs
   * (list, 20 ScoredItem, 20 id strings) with slack, below one visited array (900 ints, 3.6 kB).
   */
  @Test
  void aQueryAllocatesOnlyItsResult() throws IOException {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    org.junit.jupiter.api.Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported(),
        "per-thread allocation counter not supported by this JVM");
    mx.setThreadAllocatedMemoryEnabled(true);
    try (Recommender rec = Recommender.open(model)) {
      assertTrue(rec.hasIndex());
      String[] ids = new String[USERS];
      for (int u = 0; u < USERS; u++) {
        ids[u] = uid(u);
      }
      for (RecommendOptions o : List.of(RecommendOptions.defaults(), RecommendOptions.defaults().exact(true))) {
        long sink = 0;
        for (int r = 0; r < 3 * USERS; r++) {
          sink += rec.recommend(ids[r % USERS], 20, o).size();
        }
        int queries = 4 * USERS;
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int r = 0; r < queries; r++) {
          sink += rec.recommend(ids[r % USERS], 20, o).size();
        }
        long perQuery = (mx.getThreadAllocatedBytes(tid) - before) / queries;
        assertEquals(7 * USERS * 20, sink);
        // measured 1,680 B: the list, 20 ScoredItem, 20 id Strings and their bytes (~72 B per item)
        assertTrue(perQuery <= 2_500, (o.exact() ? "exact" : "index") + " query allocated " + perQuery + " bytes");
      }
    }
  }

  @Test
  void similarItemsAndFoldIn() throws IOException {
    try (Recommender rec = Recommender.open(model, store)) {
      int item = 42;
      float[] q = Arrays.copyOfRange(itemEmb, item * DIM, item * DIM + DIM);
      List<ScoredItem> sim = rec.similarItems(iid(item), 10);
      assertTrue(IndexTestData.overlap(ordinals(sim), expected(q, 10, new int[] {item})) >= 0.9);
      for (int i : ordinals(sim)) {
        assertTrue(i != item, "similarItems returned the item itself");
      }
      // fold-in reference: q = (1/√|H|) Σ e_i / √deg_i, computed here in double
      int[] recent = {3, 50, 700};
      double[] f = new double[DIM];
      for (int i : recent) {
        for (int d = 0; d < DIM; d++) {
          f[d] += itemEmb[i * DIM + d] / Math.sqrt(Math.max(1, itemDegree[i]));
        }
      }
      float[] fq = new float[DIM];
      for (int d = 0; d < DIM; d++) {
        fq[d] = (float) (f[d] / Math.sqrt(recent.length));
      }
      List<ScoredItem> cold = rec.recommendForItems(List.of(iid(700), iid(3), iid(50), iid(3)), 15,
          RecommendOptions.defaults().exact(true));
      assertArrayEquals(expected(fq, 15, recent), ordinals(cold));
      assertEquals((float) dot(fq, 0, ordinals(cold)[0]), cold.get(0).score(), 1e-4f);
    }
  }

  static double dot(float[] q, int off, int item) {
    double s = 0;
    for (int d = 0; d < DIM; d++) {
      s += q[off + d] * itemEmb[item * DIM + d];
    }
    return s;
  }

  @Test
  void clearErrors() throws IOException {
    Recommender rec = Recommender.open(model);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rec.recommend("nobody", 10));
    assertTrue(e.getMessage().contains("unknown user 'nobody'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> rec.recommend(uid(1), 0));
    assertTrue(e.getMessage().contains("k must be >= 1, got 0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> rec.similarItems("item-x", 5));
    assertTrue(e.getMessage().contains("unknown item 'item-x'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> rec.recommendForItems(List.of(), 5));
    assertThrows(IllegalArgumentException.class,
        () -> rec.recommend(uid(1), 5, RecommendOptions.defaults().exclude(List.of("nope"))));
    assertEquals(ITEMS - seen[7].length, rec.recommend(uid(7), 5000).size());
    rec.close();
    assertThrows(IllegalStateException.class, () -> rec.recommend(uid(1), 5));
  }

  @Test
  void popularityAndFilterKinds() throws IOException {
    Path pop = tmp.resolve("mostpop");
    try (GraphStore s = GraphStore.open(store)) {
      writeModel(pop, "popularity", s.fingerprint());
    }
    try (Recommender rec = Recommender.open(pop)) {
      assertFalse(rec.hasIndex());
      List<ScoredItem> got = rec.recommend(uid(0), 5);
      for (int j = 0; j < got.size(); j++) {
        int i = ordinals(got)[j];
        assertEquals(itemDegree[i], got.get(j).score(), 0f);
        assertTrue(Arrays.binarySearch(seen[0], i) < 0);
      }
      int maxDeg = Arrays.stream(itemDegree).max().getAsInt();
      assertTrue(got.get(0).score() >= maxDeg - 1e-6 || Arrays.binarySearch(seen[0], argmax(itemDegree)) >= 0);
      assertThrows(UnsupportedOperationException.class, () -> rec.similarItems(iid(1), 3));
    }
  }

  @Test
  void filterModelScoresEveryItemAndFoldsInHistories() throws IOException {
    Interactions train;
    try (GraphStore s = GraphStore.open(store)) {
      train = s.loadDataset().train();
    }
    try (Workers w = Workers.create(1)) {
      checkFilterModel("gfcf", GfCf.fit(train, 16, 0.3, 2, 8, 5L, w));
      checkFilterModel("bspm", Bspm.fit(train, BspmConfig.preset("gowalla").factorDim(6), w));
    }
  }

  /** A saved filter model serves each known user's and a new history's top 10 exactly as it scores them. */
  private void checkFilterModel(String name, FilterScorer model) throws IOException {
    Path dir = tmp.resolve(name);
    String fingerprint;
    try (GraphStore s = GraphStore.open(store)) {
      fingerprint = s.fingerprint();
    }
    ObjectNode extra = new ObjectMapper().createObjectNode();
    extra.putObject("data").put("store", store.toAbsolutePath().toString()).put("fingerprint", fingerprint)
        .put("users", USERS).put("items", ITEMS);
    FilterModels.saveTo(dir, model, extra);
    try (Recommender rec = Recommender.open(dir)) {
      assertEquals("filter", rec.kind(), name);
      float[] row = new float[ITEMS];
      for (int u = 0; u < USERS; u += 37) {
        model.score(new int[] {u}, 0, 1, row);
        int[] expect = topOfRow(row, 10, seen[u]);
        assertArrayEquals(expect, ordinals(rec.recommend(uid(u), 10)), name + " user " + u);
      }
      int[] hist = {4, 9, 300};
      model.scoreHistory(hist, 3, row);
      assertArrayEquals(topOfRow(row, 10, hist),
          ordinals(rec.recommendForItems(List.of(iid(300), iid(4), iid(9)), 10)), name + " new history");
      assertThrows(UnsupportedOperationException.class, () -> rec.similarItems(iid(1), 3));
    }
  }

  /** Top k of a score row by a full sort (ties to the smaller ordinal), skipping sorted exclusions. */
  static int[] topOfRow(float[] row, int k, int[] excluded) {
    return java.util.stream.IntStream.range(0, row.length).filter(i -> Arrays.binarySearch(excluded, i) < 0).boxed()
        .sorted((a, b) -> row[a] != row[b] ? Float.compare(row[b], row[a]) : Integer.compare(a, b)).limit(k)
        .mapToInt(Integer::intValue).toArray();
  }

  static int argmax(int[] a) {
    int b = 0;
    for (int i = 1; i < a.length; i++) {
      if (a[i] > a[b]) {
        b = i;
      }
    }
    return b;
  }

  @Test
  void staleIndexIsRefused() throws IOException {
    Path other = tmp.resolve("stale");
    try (GraphStore s = GraphStore.open(store)) {
      writeModel(other, "embedding", s.fingerprint());
    }
    // an index built on other item vectors, copied in
    java.nio.file.Files.copy(model.resolve(Recommender.INDEX_FILE), other.resolve(Recommender.INDEX_FILE));
    float[] saved = itemEmb.clone();
    itemEmb[0] += 1f;
    try {
      writeModel(tmp.resolve("stale2"), "embedding", "");
      java.nio.file.Files.copy(model.resolve(Recommender.INDEX_FILE), tmp.resolve("stale2").resolve(Recommender.INDEX_FILE));
    } finally {
      System.arraycopy(saved, 0, itemEmb, 0, saved.length);
    }
    Recommender.open(other).close();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Recommender.open(tmp.resolve("stale2")));
    assertTrue(e.getMessage().contains("rebuild the index"), e.getMessage());
  }

  @Test
  void concurrentRecommendEqualsSingleThread() throws Exception {
    try (Recommender rec = Recommender.open(model)) {
      List<List<ScoredItem>> single = new ArrayList<>();
      for (int u = 0; u < USERS; u++) {
        single.add(rec.recommend(uid(u), 20));
      }
      ExecutorService pool = Executors.newFixedThreadPool(6);
      try {
        List<Future<Boolean>> fs = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
          int shift = 37 * t;
          fs.add(pool.submit(() -> {
            for (int j = 0; j < USERS; j++) {
              int u = (j + shift) % USERS;
              if (!rec.recommend(uid(u), 20).equals(single.get(u))) {
                return false;
              }
            }
            return true;
          }));
        }
        for (Future<Boolean> f : fs) {
          assertTrue(f.get());
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /**
   * An explicit store is checked against the content checksum the model recorded: a copy of the
   * training store under other external ids passes, a store with one interaction moved is refused.
   */
  @Test
  void explicitStoreMustHoldTheModelsContent() throws IOException {
    String content;
    try (GraphStore s = GraphStore.open(store)) {
      content = s.contentChecksum();
    }
    Path m = tmp.resolve("model-content");
    writeModel(m, "embedding", "not-this-store");
    ObjectNode meta = (ObjectNode) io.graphcf.propagation.model.ModelReader.open(m).meta().deepCopy();
    ((ObjectNode) meta.get("data")).put("content", content);
    try (ModelWriter w = ModelWriter.create(m)) {
      w.putMatrix("user_embedding", userEmb, USERS, DIM);
      w.putMatrix("item_embedding", itemEmb, ITEMS, DIM);
      w.commit(meta);
    }
    List<String> users = new ArrayList<>();
    List<String> items = new ArrayList<>();
    for (int u = 0; u < USERS; u++) {
      users.add("renamed-" + u);
    }
    for (int i = 0; i < ITEMS; i++) {
      items.add(iid(i));
    }
    Dataset same;
    try (GraphStore s = GraphStore.open(store)) {
      same = s.loadDataset();
    }
    Path renamed = tmp.resolve("store-renamed");
    GraphStore.write(same, users, items, renamed, null);
    try (Recommender rec = Recommender.open(m, renamed)) {
      assertEquals(10, rec.recommend("renamed-3", 10).size());
    }
    // user 0's first training item moved to another item: same counts, other content
    int[] ptr = same.train().userItems().rowPtr().clone();
    int[] idx = same.train().userItems().colIdx().clone();
    int moved = idx[0];
    for (int i = 0; i < ITEMS; i++) {
      if (Arrays.binarySearch(idx, ptr[0], ptr[1], i) < 0) {
        moved = i;
        break;
      }
    }
    idx[0] = moved;
    Arrays.sort(idx, ptr[0], ptr[1]);
    Dataset other = new Dataset(new Interactions(new CsrMatrix(USERS, ITEMS, ptr, idx)), same.test());
    Path changed = tmp.resolve("store-changed");
    GraphStore.write(other, users, items, changed, null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Recommender.open(m, changed));
    assertTrue(e.getMessage().contains("other interactions or ordinals") && e.getMessage().contains(content),
        e.getMessage());
  }

  /**
   * A query blocked inside the search (in its item filter) keeps {@code close()} waiting; it then
   * completes with the right answer, and queries after the close are refused.
   */
  @Test
  void closeWaitsForTheQueriesInFlight() throws Exception {
    Recommender rec = Recommender.open(model);
    RecommendOptions exact = RecommendOptions.defaults().exact(true);
    List<ScoredItem> expected = rec.recommend(uid(3), 10, exact);
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ItemFilter blocking = item -> {
      if (inside.getCount() > 0) {
        inside.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return true;
    };
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<List<ScoredItem>> query = pool.submit(() -> rec.recommend(uid(3), 10, exact.filter(blocking)));
      assertTrue(inside.await(30, TimeUnit.SECONDS), "the query never reached its filter");
      Future<?> closing = pool.submit(rec::close);
      Thread.sleep(300);
      assertFalse(closing.isDone(), "close() returned while a query was still running");
      release.countDown();
      assertEquals(expected, query.get(30, TimeUnit.SECONDS));
      closing.get(30, TimeUnit.SECONDS);
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> rec.recommend(uid(3), 10));
      assertTrue(e.getMessage().contains("closed"), e.getMessage());
      assertThrows(IllegalStateException.class, () -> rec.similarItems(iid(0), 5));
      assertThrows(IllegalStateException.class, () -> rec.recommendForItems(List.of(iid(0)), 5));
    } finally {
      release.countDown();
      pool.shutdownNow();
      rec.close();
    }
  }

  /** Queries racing a close either answer correctly or are refused as closed; nothing else happens. */
  @Test
  void queriesRacingCloseAnswerOrAreRefused() throws Exception {
    List<List<ScoredItem>> expected = new ArrayList<>();
    try (Recommender rec = Recommender.open(model)) {
      for (int u = 0; u < USERS; u++) {
        expected.add(rec.recommend(uid(u), 10));
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 5; round++) {
        Recommender rec = Recommender.open(model);
        CountDownLatch started = new CountDownLatch(4);
        List<Future<int[]>> fs = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int shift = 11 * t;
          fs.add(pool.submit(() -> {
            int answered = 0;
            int refused = 0;
            started.countDown();
            for (int j = 0; refused == 0 || j < 10; j++) {
              int u = (j + shift) % USERS;
              try {
                if (!rec.recommend(uid(u), 10).equals(expected.get(u))) {
                  return null;
                }
                answered++;
              } catch (IllegalStateException e) {
                refused++;
              }
            }
            return new int[] {answered, refused};
          }));
        }
        started.await();
        rec.close();
        for (Future<int[]> f : fs) {
          int[] counts = f.get(60, TimeUnit.SECONDS);
          assertTrue(counts != null, "a query racing close() returned a wrong answer");
          assertTrue(counts[1] > 0, "no query was refused after close()");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
