package io.graphcf.bench;

import io.graphcf.graph.Interactions;
import io.graphcf.graph.LightGcnReader;
import io.graphcf.propagation.NormalizedAdjacency;
import io.graphcf.propagation.Propagation;
import io.graphcf.propagation.RowPartition;
import io.graphcf.propagation.Workers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.ejml.concurrency.EjmlConcurrency;
import org.ejml.data.FGrowArray;
import org.ejml.data.FMatrixRMaj;
import org.ejml.data.FMatrixSparseCSC;
import org.ejml.sparse.csc.CommonOps_FSCC;
import org.ejml.sparse.csc.CommonOps_MT_FSCC;
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
import pabeles.concurrency.GrowArray;

/**
 * One full propagation Â·X on Gowalla (29,858 users + 40,981 items = 70,839 nodes, 1,620,256
 * non-zeros counting both directions; LightGCN, He et al. SIGIR 2020) with d = 64 on 2 threads:
 * our kernel (usersFromItems + itemsFromUsers) against EJML's multithreaded
 * {@code CommonOps_MT_FSCC.mult} on the same symmetric (users+items)² matrix and the same X, in the
 * same run. The data comes from {@code ../shared/data/gowalla} (or {@code -Dgraphcf.gowalla=DIR});
 * when it is absent, setup fails with a message saying so and the benchmark is skipped.
 *
 * <p>Forks and warm-up: every benchmark method runs in its own forked JVM (1 fork each), so the JIT
 * profile of one variant cannot pollute another's. One product takes 15–150 ms, so 1-second
 * iterations hold 7–60 operations; 5 warm-up iterations let C2 compile and vectorise the loops (OSR
 * then full compilation; the variants reach steady state within 2–3 iterations) and 8 measured
 * iterations give 8–500 samples per variant. Mode is SampleTime: on a shared, busy machine the mean
 * is inflated by preemption, the median (p0.50) and the minimum (p0.00) much less, so compare
 * variants by their median's ratio to the EJML baseline of the same run, not by absolute figures
 * across runs.
 *
 * <p>Traffic model for the bandwidth figure, per product: row pointers 0.28 MB + column indices and
 * weights 12.96 MB + one gathered 256-byte row per non-zero 414.8 MB + the output 18.1 MB = 446 MB.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 8, time = 1)
public class PropagationBench {
  @Param({"64"})
  public int dim;

  @Param({"2"})
  public int threads;

  private NormalizedAdjacency adj;
  private Workers workers;
  private float[] users;
  private float[] items;
  private float[] outUsers;
  private float[] outItems;
  private int[] userBounds;
  private int[] itemBounds;

  private FMatrixSparseCSC ejmlA;
  private FMatrixRMaj ejmlX;
  private FMatrixRMaj ejmlY;
  private GrowArray<FGrowArray> ejmlWork;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    Path dir = Paths.get(System.getProperty("graphcf.gowalla", "../shared/data/gowalla"));
    if (!Files.isRegularFile(dir.resolve("train.txt"))) {
      throw new IllegalStateException("skipped: Gowalla not found at " + dir.toAbsolutePath()
          + " (set -Dgraphcf.gowalla=DIR)");
    }
    Interactions g = new LightGcnReader().read(dir.resolve("train.txt"), null).toDataset().train();
    workers = Workers.create(threads);
    adj = NormalizedAdjacency.of(g, threads);
    int nu = g.numUsers();
    int ni = g.numItems();
    // the bench-only variants use the same 64 dynamically handed-out row ranges as the kernel
    userBounds = RowPartition.byNnz(g.userItems().rowPtr(), 64);
    itemBounds = RowPartition.byNnz(g.itemUsers().rowPtr(), 64);
    SplittableRandom rnd = new SplittableRandom(2020);
    users = new float[nu * dim];
    items = new float[ni * dim];
    for (int k = 0; k < users.length; k++) {
      users[k] = (float) (rnd.nextGaussian() * 0.1);
    }
    for (int k = 0; k < items.length; k++) {
      items[k] = (float) (rnd.nextGaussian() * 0.1);
    }
    outUsers = new float[nu * dim];
    outItems = new float[ni * dim];

    // EJML: the symmetric (users+items)² Â in CSC; column c of a symmetric matrix is its row c.
    int n = nu + ni;
    int nnz = 2 * g.nnz();
    ejmlA = new FMatrixSparseCSC(n, n, nnz);
    int[] uPtr = g.userItems().rowPtr();
    int[] uIdx = g.userItems().colIdx();
    int[] iPtr = g.itemUsers().rowPtr();
    int[] iIdx = g.itemUsers().colIdx();
    float[] uw = adj.userWeights();
    float[] iw = adj.itemWeights();
    int p = 0;
    for (int u = 0; u < nu; u++) {
      ejmlA.col_idx[u] = p;
      for (int q = uPtr[u]; q < uPtr[u + 1]; q++, p++) {
        ejmlA.nz_rows[p] = nu + uIdx[q];
        ejmlA.nz_values[p] = uw[q];
      }
    }
    for (int i = 0; i < ni; i++) {
      ejmlA.col_idx[nu + i] = p;
      for (int q = iPtr[i]; q < iPtr[i + 1]; q++, p++) {
        ejmlA.nz_rows[p] = iIdx[q];
        ejmlA.nz_values[p] = iw[q];
      }
    }
    ejmlA.col_idx[n] = p;
    ejmlA.nz_length = p;
    ejmlA.indicesSorted = true;
    ejmlX = new FMatrixRMaj(n, dim);
    System.arraycopy(users, 0, ejmlX.data, 0, users.length);
    System.arraycopy(items, 0, ejmlX.data, users.length, items.length);
    ejmlY = new FMatrixRMaj(n, dim);
    ejmlWork = new GrowArray<>(FGrowArray::new);
    EjmlConcurrency.setMaxThreads(threads);

    // Check once: every variant agrees with EJML on the same product.
    ejml();
    for (int v = 0; v < (dim == 64 ? 4 : 3); v++) {
      java.util.Arrays.fill(outUsers, Float.NaN);
      java.util.Arrays.fill(outItems, Float.NaN);
      if (v == 0) {
        kernel();
      } else if (v == 1) {
        propagate();
      } else if (v == 3) {
        blocked4();
      } else {
        naive();
      }
      check(v, 0, outUsers, nu);
      check(v, nu, outItems, ni);
    }
  }

  private void check(int variant, int row0, float[] got, int rows) {
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < dim; k++) {
        float e = ejmlY.data[(row0 + r) * dim + k];
        float a = got[r * dim + k];
        if (!(Math.abs(a - e) <= 1e-5f * (1 + Math.abs(e)))) {
          throw new IllegalStateException("variant " + variant + " disagrees with EJML at node " + (row0 + r)
              + ", k " + k + ": " + a + " vs " + e);
        }
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (workers != null) {
      workers.close();
    }
  }

  /** Baseline: EJML's multithreaded sparse (CSC) × dense product on the full (users+items)² Â. */
  @Benchmark
  public FMatrixRMaj ejml() {
    return CommonOps_MT_FSCC.mult(ejmlA, ejmlX, ejmlY, ejmlWork);
  }

  /** EJML's single-threaded product on the same matrix: the baseline of {@link PropagationCpuTime}. */
  public FMatrixRMaj ejmlSingleThread() {
    return CommonOps_FSCC.mult(ejmlA, ejmlX, ejmlY);
  }

  /**
   * The shipped kernel: users gather items through R̃, items gather users through R̃ᵀ; SIMD through
   * jdk.incubator.vector, each output row held in vector registers across its edges.
   */
  @Benchmark
  public float[] kernel() {
    Propagation.usersFromItems(adj, items, dim, outUsers, workers);
    Propagation.itemsFromUsers(adj, users, dim, outItems, workers);
    return outUsers;
  }

  /** The shipped one-layer entry point: both half-products in one parallel pass (one barrier). */
  @Benchmark
  public float[] propagate() {
    Propagation.propagate(adj, users, items, dim, outUsers, outItems, workers);
    return outUsers;
  }

  /**
   * {@link #propagate} with the heap on transparent huge pages (THP is "madvise" on this machine, so
   * the JVM must ask): the gathered rows are spread over 18 MB, i.e. ~4,400 4-KiB pages, more than
   * the 2,048-entry L2 TLB holds, so 2-MiB pages take the page walks out of the random gathers.
   */
  @Benchmark
  @Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--add-modules=jdk.incubator.vector",
      "-XX:+UseTransparentHugePages"})
  public float[] propagateHugePages() {
    return propagate();
  }

  /**
   * The same facade with the vector kernels switched off: the scalar fallback (four edges per pass
   * over the output row, no zeroing pass) that runs when jdk.incubator.vector is absent.
   */
  @Benchmark
  @Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--add-modules=jdk.incubator.vector", "-Dgraphcf.vector=false"})
  public float[] kernelScalar() {
    return kernel();
  }

  /**
   * The first version: zero the row, then one out[k] += w·x[k] pass per edge. C2 (JDK 17) does not
   * vectorise this loop (the two rows sit at different offsets of possibly aliasing arrays), so it
   * runs at about one element per cycle.
   */
  @Benchmark
  public float[] naive() {
    bothHalves(PropagationBench::naiveGather);
    return outUsers;
  }

  /** A bench-only row-range kernel, run over both halves like the facade runs the shipped one. */
  interface RangeKernel {
    void run(int[] ptr, int[] idx, float[] w, float[] x, int dim, float[] out, int from, int to);
  }

  private void bothHalves(RangeKernel k) {
    Interactions g = adj.graph();
    int[] up = g.userItems().rowPtr();
    int[] ui = g.userItems().colIdx();
    float[] uw = adj.userWeights();
    int[] ip = g.itemUsers().rowPtr();
    int[] ii = g.itemUsers().colIdx();
    float[] iw = adj.itemWeights();
    workers.run(userBounds.length - 1, t -> k.run(up, ui, uw, items, dim, outUsers, userBounds[t], userBounds[t + 1]));
    workers.run(itemBounds.length - 1, t -> k.run(ip, ii, iw, users, dim, outItems, itemBounds[t], itemBounds[t + 1]));
  }

  static void naiveGather(int[] ptr, int[] idx, float[] w, float[] x, int dim, float[] out, int from, int to) {
    for (int r = from; r < to; r++) {
      int ob = r * dim;
      for (int k = 0; k < dim; k++) {
        out[ob + k] = 0f;
      }
      for (int p = ptr[r], e = ptr[r + 1]; p < e; p++) {
        float wp = w[p];
        int xb = idx[p] * dim;
        for (int k = 0; k < dim; k++) {
          out[ob + k] += wp * x[xb + k];
        }
      }
    }
  }

  private static final VectorSpecies<Float> S256 = FloatVector.SPECIES_256;
  private static final int BLOCKS = 4;

  /**
   * Experiment, kept because it answers a question: does column blocking pay? The gathered matrix
   * is cut into {@value #BLOCKS} column ranges (about 2.6 MB of item rows each, L3-resident), each
   * output row is revisited once per range (its partial sum loaded back into registers). Same
   * arithmetic order as the shipped kernel, so the result is bit-identical. dim = 64 only.
   */
  @Benchmark
  public float[] blocked4() {
    if (dim != 64) {
      throw new IllegalStateException("blocked4 is written for dim 64, got " + dim);
    }
    bothHalves(PropagationBench::blockedGather);
    return outUsers;
  }

  static void blockedGather(int[] ptr, int[] idx, float[] w, float[] x, int dim, float[] out, int from, int to) {
    int cols = x.length / dim;
    int[] cur = new int[to - from];
    for (int r = from; r < to; r++) {
      cur[r - from] = ptr[r];
    }
    for (int blk = 0; blk < BLOCKS; blk++) {
      int hi = blk == BLOCKS - 1 ? Integer.MAX_VALUE : (int) ((long) cols * (blk + 1) / BLOCKS);
      for (int r = from; r < to; r++) {
        int p = cur[r - from];
        int e = ptr[r + 1];
        int o = r * 64;
        boolean first = p == ptr[r];
        if (p >= e || idx[p] >= hi) {
          if (first && blk == BLOCKS - 1) {
            for (int c = 0; c < 64; c += 8) {
              FloatVector.zero(S256).intoArray(out, o + c);
            }
          }
          continue;
        }
        FloatVector a0;
        FloatVector a1;
        FloatVector a2;
        FloatVector a3;
        FloatVector a4;
        FloatVector a5;
        FloatVector a6;
        FloatVector a7;
        if (first) {
          a0 = FloatVector.zero(S256);
          a1 = a0;
          a2 = a0;
          a3 = a0;
          a4 = a0;
          a5 = a0;
          a6 = a0;
          a7 = a0;
        } else {
          a0 = FloatVector.fromArray(S256, out, o);
          a1 = FloatVector.fromArray(S256, out, o + 8);
          a2 = FloatVector.fromArray(S256, out, o + 16);
          a3 = FloatVector.fromArray(S256, out, o + 24);
          a4 = FloatVector.fromArray(S256, out, o + 32);
          a5 = FloatVector.fromArray(S256, out, o + 40);
          a6 = FloatVector.fromArray(S256, out, o + 48);
          a7 = FloatVector.fromArray(S256, out, o + 56);
        }
        // a += Σ_{p: idx[p] in this block} w[p] · x[idx[p],:]
        for (; p < e && idx[p] < hi; p++) {
          FloatVector wv = FloatVector.broadcast(S256, w[p]);
          int b = idx[p] * 64;
          a0 = FloatVector.fromArray(S256, x, b).fma(wv, a0);
          a1 = FloatVector.fromArray(S256, x, b + 8).fma(wv, a1);
          a2 = FloatVector.fromArray(S256, x, b + 16).fma(wv, a2);
          a3 = FloatVector.fromArray(S256, x, b + 24).fma(wv, a3);
          a4 = FloatVector.fromArray(S256, x, b + 32).fma(wv, a4);
          a5 = FloatVector.fromArray(S256, x, b + 40).fma(wv, a5);
          a6 = FloatVector.fromArray(S256, x, b + 48).fma(wv, a6);
          a7 = FloatVector.fromArray(S256, x, b + 56).fma(wv, a7);
        }
        cur[r - from] = p;
        a0.intoArray(out, o);
        a1.intoArray(out, o + 8);
        a2.intoArray(out, o + 16);
        a3.intoArray(out, o + 24);
        a4.intoArray(out, o + 32);
        a5.intoArray(out, o + 40);
        a6.intoArray(out, o + 48);
        a7.intoArray(out, o + 56);
      }
    }
  }
}
