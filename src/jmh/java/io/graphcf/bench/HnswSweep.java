package io.graphcf.bench;

import io.graphcf.index.HnswIndex;
import io.graphcf.index.HnswSearcher;
import io.graphcf.index.TopK;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * Recall@20 and one-thread queries per second of a cached {@link HnswBench} mixture index over a
 * list of beams, on the same 1,000 held-out queries and exact top-20 as HnswBench (a plain timed
 * loop, not JMH: for reading the recall/speed curve, not for reported ratios).
 *
 * <p>{@code java <flags> -cp ... io.graphcf.bench.HnswSweep N INDEX_FILE TRUTH_FILE [--sq8] EF...},
 * e.g. {@code 1000000 DIR/graphcf-NORM_AUGMENTED-mixture-n1000000-d64-m32-efc200-t2.hnsw
 * DIR/truth-mixture-n1000000-d64-q1500-k20.txt 500 550 600 700}.
 */
public final class HnswSweep {
  private HnswSweep() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println("usage: HnswSweep N INDEX_FILE TRUTH_FILE [--sq8] EF...");
      System.exit(2);
    }
    int n = Integer.parseInt(args[0]);
    int dim = 64;
    int k = HnswBench.K;
    float[] centers = HnswBench.gaussianCenters(HnswBench.MIXTURE_CLUSTERS, dim, 5);
    float[] items = HnswBench.mixture(n, dim, centers, 1);
    int nq = HnswBench.TUNE_QUERIES + HnswBench.EVAL_QUERIES;
    float[] queries = HnswBench.mixture(nq, dim, centers, 2);
    String[] ids = Files.readString(Paths.get(args[2])).trim().split(" ");
    int[] truth = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      truth[i] = Integer.parseInt(ids[i]);
    }
    HnswIndex index = HnswIndex.load(Path.of(args[1]), items, n, dim);
    int first = 3;
    if (args[3].equals("--sq8")) {
      index.quantize();
      first = 4;
    }
    HnswSearcher searcher = index.searcher();
    TopK top = new TopK(k);
    int[] out = new int[k];
    float[] scores = new float[k];
    for (int a = first; a < args.length; a++) {
      int ef = Integer.parseInt(args[a]);
      for (int rep = 0; rep < 3; rep++) {
        long hits = 0;
        long t0 = System.nanoTime();
        for (int q = HnswBench.TUNE_QUERIES; q < nq; q++) {
          searcher.search(queries, q * dim, k, ef, null, 0, null, top);
          int c = top.drainBestFirst(out, scores);
          for (int x = 0; x < c; x++) {
            for (int j = 0; j < k; j++) {
              if (truth[q * k + j] == out[x]) {
                hits++;
                break;
              }
            }
          }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "ef %d recall@20 %.4f qps %.0f%n", ef,
            hits / ((double) k * HnswBench.EVAL_QUERIES), HnswBench.EVAL_QUERIES / secs);
      }
    }
  }
}
