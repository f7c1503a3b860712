package io.graphcf.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.graph.GraphStore;
import io.graphcf.graph.ImportedSplit;
import io.graphcf.graph.LightGcnReader;
import io.graphcf.index.HnswIndex;
import io.graphcf.index.ModelIndex;
import io.graphcf.index.RecommendOptions;
import io.graphcf.index.Recommender;
import io.graphcf.index.ScoredItem;
import io.graphcf.propagation.model.FloatMatrix;
import io.graphcf.propagation.model.ModelReader;
import io.graphcf.propagation.model.ModelWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Recommender#recommend(String, int)} with k = 20 and seen-item filtering on Gowalla, through
 * the HNSW index ({@code exact=false}) and through the exact scan ({@code exact=true}): latency
 * percentiles on one thread ({@code SampleTime}: p50, p99) and throughput on two threads.
 *
 * <p>Setup imports {@code gowalla} (LightGCN text format, {@code -p gowalla=DIR}) into a graph store,
 * copies the item and user embeddings of the trained model {@code -p model=DIR} into a serving model
 * that names that store, builds its index (M 16, efConstruction 200, 2 threads, search beam tuned to
 * recall@20 0.95 by {@link ModelIndex}), prints the open time, the tuned beam and the recall@20 that
 * {@code recommend} (seen items excluded) reaches against the exact scan, and opens the Recommender. Users are visited round-robin over all 29,858 users.
 *
 * <p>Forks: 1 per method (the store import and index build take under a minute); warm-up 3 × 2 s,
 * measurement 5 × 2 s. The machine is shared: compare exact vs approximate within the run.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g", "--add-modules=jdk.incubator.vector",
    "-Dchronicle.analytics.disable=true", "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RecommendBench {
  @Param({"../shared/data/gowalla"})
  public String gowalla;

  @Param({""})
  public String model;

  @Param({"false", "true"})
  public boolean exact;

  Path work;
  Recommender rec;
  RecommendOptions options;
  String[] users;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    if (model.isEmpty()) {
      throw new IllegalArgumentException("pass -p model=DIR (a trained embedding model on Gowalla)");
    }
    work = Files.createTempDirectory("graphcf-recbench");
    Path g = Paths.get(gowalla);
    ImportedSplit split = new LightGcnReader().read(g.resolve("train.txt"), g.resolve("test.txt"));
    Path store = work.resolve("store");
    GraphStore.write(split, store, null);
    String fingerprint;
    try (GraphStore s = GraphStore.open(store)) {
      fingerprint = s.fingerprint();
    }
    ModelReader src = ModelReader.open(Paths.get(model));
    FloatMatrix u = src.matrix("user_embedding");
    FloatMatrix i = src.matrix("item_embedding");
    Path serving = work.resolve("model");
    ObjectNode meta = new ObjectMapper().createObjectNode();
    meta.put("model", src.meta().path("model").asText()).put("kind", "embedding");
    meta.putObject("data").put("store", store.toAbsolutePath().toString()).put("fingerprint", fingerprint)
        .put("users", u.rows()).put("items", i.rows());
    try (ModelWriter w = ModelWriter.create(serving)) {
      w.putMatrix("user_embedding", u.data(), u.rows(), u.cols());
      w.putMatrix("item_embedding", i.data(), i.rows(), i.cols());
      w.commit(meta);
    }
    ModelIndex.build(serving, HnswIndex.builder().m(16).efConstruction(200).seed(42).threads(2));
    long t0 = System.nanoTime();
    rec = Recommender.open(serving);
    double openMs = (System.nanoTime() - t0) / 1e6;
    users = new String[rec.numUsers()];
    try (GraphStore s = GraphStore.open(store)) {
      for (int k = 0; k < users.length; k++) {
        users[k] = s.users().externalId(k);
      }
    }
    options = RecommendOptions.defaults().exact(exact);
    List<ScoredItem> probe = rec.recommend(users[0], 20, options);
    if (probe.size() != 20) {
      throw new IllegalStateException("expected 20 items, got " + probe.size());
    }
    System.out.printf(Locale.ROOT, "%nOPEN Recommender.open(%s) with index: %.1f ms (users=%d, items=%d)%n",
        serving, openMs, rec.numUsers(), rec.numItems());
    System.out.printf(Locale.ROOT, "BEAM tuned ef=%d; served recall@20 (seen items excluded) against the exact"
        + " scan on %d users: %.4f%n", rec.searchBeam(), RECALL_USERS, servedRecall());
  }

  static final int RECALL_USERS = 2000;

  /** Mean overlap of the default (approximate) and the exact top-20, seen items excluded, over spread users. */
  private double servedRecall() {
    RecommendOptions ex = RecommendOptions.defaults().exact(true);
    double sum = 0;
    for (int r = 0; r < RECALL_USERS; r++) {
      String u = users[(int) ((long) r * users.length / RECALL_USERS)];
      List<ScoredItem> a = rec.recommend(u, 20);
      List<ScoredItem> e = rec.recommend(u, 20, ex);
      java.util.Set<String> want = new java.util.HashSet<>();
      for (ScoredItem s : e) {
        want.add(s.itemId());
      }
      int hit = 0;
      for (ScoredItem s : a) {
        hit += want.contains(s.itemId()) ? 1 : 0;
      }
      sum += (double) hit / e.size();
    }
    return sum / RECALL_USERS;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    rec.close();
    ModelWriter.deleteRecursively(work);
  }

  /** Round-robin over users, one cursor per thread. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  private List<ScoredItem> one(Cursor c) {
    String u = users[c.next];
    c.next = (c.next + 7919) % users.length;
    return rec.recommend(u, 20, options);
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Threads(1)
  public List<ScoredItem> latency1Thread(Cursor c) {
    return one(c);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(2)
  public List<ScoredItem> throughput2Threads(Cursor c) {
    return one(c);
  }
}
