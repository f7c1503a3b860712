package io.graphcf.bench;

import com.sun.management.OperatingSystemMXBean;
import io.graphcf.graph.Dataset;
import io.graphcf.graph.LightGcnReader;
import io.graphcf.graph.LineReader;
import io.graphcf.graph.UnknownTestIds;
import io.graphcf.propagation.NormalizedAdjacency;
import io.graphcf.propagation.Workers;
import io.graphcf.propagation.eval.EvalResult;
import io.graphcf.propagation.eval.Evaluator;
import io.graphcf.propagation.filter.Bspm;
import io.graphcf.propagation.filter.BspmConfig;
import io.graphcf.propagation.filter.FilterScorer;
import io.graphcf.propagation.filter.GfCf;
import io.graphcf.propagation.spectral.RandomizedSvd;
import io.graphcf.propagation.spectral.TruncatedSvd;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Whole-run timings of the spectral kernel and the graph filters on a LightGCN-format data
 * directory, reported as wall time AND process CPU time: on a machine shared by many busy processes
 * the wall clock mostly measures the scheduler, CPU seconds (summed over our threads) do not.
 *
 * <ul>
 *   <li>{@code svd RANK...}: the randomized SVD of R̃ (4 power iterations, oversampling 10) at each
 *       rank, plus σ₁ (exactly 1 for R̃) and σ_rank;</li>
 *   <li>{@code gfcf} / {@code bspm PRESET}: fit (the SVD) and full-ranking evaluation, with
 *       Recall@20 / NDCG@20.</li>
 * </ul>
 *
 * <p>Run from the project root: {@code java <bin/graphcf flags> -cp 'target/graphcf.jar:target/lib/*'
 * io.graphcf.bench.FilterCpuTime ../shared/data/gowalla svd 5 256} (test ids unknown to train are
 * dropped, as lastfm needs).
 */
public final class FilterCpuTime {
  private FilterCpuTime() {}

  static double cpu() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: FilterCpuTime DATA_DIR svd RANK... | gfcf | bspm PRESET");
      System.exit(2);
    }
    Path d = Paths.get(args[0]);
    Dataset ds = new LightGcnReader(UnknownTestIds.DROP, false, LineReader.DEFAULT_MAX_LINE_BYTES)
        .read(d.resolve("train.txt"), d.resolve("test.txt")).toDataset();
    int threads = Workers.defaultThreads();
    System.out.printf("machine: %d cores, %s %s; data %s %s (shared machine: compare CPU seconds)%n", threads,
        System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"), d, ds);
    try (Workers w = Workers.create(threads)) {
      if (args[1].equals("svd")) {
        NormalizedAdjacency a = NormalizedAdjacency.of(ds.train(), 2 * threads);
        for (int q = 2; q < args.length; q++) {
          int rank = Integer.parseInt(args[q]);
          double c0 = cpu();
          long t0 = System.nanoTime();
          TruncatedSvd svd = RandomizedSvd.compute(a, rank, 4, 10, 2020, w);
          System.out.printf("svd rank %d (q=4, oversample 10): wall %.2f s, cpu %.2f s, sigma_1 %.5f, sigma_%d %.5f%n",
              rank, (System.nanoTime() - t0) / 1e9, cpu() - c0, svd.s()[0], rank, svd.s()[rank - 1]);
        }
        return;
      }
      double c0 = cpu();
      long t0 = System.nanoTime();
      FilterScorer m = args[1].equals("gfcf")
          ? GfCf.fit(ds.train(), GfCf.DEFAULT_K, GfCf.DEFAULT_ALPHA, GfCf.DEFAULT_POWER_ITERS, GfCf.DEFAULT_OVERSAMPLE,
              2020, w)
          : Bspm.fit(ds.train(), BspmConfig.preset(args.length > 2 ? args[2] : "gowalla"), w);
      double c1 = cpu();
      long t1 = System.nanoTime();
      EvalResult r = Evaluator.evaluate(m, ds, new int[] {20}, w);
      double c2 = cpu();
      long t2 = System.nanoTime();
      System.out.printf("%s: recall@20 %.4f ndcg@20 %.4f | fit (SVD) wall %.1f s cpu %.1f s | scoring+eval wall %.1f s"
          + " cpu %.1f s | total wall %.1f s cpu %.1f s%n", m.modelName(), r.recall(20), r.ndcg(20), (t1 - t0) / 1e9,
          c1 - c0, (t2 - t1) / 1e9, c2 - c1, (t2 - t0) / 1e9, c2 - c0);
    }
  }
}
