package io.graphcf.bench;

import io.graphcf.graph.Dataset;
import io.graphcf.graph.GraphStore;
import io.graphcf.graph.LightGcnReader;
import io.graphcf.graph.io.Directories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a graph store saves: opening and verifying a store ({@link GraphStore#open}: every file's
 * CRC32C and structure, no source text) and copying it onto the heap ({@link
 * GraphStore#loadDataset}), against the baseline of re-reading the LightGCN text ({@link
 * LightGcnReader}) into the same heap {@link Dataset}, in the same run. Setup imports {@code
 * gowalla} ({@code -p gowalla=DIR}) once into a temporary store and checks that the store and the
 * text give equal datasets.
 *
 * <p>Forks: 1 per method (the import in setup takes seconds, most of it Chronicle Map's one-off
 * code generation); warm-up 3 × 1 s, then 5 × 1 s measured: an open takes milliseconds and the text
 * read a few hundred, so each iteration holds several operations. On a shared, busy machine compare
 * the ratio to {@code readText} within one run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Dchronicle.analytics.disable=true",
    "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class StoreBench {
  @Param({"../shared/data/gowalla"})
  public String gowalla;

  private Path train;
  private Path test;
  private Path store;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    Path g = Paths.get(gowalla);
    train = g.resolve("train.txt");
    test = g.resolve("test.txt");
    store = Files.createTempDirectory("graphcf-storebench").resolve("store");
    GraphStore.write(new LightGcnReader().read(train, test), store, null);
    Dataset fromText = readText();
    try (GraphStore s = GraphStore.open(store)) {
      Dataset fromStore = s.loadDataset();
      if (!fromStore.train().userItems().equals(fromText.train().userItems())
          || !fromStore.test().equals(fromText.test())) {
        throw new IllegalStateException("store and text disagree: " + fromStore + " vs " + fromText);
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Directories.deleteRecursively(store.getParent());
  }

  /** Open and verify every file, then close. */
  @Benchmark
  public int open() throws IOException {
    try (GraphStore s = GraphStore.open(store)) {
      return s.numUsers();
    }
  }

  /** Open, verify and copy train (both directions) and test onto the heap. */
  @Benchmark
  public Dataset openAndLoad() throws IOException {
    try (GraphStore s = GraphStore.open(store)) {
      return s.loadDataset();
    }
  }

  /** Baseline: parse the text files into the same heap dataset. */
  @Benchmark
  public Dataset readText() throws IOException {
    return new LightGcnReader().read(train, test).toDataset();
  }
}
