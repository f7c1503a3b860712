package io.graphcf.tools;

import io.graphcf.graph.CsrMatrix;
import io.graphcf.graph.Dataset;
import io.graphcf.propagation.NormalizedAdjacency;
import io.graphcf.propagation.Propagation;
import io.graphcf.propagation.Workers;
import io.graphcf.propagation.eval.EmbeddingScorer;
import io.graphcf.propagation.eval.EvalResult;
import io.graphcf.propagation.eval.Evaluator;
import io.graphcf.propagation.spectral.RandomizedSvd;
import io.graphcf.propagation.spectral.TruncatedSvd;
import io.graphcf.propagation.ultragcn.UltraGcnStepBench;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.ejml.data.FMatrixSparseCSC;
import org.ejml.data.FMatrixSparseTriplet;
import org.ejml.ops.FConvertMatrixStruct;
import org.ejml.sparse.csc.CommonOps_MT_FSCC;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Whole-run benchmarks on real data. Each suite prints its figures, the baseline measured in the
 * same run and the ratio, plus the machine: the machine is noisy, so only same-run ratios compare.
 */
@Command(name = "bench", description = "Benchmark kernels and whole runs on a dataset; prints ratios to a baseline "
    + "measured in the same run.")
public final class BenchCommand extends BaseCommand {
  @Parameters(index = "0", description = "Suite: propagation (one full Â·X: ours vs a plain CSR loop and EJML MT), "
      + "eval (full-ranking evaluation of random embeddings: ours vs a per-user full-sort loop), "
      + "lightgcn-step (LightGCN training steps at the defaults: per-phase time, in full Â·X products of the same run), "
      + "lightgcl-step (LightGCL training steps at the defaults: CPU-s per step, InfoNCE GFLOP against the FMA peak "
      + "measured in the same run), "
      + "ultragcn-step (UltraGCN training steps at the reference Gowalla configuration: the Vector API negative-pair "
      + "kernel against the scalar one on the same batches), "
      + "svd (randomized truncated SVD of the normalised interaction matrix at each --ranks: the whole SVD against "
      + "its sparse products alone, timed in the same run).")
  String suite;

  @Option(names = "--data", required = true, description = "A store directory or a LightGCN-format directory.")
  Path data;

  @Option(names = "--dim", defaultValue = "64", description = "Embedding width (default ${DEFAULT-VALUE}).")
  int dim;

  @Option(names = "--threads", description = "Worker threads (default: all cores).")
  Integer threads;

  @Option(names = "--repeats", defaultValue = "15", description = "Timed repetitions per variant (default ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the random input (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--baseline-users", defaultValue = "2000",
      description = "eval: users the full-sort baseline ranks (its time is scaled to all users; default ${DEFAULT-VALUE}).")
  int baselineUsers;

  @Option(names = "--steps", defaultValue = "120",
      description = "lightgcn-step: timed training steps after as many warm-up steps; ultragcn-step: timed steps "
          + "per kernel (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--ranks", split = ",", defaultValue = "5,256",
      description = "svd: the ranks to time (default ${DEFAULT-VALUE}: LightGCL's and GF-CF's).")
  int[] ranks;

  @Option(names = "--power-iters", defaultValue = "2",
      description = "svd: subspace (power) iterations (default ${DEFAULT-VALUE}).")
  int powerIters;

  @Option(names = "--oversample", defaultValue = "10", description = "svd: oversampling (default ${DEFAULT-VALUE}).")
  int oversample;

  @Option(names = "--infonce-negatives", paramLabel = "all|batch", defaultValue = "all",
      description = "lightgcl-step: InfoNCE's denominator over all nodes (default, the reference's) or the batch's.")
  String infoNceNegatives;

  private io.graphcf.contrastive.LightGclConfig.Negatives negatives() {
    try {
      return io.graphcf.contrastive.LightGclConfig.Negatives.parse(infoNceNegatives);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--infonce-negatives: " + e.getMessage());
    }
  }

  @Override
  protected int execute() throws Exception {
    if (!suite.equals("propagation") && !suite.equals("eval") && !suite.equals("lightgcn-step")
        && !suite.equals("lightgcl-step") && !suite.equals("ultragcn-step") && !suite.equals("svd")) {
      throw new UsageException("unknown bench suite '" + suite + "' (known: propagation, eval, lightgcn-step, "
          + "lightgcl-step, ultragcn-step, svd)");
    }
    if (powerIters < 0 || oversample < 0) {
      throw new UsageException("--power-iters and --oversample must be >= 0, got " + powerIters + " and " + oversample);
    }
    if (dim < 1 || repeats < 1) {
      throw new UsageException("--dim and --repeats must be >= 1, got " + dim + " and " + repeats);
    }
    Dataset d = TrainData.load(data).dataset();
    int t = threads == null ? Workers.defaultThreads() : threads;
    out().println(MachineInfo.describe());
    if (suite.equals("propagation")) {
      benchPropagation(d, t);
    } else if (suite.equals("lightgcn-step")) {
      LightGcnStepBench.run(out(), d, dim, t, steps, repeats, seed);
    } else if (suite.equals("lightgcl-step")) {
      io.graphcf.contrastive.LightGclStepBench.run(out(), d, t, steps, seed, negatives());
    } else if (suite.equals("ultragcn-step")) {
      UltraGcnStepBench.run(out(), d, dim, t, steps, seed);
    } else if (suite.equals("svd")) {
      benchSvd(d, t);
    } else {
      benchEval(d, t);
    }
    return GraphCf.EXIT_OK;
  }

  private void benchEval(Dataset d, int t) {
    int nu = d.numUsers();
    int ni = d.numItems();
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] users = new float[nu * dim];
    float[] items = new float[ni * dim];
    for (int k = 0; k < users.length; k++) {
      users[k] = (float) (0.1 * rnd.nextGaussian());
    }
    for (int k = 0; k < items.length; k++) {
      items[k] = (float) (0.1 * rnd.nextGaussian());
    }
    EmbeddingScorer scorer = new EmbeddingScorer(users, items, nu, ni, dim);
    int[] ks = Evaluator.defaultKs();
    out().printf("eval: %,d users x %,d items, dim %d, K = %s, %d threads%n", nu, ni, dim, Arrays.toString(ks), t);
    EvalResult[] last = new EvalResult[1];
    double oursMs;
    try (Workers w = Workers.create(t)) {
      oursMs = time(() -> last[0] = Evaluator.evaluate(scorer, d, ks, w));
    }
    double oneMs;
    try (Workers w = Workers.create(1)) {
      oneMs = time(() -> Evaluator.evaluate(scorer, d, ks, w));
    }
    int evaluated = last[0].users();
    // Baseline: score one user at a time, mask, fully sort every item, read the top K.
    int[] testUsers = new int[evaluated];
    int n = 0;
    for (int u = 0; u < nu && n < evaluated; u++) {
      if (d.test().degree(u) > 0) {
        testUsers[n++] = u;
      }
    }
    int sample = Math.min(Math.max(1, baselineUsers), n);
    long t0 = System.nanoTime();
    double recall20 = naiveRecall(d, users, items, testUsers, sample, 20);
    double naivePerUserMs = (System.nanoTime() - t0) / 1e6 / sample;
    double naiveMs = naivePerUserMs * n;
    out().printf("  graphcf Evaluator (%d threads) %9.1f ms for %,d users%n", t, oursMs, evaluated);
    out().printf("  graphcf Evaluator (1 thread)  %9.1f ms  ratio %.2fx%n", oneMs, oneMs / oursMs);
    out().printf("  per-user full sort (1 thread) %9.1f ms  ratio %.2fx  (measured on %,d users, scaled)%n",
        naiveMs, naiveMs / oursMs, sample);
    // Cross-check on the same sample: the mean Recall@20 over the sampled users must agree.
    // Cross-check on the same users: the Evaluator restricted to the sampled users' test rows.
    CsrMatrix test = d.test();
    int nnz = 0;
    for (int q = 0; q < sample; q++) {
      nnz += test.degree(testUsers[q]);
    }
    int[] pu = new int[nnz];
    int[] pi = new int[nnz];
    int w = 0;
    for (int q = 0; q < sample; q++) {
      int u = testUsers[q];
      for (int p = test.rowPtr()[u]; p < test.rowPtr()[u + 1]; p++) {
        pu[w] = u;
        pi[w++] = test.colIdx()[p];
      }
    }
    Dataset sampled = new Dataset(d.train(), CsrMatrix.fromPairs(nu, ni, pu, pi, nnz));
    double oursSampled;
    try (Workers wk = Workers.create(t)) {
      oursSampled = Evaluator.evaluate(scorer, sampled, ks, wk).recall(20);
    }
    out().printf("  recall@20 over the %,d sampled users: baseline %.6f, graphcf %.6f%n", sample, recall20,
        oursSampled);
  }

  /** Mean Recall@k over {@code users[0..n)}, one user at a time with a full sort (the baseline). */
  private double naiveRecall(Dataset d, float[] users, float[] items, int[] testUsers, int n, int k) {
    int ni = d.numItems();
    long[] keyed = new long[ni];
    CsrMatrix train = d.train().userItems();
    CsrMatrix test = d.test();
    double sum = 0;
    for (int q = 0; q < n; q++) {
      int u = testUsers[q];
      for (int i = 0; i < ni; i++) {
        float s = 0f;
        for (int c = 0; c < dim; c++) {
          s += users[u * dim + c] * items[i * dim + c];
        }
        if (train.contains(u, i)) {
          s = Float.NEGATIVE_INFINITY;
        }
        // Sort key: descending score, then ascending item.
        int bits = Float.floatToIntBits(s);
        int sortable = bits ^ ((bits >> 31) & 0x7fffffff);
        keyed[i] = ((long) ~sortable << 32) | i;
      }
      Arrays.sort(keyed);
      int hits = 0;
      for (int r = 0; r < k; r++) {
        if (test.contains(u, (int) keyed[r])) {
          hits++;
        }
      }
      sum += (double) hits / test.degree(u);
    }
    return sum / n;
  }

  private void benchPropagation(Dataset d, int t) {
    int nu = d.numUsers();
    int ni = d.numItems();
    NormalizedAdjacency a = NormalizedAdjacency.of(d.train(), t);
    float[] x = new float[(nu + ni) * dim];
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int k = 0; k < x.length; k++) {
      x[k] = (float) rnd.nextGaussian();
    }
    float[] xUsers = Arrays.copyOfRange(x, 0, nu * dim);
    float[] xItems = Arrays.copyOfRange(x, nu * dim, x.length);
    float[] yUsers = new float[nu * dim];
    float[] yItems = new float[ni * dim];
    float[] plain = new float[(nu + ni) * dim];
    long nnz = 2L * d.train().nnz();
    out().printf("propagation: Â·X on %,d nodes, %,d non-zeros, dim %d, %d threads%n", nu + ni, nnz, dim, t);

    double oursMs;
    try (Workers w = Workers.create(t)) {
      oursMs = time(() -> {
        Propagation.usersFromItems(a, xItems, dim, yUsers, w);
        Propagation.itemsFromUsers(a, xUsers, dim, yItems, w);
      });
    }
    double plainMs = time(() -> plainLoop(a, x, plain));
    double maxDiff = 0;
    for (int k = 0; k < nu * dim; k++) {
      maxDiff = Math.max(maxDiff, Math.abs(plain[k] - yUsers[k]));
    }
    for (int k = 0; k < ni * dim; k++) {
      maxDiff = Math.max(maxDiff, Math.abs(plain[nu * dim + k] - yItems[k]));
    }
    FMatrixSparseCSC adj = toEjml(a);
    FMatrixRMaj ex = new FMatrixRMaj(nu + ni, dim);
    System.arraycopy(x, 0, ex.data, 0, x.length);
    FMatrixRMaj ey = new FMatrixRMaj(nu + ni, dim);
    double ejmlMs = time(() -> CommonOps_MT_FSCC.mult(adj, ex, ey, null));
    for (int k = 0; k < x.length; k++) {
      maxDiff = Math.max(maxDiff, Math.abs(plain[k] - ey.data[k]));
    }
    // Bytes the product touches (the accounting): one gathered X row per non-zero, the CSR
    // (index + weight) once, Y written: 1.62M·256 B + 13 MB + 18 MB ≈ 446 MB on Gowalla at dim 64.
    double bytes = nnz * (dim * 4.0 + 8.0) + (double) (nu + ni) * dim * 4.0;
    out().printf("  graphcf kernel      %8.2f ms  (%.1f GB/s effective)%n", oursMs, bytes / oursMs / 1e6);
    out().printf("  plain CSR loop (1t) %8.2f ms  ratio %.2fx%n", plainMs, plainMs / oursMs);
    out().printf("  EJML MT mult        %8.2f ms  ratio %.2fx%n", ejmlMs, ejmlMs / oursMs);
    out().printf("  max |difference| between the three results: %.3g%n", maxDiff);
  }

  /**
   * The randomized SVD at each rank, against the sparse products it performs (1 + 2q + 1 half-products
   * of width l = rank + oversample) timed alone in the same run: the ratio is what the dense steps
   * (orthonormalisations, EJML's small SVD, the final rotations) add. Prints the top singular values
   * (the first is exactly 1 for R̃).
   */
  private void benchSvd(Dataset d, int t) {
    int nu = d.numUsers();
    int ni = d.numItems();
    int small = Math.min(nu, ni);
    NormalizedAdjacency a = NormalizedAdjacency.of(d.train(), 2 * t);
    out().printf("svd: R~ of %,d users x %,d items, %,d non-zeros, %d power iterations, oversample %d, %d threads, "
        + "median of %d%n", nu, ni, d.train().nnz(), powerIters, oversample, t, repeats);
    for (int rank : ranks) {
      if (rank < 1 || rank > small) {
        throw new UsageException("--ranks must be in [1, " + small + "], got " + rank);
      }
      int l = Math.min(rank + oversample, small);
      TruncatedSvd[] last = new TruncatedSvd[1];
      float[] z = new float[ni * l];
      float[] y = new float[nu * l];
      SplittableRandom rnd = new SplittableRandom(seed);
      for (int k = 0; k < z.length; k++) {
        z[k] = (float) rnd.nextGaussian();
      }
      double svdMs;
      double productsMs;
      try (Workers w = Workers.create(t)) {
        svdMs = time(() -> last[0] = RandomizedSvd.compute(a, rank, powerIters, oversample, seed, w));
        productsMs = time(() -> {
          Propagation.usersFromItems(a, z, l, y, w);
          for (int it = 0; it < powerIters; it++) {
            Propagation.itemsFromUsers(a, y, l, z, w);
            Propagation.usersFromItems(a, z, l, y, w);
          }
          Propagation.itemsFromUsers(a, y, l, z, w);
        });
      }
      float[] sv = last[0].s();
      StringBuilder top = new StringBuilder();
      for (int c = 0; c < Math.min(5, rank); c++) {
        top.append(String.format(java.util.Locale.ROOT, c == 0 ? "%.5f" : ", %.5f", sv[c]));
      }
      out().printf(java.util.Locale.ROOT, "  rank %4d (l = %d): SVD %9.1f ms; its %d sparse products alone %8.1f ms; "
          + "ratio %.2fx; top singular values %s%n", rank, l, svdMs, 2 * powerIters + 2, productsMs,
          svdMs / productsMs, top);
    }
  }

  /** Median wall time of {@code repeats} runs after as many warm-up runs. */
  private double time(Runnable r) {
    for (int k = 0; k < Math.max(3, repeats / 2); k++) {
      r.run();
    }
    double[] ms = new double[repeats];
    for (int k = 0; k < repeats; k++) {
      long t0 = System.nanoTime();
      r.run();
      ms[k] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    return ms[repeats / 2];
  }

  /** The baseline: a textbook single-threaded CSR gather over the stacked (users + items) rows. */
  private void plainLoop(NormalizedAdjacency a, float[] x, float[] y) {
    int nu = a.numUsers();
    CsrMatrix ui = a.graph().userItems();
    CsrMatrix iu = a.graph().itemUsers();
    plainHalf(ui.rowPtr(), ui.colIdx(), a.userWeights(), x, nu, y, 0);
    plainHalf(iu.rowPtr(), iu.colIdx(), a.itemWeights(), x, 0, y, nu);
  }

  private void plainHalf(int[] ptr, int[] idx, float[] w, float[] x, int colOffset, float[] y, int rowOffset) {
    int rows = ptr.length - 1;
    for (int r = 0; r < rows; r++) {
      int yb = (rowOffset + r) * dim;
      for (int k = 0; k < dim; k++) {
        y[yb + k] = 0f;
      }
      for (int p = ptr[r]; p < ptr[r + 1]; p++) {
        int xb = (colOffset + idx[p]) * dim;
        for (int k = 0; k < dim; k++) {
          y[yb + k] += w[p] * x[xb + k];
        }
      }
    }
  }

  private static FMatrixSparseCSC toEjml(NormalizedAdjacency a) {
    int nu = a.numUsers();
    int n = nu + a.numItems();
    CsrMatrix ui = a.graph().userItems();
    FMatrixSparseTriplet tr = new FMatrixSparseTriplet(n, n, 2 * ui.nnz());
    int[] ptr = ui.rowPtr();
    int[] idx = ui.colIdx();
    float[] w = a.userWeights();
    for (int u = 0; u < nu; u++) {
      for (int p = ptr[u]; p < ptr[u + 1]; p++) {
        tr.addItem(u, nu + idx[p], w[p]);
        tr.addItem(nu + idx[p], u, w[p]);
      }
    }
    return FConvertMatrixStruct.convert(tr, (FMatrixSparseCSC) null);
  }
}
