package io.graphcf.index;

import io.graphcf.propagation.Workers;

/**
 * Chooses the search beam of an index for a recall target: the smallest ef whose recall@k against
 * the exact top-k on sample queries, less two standard errors of that mean, reaches the target.
 * Recall grows with ef (not strictly), so the search doubles ef until the bound passes, then
 * bisects over the integers between the last failing and the first passing beam. The two standard
 * errors are the margin that makes the chosen beam reach the target on queries other than the
 * sample (measured on 1M mixture vectors: with the plain mean, the chosen beam fell 0.007 short on
 * held-out queries).
 */
public final class BeamTuner {
  /** The beam the search never goes beyond; an index that needs more is reported as not reaching the target. */
  public static final int MAX_EF = 4096;

  private final HnswIndex index;
  private final float[] queries;
  private final int numQueries;
  private final int k;
  private final int[] truth;
  private final HnswSearcher searcher;
  private final TopK top;
  private final int[] found;
  /** Per query, the sorted items it must not return (null: none). */
  private final int[][] excluded;

  /**
   * Computes the exact top-{@code k} of {@code numQueries} row-major queries (on {@code workers}),
   * the reference every beam is measured against.
   */
  public BeamTuner(HnswIndex index, float[] queries, int numQueries, int k, Workers workers) {
    this(index, queries, numQueries, k, null, workers);
  }

  /**
   * As {@link #BeamTuner(HnswIndex, float[], int, int, Workers)}, with per-query exclusions, as
   * serving searches them: {@code excluded[q]} (sorted ascending; null or an empty array for none)
   * is left out of query q's exact reference and of its index search, e.g. a user's seen items.
   */
  public BeamTuner(HnswIndex index, float[] queries, int numQueries, int k, int[][] excluded, Workers workers) {
    if (k < 1 || numQueries < 1) {
      throw new IllegalArgumentException("need k >= 1 and at least one query, got k=" + k + ", " + numQueries
          + " queries");
    }
    if (queries.length < (long) numQueries * index.dim()) {
      throw new IllegalArgumentException("queries array holds fewer than " + numQueries + " rows of dim "
          + index.dim());
    }
    this.index = index;
    this.queries = queries;
    this.numQueries = numQueries;
    this.k = Math.min(k, index.size());
    if (excluded != null && excluded.length < numQueries) {
      throw new IllegalArgumentException("excluded lists: " + excluded.length + " for " + numQueries + " queries");
    }
    this.excluded = excluded;
    this.truth = new int[numQueries * this.k];
    this.searcher = index.searcher();
    this.top = new TopK(this.k);
    this.found = new int[this.k];
    ExactSearcher exact = new ExactSearcher(index.vectors(), index.size(), index.dim());
    if (index.numDeleted() == 0 && excluded == null) {
      exact.searchBatch(queries, numQueries, this.k, truth, new float[truth.length], workers);
      return;
    }
    // deleted and excluded items are never returned by the index, so they are not in the reference either
    java.util.Arrays.fill(truth, -1);
    ItemFilter live = index.numDeleted() == 0 ? null : item -> !index.isDeleted(item);
    int kk = this.k;
    int tasks = Math.min(numQueries, 4 * workers.threads());
    workers.run(tasks, t -> {
      TopK tt = new TopK(kk);
      int[] buf = new int[kk];
      for (int q = (int) ((long) numQueries * t / tasks); q < (long) numQueries * (t + 1) / tasks; q++) {
        int[] ex = excluded == null ? null : excluded[q];
        exact.search(queries, q * index.dim(), kk, ex, ex == null ? 0 : ex.length, live, tt);
        int c = tt.copyItems(buf);
        System.arraycopy(buf, 0, truth, q * kk, c);
      }
    });
  }

  /** The tuned beam and the sample recall@k it reaches. */
  public record Result(int ef, int k, double recall, double lowerBound, boolean reached) {}

  /** The smallest beam (at least k) whose recall lower bound reaches {@code target}; at most {@link #MAX_EF}. */
  public Result tune(double target) {
    if (!(target > 0 && target <= 1)) {
      throw new IllegalArgumentException("target recall must be in (0, 1], got " + target);
    }
    int lo = k - 1;
    int hi = k;
    double[] r = measure(hi);
    while (r[1] < target) {
      if (hi >= MAX_EF) {
        return new Result(hi, k, r[0], r[1], false);
      }
      lo = hi;
      hi = Math.min(MAX_EF, 2 * hi);
      r = measure(hi);
    }
    double[] best = r;
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      double[] m = measure(mid);
      if (m[1] >= target) {
        hi = mid;
        best = m;
      } else {
        lo = mid;
      }
    }
    return new Result(hi, k, best[0], best[1], true);
  }

  /** {mean recall@k, mean minus two standard errors} of the sample at beam {@code ef}. */
  public double[] measure(int ef) {
    double s = 0;
    double s2 = 0;
    for (int q = 0; q < numQueries; q++) {
      int[] ex = excluded == null ? null : excluded[q];
      searcher.search(queries, q * index.dim(), k, ef, ex, ex == null ? 0 : ex.length, null, top);
      int c = top.copyItems(found);
      int hit = 0;
      int want = 0;
      for (int j = 0; j < k; j++) {
        want += truth[q * k + j] >= 0 ? 1 : 0;
      }
      for (int i = 0; i < c; i++) {
        for (int j = 0; j < k; j++) {
          if (truth[q * k + j] == found[i]) {
            hit++;
            break;
          }
        }
      }
      double rec = want == 0 ? 1.0 : (double) hit / want;
      s += rec;
      s2 += rec * rec;
    }
    double mean = s / numQueries;
    double var = Math.max(0, s2 / numQueries - mean * mean);
    return new double[] {mean, mean - 2 * Math.sqrt(var / numQueries)};
  }
}
