package io.graphcf.propagation.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.graph.CsrMatrix;
import io.graphcf.graph.Dataset;
import io.graphcf.graph.Interactions;
import io.graphcf.propagation.Workers;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Evaluator} on hand-computed cases and against {@link ReferenceEvaluator} (a full sort of
 * every item per user) on many seeded random score matrices.
 */
class EvaluatorTest {
  /** A fixed dense score matrix (users × items). */
  static UserScorer matrix(float[][] s) {
    return new UserScorer() {
      @Override
      public int numItems() {
        return s[0].length;
      }

      @Override
      public void score(int[] users, int from, int to, float[] out) {
        for (int b = 0; b < to - from; b++) {
          System.arraycopy(s[users[from + b]], 0, out, b * s[0].length, s[0].length);
        }
      }
    };
  }

  static Dataset dataset(int numUsers, int numItems, int[][] train, int[][] test) {
    return new Dataset(new Interactions(csr(numUsers, numItems, train)), csr(numUsers, numItems, test));
  }

  static CsrMatrix csr(int rows, int cols, int[][] pairs) {
    int[] r = new int[pairs.length];
    int[] c = new int[pairs.length];
    for (int p = 0; p < pairs.length; p++) {
      r[p] = pairs[p][0];
      c[p] = pairs[p][1];
    }
    return CsrMatrix.fromPairs(rows, cols, r, c, pairs.length);
  }

  /**
   * 4 users × 5 items, K = 2 and 3. log2 discounts d(p) = 1/log2(p+2): d0 = 1, d1 = 0.6309298,
   * d2 = 0.5.
   * <pre>
   * user 0: train {1}, test {3}, scores [.9 .8 .1 .7 .3] -> ranking 0, 3, 4, 2 (item 1 masked)
   *   K=2: hits 1 at p=1: recall 1, precision 1/2, NDCG d1 / d0 = 0.6309298, hit 1
   *   K=3: hits 1: recall 1, precision 1/3, NDCG 0.6309298, hit 1
   * user 1: train {0}, test {1,2,4} (more test items than K), scores [.5 .2 .6 .4 .9] -> 4, 2, 3, 1
   *   K=2: hits 2 (p=0,1): recall 2/3, precision 1, NDCG (d0+d1)/(d0+d1) = 1, hit 1
   *   K=3: hits 2: recall 2/3, precision 2/3, NDCG 1.6309298 / (d0+d1+d2 = 2.1309298) = 0.7653606, hit 1
   * user 2: train {}, test {2}, scores [.5 .4 0 .3 .2] -> 0, 1, 3, 4, 2: no hits at K=2 or 3
   * user 3: train {2}, no test items -> not evaluated
   * means over 3 users:
   *   K=2: recall (1 + 2/3 + 0)/3 = 0.5555556, precision (1/2 + 1)/3 = 0.5,
   *        NDCG (0.6309298 + 1)/3 = 0.5436433, hit 2/3
   *   K=3: recall 0.5555556, precision (1/3 + 2/3)/3 = 0.3333333,
   *        NDCG (0.6309298 + 0.7653606)/3 = 0.4654301, hit 2/3
   * </pre>
   */
  @Test
  void handComputedCase() {
    float[][] s = {
      {.9f, .8f, .1f, .7f, .3f},
      {.5f, .2f, .6f, .4f, .9f},
      {.5f, .4f, 0f, .3f, .2f},
      {.1f, .2f, .3f, .4f, .5f},
    };
    Dataset d = dataset(4, 5, new int[][] {{0, 1}, {1, 0}, {3, 2}}, new int[][] {{0, 3}, {1, 1}, {1, 2}, {1, 4}, {2, 2}});
    try (Workers w = Workers.create(1)) {
      EvalResult r = Evaluator.evaluate(matrix(s), d, new int[] {2, 3}, w);
      assertEquals(3, r.users());
      assertEquals(0.5555555555555555, r.recall(2), 1e-12);
      assertEquals(0.5, r.precision(2), 1e-12);
      assertEquals(0.5436432511904858, r.ndcg(2), 1e-12);
      assertEquals(2.0 / 3, r.hitRate(2), 1e-12);
      assertEquals(0.5555555555555555, r.recall(3), 1e-12);
      assertEquals(1.0 / 3, r.precision(3), 1e-12);
      assertEquals(0.46543013018669305, r.ndcg(3), 1e-12);
      assertEquals(2.0 / 3, r.hitRate(3), 1e-12);
      // standard errors: sample SD of the three users' values over √3
      assertEquals(stdErr(1, 2.0 / 3, 0), r.recallStdError(2), 1e-12);
      assertEquals(stdErr(0.5, 1, 0), r.precisionStdError(2), 1e-12);
      assertEquals(stdErr(0.6309297535714575, 1, 0), r.ndcgStdError(2), 1e-12);
      assertEquals(stdErr(1, 1, 0), r.hitRateStdError(2), 1e-12);
      assertEquals(stdErr(1.0 / 3, 2.0 / 3, 0), r.precisionStdError(3), 1e-12);
      assertEquals(stdErr(0.6309297535714575, 0.7653606369886217, 0), r.ndcgStdError(3), 1e-12);
      ObjectNode j = r.toJson();
      assertEquals(stdErr(1, 2.0 / 3, 0), j.get("std_error").get("recall@2").asDouble(), 1e-12);
      assertEquals(0.5436432511904858, j.get("ndcg@2").asDouble(), 1e-12);
      for (String key : new String[] {"recall@2", "precision@2", "hit@2", "recall@3", "ndcg@3", "precision@3",
          "hit@3", "users", "eval_seconds"}) {
        assertTrue(j.has(key), key);
      }
      assertThrows(IllegalArgumentException.class, () -> r.recall(20));
      // the numbered accessors agree with the named ones
      assertEquals(r.ndcg(3), r.mean(EvalResult.NDCG, 3), 0);
      assertEquals(r.hitRate(2), r.mean(EvalResult.HIT, 2), 0);
      assertEquals(r.precisionStdError(3), r.stdError(EvalResult.PRECISION, 3), 0);
      assertEquals(r.recallStdError(2), r.stdError(EvalResult.RECALL, 2), 0);
      assertThrows(IllegalArgumentException.class, () -> r.mean(4, 2));
      // training counts: items 0, 1, 2 once each, 3 and 4 never. Lists (train masked): user 0: 0 3 4 2,
      // user 1: 4 2 3 1, user 2: 0 1 3 4 2.
      // popularity@2 = (1/2 + 1/2 + 2/2) / 3; @3 = (1/3 + 1/3 + 2/3) / 3; every item is in some top 2
      assertEquals(2.0 / 3, r.popularity(2), 1e-12);
      assertEquals(4.0 / 9, r.popularity(3), 1e-12);
      assertEquals(1.0, r.coverage(2), 0);
      assertEquals(1.0, r.coverage(3), 0);
      assertEquals(4.0 / 9, j.get("popularity@3").asDouble(), 1e-12);
      assertEquals(1.0, j.get("coverage@2").asDouble(), 0);
      // top 1: items 0, 4, 0 -> popularity (1 + 0 + 1) / 3, coverage 2 of 5 items
      EvalResult top1 = Evaluator.evaluate(matrix(s), d, new int[] {1}, w);
      assertEquals(2.0 / 3, top1.popularity(1), 1e-12);
      assertEquals(0.4, top1.coverage(1), 0);
    }
  }

  /** Hand formula: √(Σ (v − v̄)² / (n − 1) / n). */
  private static double stdErr(double... v) {
    double mean = 0;
    for (double x : v) {
      mean += x / v.length;
    }
    double ss = 0;
    for (double x : v) {
      ss += (x - mean) * (x - mean);
    }
    return Math.sqrt(ss / (v.length - 1) / v.length);
  }

  /**
   * Masking: user 0 trains on items 0 and 1, the two best-scored; test {0, 2}. Item 0 is both
   * train and test (overlap): masked, it can never be a hit but still counts in |test| = 2.
   * Ranking 2, 3: K=1 hits 1 -> recall 1/2, precision 1, NDCG d0 / d0 = 1.
   */
  @Test
  void trainItemsAreMasked() {
    float[][] s = {{4f, 3f, 2f, 1f}};
    Dataset d = dataset(1, 4, new int[][] {{0, 0}, {0, 1}}, new int[][] {{0, 0}, {0, 2}});
    try (Workers w = Workers.create(1)) {
      EvalResult r = Evaluator.evaluate(matrix(s), d, new int[] {1}, w);
      assertEquals(0.5, r.recall(1), 0);
      assertEquals(1.0, r.precision(1), 0);
      assertEquals(1.0, r.ndcg(1), 0);
    }
  }

  /** Only 2 unmasked items but K = 3: precision still divides by K (the reference's definition). */
  @Test
  void fewerCandidatesThanK() {
    // user 0: train {0, 1}, test {3}; candidates 2 (score 3), 3 (score 2): hit at p=1
    // K=3: recall 1, precision 1/3, NDCG d1 / d0 = 0.6309298
    float[][] s = {{5f, 4f, 3f, 2f}};
    Dataset d = dataset(1, 4, new int[][] {{0, 0}, {0, 1}}, new int[][] {{0, 3}});
    try (Workers w = Workers.create(1)) {
      EvalResult r = Evaluator.evaluate(matrix(s), d, new int[] {3}, w);
      assertEquals(1.0, r.recall(3), 0);
      assertEquals(1.0 / 3, r.precision(3), 1e-15);
      assertEquals(0.6309297535714575, r.ndcg(3), 1e-12);
    }
  }

  @Test
  void noTestUsersGivesZeros() {
    Dataset d = dataset(2, 3, new int[][] {{0, 1}}, new int[0][]);
    try (Workers w = Workers.create(2)) {
      EvalResult r = Evaluator.evaluate(matrix(new float[2][3]), d, new int[] {1, 2}, w);
      assertEquals(0, r.users());
      assertEquals(0.0, r.recall(2), 0);
      assertEquals(0.0, r.recallStdError(2), 0);
    }
  }

  @Test
  void rejectsBadArguments() {
    Dataset d = dataset(1, 3, new int[][] {{0, 1}}, new int[][] {{0, 2}});
    try (Workers w = Workers.create(1)) {
      assertThrows(IllegalArgumentException.class, () -> Evaluator.evaluate(matrix(new float[1][4]), d, new int[] {1}, w));
      assertThrows(IllegalArgumentException.class, () -> Evaluator.evaluate(matrix(new float[1][3]), d, new int[0], w));
      assertThrows(IllegalArgumentException.class, () -> Evaluator.evaluate(matrix(new float[1][3]), d, new int[] {0}, w));
      assertThrows(IllegalArgumentException.class,
          () -> Evaluator.evaluate(matrix(new float[1][3]), d, new int[] {2, 2}, w));
    }
  }

  /** Random graphs and scores (with ties) against the full-sort reference; threads and blocks vary. */
  @Test
  void matchesReferenceOnRandomScores() {
    int[] ks = {1, 3, 10, 20};
    try (Workers w1 = Workers.create(1); Workers w2 = Workers.create(2)) {
      for (int seed = 0; seed < 60; seed++) {
        SplittableRandom r = new SplittableRandom(seed);
        int nu = 1 + r.nextInt(60);
        int ni = 1 + r.nextInt(80);
        Dataset d = randomDataset(r, nu, ni);
        float[][] s = new float[nu][ni];
        int levels = seed % 3 == 0 ? 4 : 1000; // every third case is tie-heavy
        for (float[] row : s) {
          for (int i = 0; i < ni; i++) {
            row[i] = r.nextInt(levels) / (float) levels;
          }
        }
        UserScorer scorer = matrix(s);
        double[][] ref = ReferenceEvaluator.evaluate(s, d, ks);
        double[][] profile = ReferenceEvaluator.profile(s, d, ks);
        int block = 1 + r.nextInt(7);
        EvalResult a = Evaluator.evaluate(scorer, d, ks, w1, block);
        EvalResult b = Evaluator.evaluate(scorer, d, ks, w2, block);
        EvalResult c = Evaluator.evaluate(scorer, d, ks, w2);
        String where = "seed=" + seed + " users=" + nu + " items=" + ni + " block=" + block;
        assertEquals((int) ref[4][0], a.users(), where);
        for (int ki = 0; ki < ks.length; ki++) {
          int k = ks[ki];
          assertEquals(ref[0][ki], a.recall(k), 1e-12, where + " recall@" + k);
          assertEquals(ref[1][ki], a.precision(k), 1e-12, where + " precision@" + k);
          assertEquals(ref[2][ki], a.ndcg(k), 1e-12, where + " ndcg@" + k);
          assertEquals(ref[3][ki], a.hitRate(k), 1e-12, where + " hit@" + k);
          assertEquals(ref[5][ki], a.recallStdError(k), 1e-9, where + " recall@" + k + " std error");
          assertEquals(ref[6][ki], a.precisionStdError(k), 1e-9, where + " precision@" + k + " std error");
          assertEquals(ref[7][ki], a.ndcgStdError(k), 1e-9, where + " ndcg@" + k + " std error");
          assertEquals(ref[8][ki], a.hitRateStdError(k), 1e-9, where + " hit@" + k + " std error");
          // same blocks, 1 vs 2 threads: bit-identical
          assertEquals(a.recall(k), b.recall(k), 0, where);
          assertEquals(a.ndcgStdError(k), b.ndcgStdError(k), 0, where);
          assertEquals(a.ndcg(k), b.ndcg(k), 0, where);
          assertEquals(a.precision(k), b.precision(k), 0, where);
          assertEquals(a.hitRate(k), b.hitRate(k), 0, where);
          assertEquals(ref[2][ki], c.ndcg(k), 1e-12, where + " default blocks");
          assertEquals(profile[0][ki], a.popularity(k), 1e-9, where + " popularity@" + k);
          assertEquals(profile[1][ki], a.coverage(k), 0, where + " coverage@" + k);
          assertEquals(a.popularity(k), b.popularity(k), 0, where);
          assertEquals(a.coverage(k), b.coverage(k), 0, where);
          assertEquals(profile[1][ki], c.coverage(k), 0, where + " default blocks");
        }
      }
    }
  }

  @Test
  void threadCountDoesNotChangeBits() {
    SplittableRandom r = new SplittableRandom(99);
    int nu = 700;
    int ni = 300;
    Dataset d = randomDataset(r, nu, ni);
    float[] users = new float[nu * 8];
    float[] items = new float[ni * 8];
    for (int i = 0; i < users.length; i++) {
      users[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < items.length; i++) {
      items[i] = (float) r.nextGaussian();
    }
    EmbeddingScorer scorer = new EmbeddingScorer(users, items, nu, ni, 8);
    int[] ks = Evaluator.defaultKs();
    try (Workers w1 = Workers.create(1); Workers w2 = Workers.create(2); Workers w3 = Workers.create(3)) {
      EvalResult a = Evaluator.evaluate(scorer, d, ks, w1, 16);
      for (Workers w : new Workers[] {w2, w3}) {
        EvalResult b = Evaluator.evaluate(scorer, d, ks, w, 16);
        for (int k : ks) {
          assertEquals(a.recall(k), b.recall(k), 0);
          assertEquals(a.ndcg(k), b.ndcg(k), 0);
          assertEquals(a.precision(k), b.precision(k), 0);
          assertEquals(a.hitRate(k), b.hitRate(k), 0);
        }
      }
    }
  }

  /**
   * The chunked path ({@link ItemRangeScorer}: score an item chunk for the block, select while in
   * cache) against the whole-row path on the same scorer, and against the full-sort reference on
   * the materialised scores; items span several ragged chunks.
   */
  @Test
  void chunkedScoringMatchesWholeRows() {
    for (int dim : new int[] {16, 33}) {
      SplittableRandom r = new SplittableRandom(dim);
      int nu = 150;
      int ni = 1300;
      Dataset d = randomDataset(r, nu, ni);
      float[] users = new float[nu * dim];
      float[] items = new float[ni * dim];
      for (int i = 0; i < users.length; i++) {
        users[i] = (float) r.nextGaussian();
      }
      for (int i = 0; i < items.length; i++) {
        items[i] = (float) r.nextGaussian();
      }
      EmbeddingScorer chunked = new EmbeddingScorer(users, items, nu, ni, dim);
      UserScorer wholeRows = new UserScorer() {
        @Override
        public int numItems() {
          return ni;
        }

        @Override
        public void score(int[] u, int from, int to, float[] out) {
          chunked.score(u, from, to, out);
        }
      };
      float[][] s = new float[nu][ni];
      int[] all = new int[nu];
      for (int u = 0; u < nu; u++) {
        all[u] = u;
      }
      float[] flat = new float[nu * ni];
      wholeRows.score(all, 0, nu, flat);
      for (int u = 0; u < nu; u++) {
        System.arraycopy(flat, u * ni, s[u], 0, ni);
      }
      int[] ks = {5, 20, 50};
      double[][] ref = ReferenceEvaluator.evaluate(s, d, ks);
      try (Workers w = Workers.create(2)) {
        EvalResult a = Evaluator.evaluate(chunked, d, ks, w, 7);
        EvalResult b = Evaluator.evaluate(wholeRows, d, ks, w, 7);
        for (int ki = 0; ki < ks.length; ki++) {
          int k = ks[ki];
          assertEquals(b.recall(k), a.recall(k), 0, "dim=" + dim + " recall@" + k);
          assertEquals(b.ndcg(k), a.ndcg(k), 0, "dim=" + dim + " ndcg@" + k);
          assertEquals(b.precision(k), a.precision(k), 0, "dim=" + dim + " precision@" + k);
          assertEquals(b.hitRate(k), a.hitRate(k), 0, "dim=" + dim + " hit@" + k);
          assertEquals(ref[0][ki], a.recall(k), 1e-12, "dim=" + dim + " recall@" + k + " vs reference");
          assertEquals(ref[2][ki], a.ndcg(k), 1e-12, "dim=" + dim + " ndcg@" + k + " vs reference");
          assertEquals(b.popularity(k), a.popularity(k), 0, "dim=" + dim + " popularity@" + k);
          assertEquals(b.coverage(k), a.coverage(k), 0, "dim=" + dim + " coverage@" + k);
        }
      }
    }
  }

  /** A random split: each user gets a few train and a few test items; some users get no test items. */
  static Dataset randomDataset(SplittableRandom r, int nu, int ni) {
    List<int[]> train = new ArrayList<>();
    List<int[]> test = new ArrayList<>();
    for (int u = 0; u < nu; u++) {
      int nTrain = r.nextInt(Math.min(ni, 12) + 1);
      int nTest = r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(Math.min(ni, 30));
      for (int t = 0; t < nTrain; t++) {
        train.add(new int[] {u, r.nextInt(ni)});
      }
      for (int t = 0; t < nTest; t++) {
        test.add(new int[] {u, r.nextInt(ni)}); // may overlap train: masked, still counted in |test|
      }
    }
    return dataset(nu, ni, train.toArray(new int[0][]), test.toArray(new int[0][]));
  }
}
