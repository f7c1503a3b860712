package io.graphcf.propagation.eval;

import io.graphcf.graph.Dataset;
import io.graphcf.graph.LightGcnReader;
import io.graphcf.propagation.Workers;
import io.graphcf.propagation.popularity.MostPopular;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.SplittableRandom;

/**
 * Hand-run timing of full-ranking evaluation (not a test; not run in CI): random N(0, 0.1)
 * embeddings of dim 64 on a LightGCN-format data set, plus MostPopular's metrics on it.
 * Usage: {@code EvalTiming DATA_DIR [threads] [reps] [blockUsers]}.
 */
public final class EvalTiming {
  private EvalTiming() {}

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  public static void main(String[] args) throws Exception {
    Path dir = Paths.get(args.length > 0 ? args[0] : "../shared/data/gowalla");
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int reps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int blockArg = args.length > 3 ? Integer.parseInt(args[3]) : 0;
    int dim = 64;
    Dataset d = new LightGcnReader().read(dir.resolve("train.txt"), dir.resolve("test.txt")).toDataset();
    System.out.println(d + ", threads=" + threads + ", cores=" + Runtime.getRuntime().availableProcessors()
        + ", jvm=" + System.getProperty("java.vm.version"));
    SplittableRandom r = new SplittableRandom(2020);
    float[] users = new float[d.numUsers() * dim];
    float[] items = new float[d.numItems() * dim];
    for (int i = 0; i < users.length; i++) {
      users[i] = (float) (0.1 * r.nextGaussian());
    }
    for (int i = 0; i < items.length; i++) {
      items[i] = (float) (0.1 * r.nextGaussian());
    }
    long p0 = System.nanoTime();
    EmbeddingScorer scorer = new EmbeddingScorer(users, items, d.numUsers(), d.numItems(), dim);
    System.out.printf(java.util.Locale.ROOT, "scorer construction (packs items): %.3f s%n", (System.nanoTime() - p0) / 1e9);
    int[] ks = Evaluator.defaultKs();
    try (Workers w = Workers.create(threads)) {
      // the same scorer seen as a plain UserScorer: whole rows scored, then selected
      UserScorer wholeRows = new UserScorer() {
        @Override
        public int numItems() {
          return scorer.numItems();
        }

        @Override
        public void score(int[] u, int from, int to, float[] out) {
          scorer.score(u, from, to, out);
        }
      };
      for (int rep = 0; rep < reps; rep++) {
        for (UserScorer sc : new UserScorer[] {scorer, wholeRows}) {
          long c0 = cpuNanos();
          EvalResult res = blockArg > 0 ? Evaluator.evaluate(sc, d, ks, w, blockArg) : Evaluator.evaluate(sc, d, ks, w);
          double cpu = (cpuNanos() - c0) / 1e9;
          System.out.printf(java.util.Locale.ROOT, "random dim %d, %s: %.3f s wall, %.3f s process CPU (recall@20 %.5f)%n",
              dim, sc == scorer ? "chunked   " : "whole rows", res.seconds(), cpu, res.recall(20));
        }
      }
      // scoring alone, one thread, same blocks as the evaluator
      int[] all = Evaluator.usersWithTestItems(d.test());
      int block = blockArg > 0 ? blockArg : Evaluator.defaultBlockUsers(d.numItems());
      float[] buf = new float[block * d.numItems()];
      long t0 = System.nanoTime();
      long c0 = cpuNanos();
      for (int from = 0; from < all.length; from += block) {
        scorer.score(all, from, Math.min(all.length, from + block), buf);
      }
      double s = (System.nanoTime() - t0) / 1e9;
      double cs = (cpuNanos() - c0) / 1e9;
      System.out.printf(java.util.Locale.ROOT, "scoring only, 1 thread: %.3f s wall, %.3f s CPU = %.2f GMAC/s per CPU-second%n",
          s, cs, (double) all.length * d.numItems() * dim / cs / 1e9);
      MostPopular pop = MostPopular.fit(d.train());
      c0 = cpuNanos();
      EvalResult p = Evaluator.evaluate(pop, d, ks, w);
      System.out.printf(java.util.Locale.ROOT, "MostPopular eval (copy + top-K + metrics): %.3f s wall, %.3f s CPU%n",
          p.seconds(), (cpuNanos() - c0) / 1e9);
      System.out.println("MostPopular " + p.toJson());
    }
  }
}
