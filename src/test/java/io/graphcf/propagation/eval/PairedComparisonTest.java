package io.graphcf.propagation.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.graphcf.graph.Dataset;
import io.graphcf.propagation.Workers;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Evaluator#evaluatePerUser} against {@link ReferenceEvaluator}'s per-user values, and
 * {@link PairedComparison} against a hand-computed case and a two-pass computation over the reference's
 * per-user differences.
 */
class PairedComparisonTest {

  /**
   * 3 users × 3 items, no training items, one test item each (user u's test item is u), K = 1:
   * model a ranks users 0 and 1's test items first (recall 1, 1, 0); model b only user 0's (1, 0, 0).
   * Per-user recall differences (0, 1, 0): mean 1/3; sample variance (2·(1/3)² + (2/3)²)/2 = 1/3;
   * paired standard error √(1/3 / 3) = 1/3. Each model's own standard error is also 1/3 (values with
   * sample variance 1/3), so an unpaired error of the difference would be √2/3 = 0.471.
   */
  @Test
  void handComputedCase() {
    Dataset d = EvaluatorTest.dataset(3, 3, new int[0][], new int[][] {{0, 0}, {1, 1}, {2, 2}});
    float[][] a = {{1, 0, 0}, {0, 1, 0}, {1, 0, 0}};
    float[][] b = {{1, 0, 0}, {1, 0, 0}, {1, 0, 0}};
    try (Workers w = Workers.create(1)) {
      PerUserMetrics pa = Evaluator.evaluatePerUser(EvaluatorTest.matrix(a), d, new int[] {1}, w);
      PerUserMetrics pb = Evaluator.evaluatePerUser(EvaluatorTest.matrix(b), d, new int[] {1}, w);
      assertEquals(3, pa.numUsers());
      assertEquals(1.0, pa.value(1, PerUserMetrics.RECALL, 1), 0);
      assertEquals(0.0, pb.value(1, PerUserMetrics.RECALL, 1), 0);
      assertEquals(1.0 / 3, pa.result().recallStdError(1), 1e-12);
      assertEquals(1.0 / 3, pb.result().recallStdError(1), 1e-12);
      PairedComparison c = PairedComparison.of(pa, pb);
      assertEquals(3, c.users());
      assertEquals(1.0 / 3, c.difference(PerUserMetrics.RECALL, 1), 1e-12);
      assertEquals(1.0 / 3, c.stdError(PerUserMetrics.RECALL, 1), 1e-12);
      // one test item per user: NDCG@1 = precision@1 = hit@1 = recall@1
      for (int m = PerUserMetrics.PRECISION; m <= PerUserMetrics.HIT; m++) {
        assertEquals(1.0 / 3, c.difference(m, 1), 1e-12);
        assertEquals(1.0 / 3, c.stdError(m, 1), 1e-12);
      }
      PairedComparison reverse = PairedComparison.of(pb, pa);
      assertEquals(-1.0 / 3, reverse.difference(PerUserMetrics.NDCG, 1), 1e-12);
      assertEquals(1.0 / 3, reverse.stdError(PerUserMetrics.NDCG, 1), 1e-12);
      PairedComparison self = PairedComparison.of(pb, pb);
      assertEquals(0, self.difference(PerUserMetrics.RECALL, 1), 0);
      assertEquals(0, self.stdError(PerUserMetrics.RECALL, 1), 0);
      assertThrows(IllegalArgumentException.class, () -> c.difference(PerUserMetrics.RECALL, 2));
      assertThrows(IllegalArgumentException.class, () -> pa.value(0, 4, 1));
    }
  }

  /** Random graphs and two random models: per-user values, means and paired errors against the reference. */
  @Test
  void matchesReferenceOnRandomScores() {
    int[] ks = {1, 5, 20};
    try (Workers w = Workers.create(2)) {
      for (int seed = 0; seed < 30; seed++) {
        SplittableRandom r = new SplittableRandom(1000 + seed);
        int nu = 2 + r.nextInt(80);
        int ni = 1 + r.nextInt(60);
        Dataset d = EvaluatorTest.randomDataset(r, nu, ni);
        float[][] sa = randomScores(r, nu, ni);
        float[][] sb = randomScores(r, nu, ni);
        PerUserMetrics pa = Evaluator.evaluatePerUser(EvaluatorTest.matrix(sa), d, ks, w);
        PerUserMetrics pb = Evaluator.evaluatePerUser(EvaluatorTest.matrix(sb), d, ks, w);
        EvalResult plain = Evaluator.evaluate(EvaluatorTest.matrix(sa), d, ks, w);
        double[][][] ra = ReferenceEvaluator.perUser(sa, d, ks);
        double[][][] rb = ReferenceEvaluator.perUser(sb, d, ks);
        PairedComparison c = PairedComparison.of(pa, pb);
        String where = "seed=" + seed + " users=" + nu + " items=" + ni;
        int n = ra[0][0].length;
        assertEquals(n, pa.numUsers(), where);
        assertEquals(n, c.users(), where);
        for (int ki = 0; ki < ks.length; ki++) {
          int k = ks[ki];
          // keeping the per-user values changes nothing in the summary
          assertEquals(plain.recall(k), pa.result().recall(k), 0, where);
          assertEquals(plain.ndcgStdError(k), pa.result().ndcgStdError(k), 0, where);
          for (int m = 0; m < 4; m++) {
            double[] diffs = new double[n];
            double mean = 0;
            for (int u = 0; u < n; u++) {
              assertEquals(ra[m][ki][u], pa.value(u, m, k), 1e-12, where + " user " + u + " metric " + m + "@" + k);
              assertEquals(rb[m][ki][u], pb.value(u, m, k), 1e-12, where + " user " + u + " metric " + m + "@" + k);
              diffs[u] = ra[m][ki][u] - rb[m][ki][u];
              mean += diffs[u];
            }
            mean = n > 0 ? mean / n : 0;
            assertEquals(mean, c.difference(m, k), 1e-12, where + " metric " + m + "@" + k);
            assertEquals(ReferenceEvaluator.twoPassStdError(diffs), c.stdError(m, k), 1e-9,
                where + " metric " + m + "@" + k + " paired error");
          }
        }
      }
    }
  }

  @Test
  void rejectsDifferentUsersOrCutOffs() {
    Dataset d1 = EvaluatorTest.dataset(3, 3, new int[0][], new int[][] {{0, 0}, {1, 1}, {2, 2}});
    Dataset d2 = EvaluatorTest.dataset(3, 3, new int[0][], new int[][] {{0, 0}, {1, 1}});
    Dataset d3 = EvaluatorTest.dataset(3, 3, new int[0][], new int[][] {{0, 0}, {2, 2}});
    float[][] s = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    try (Workers w = Workers.create(1)) {
      PerUserMetrics p1 = Evaluator.evaluatePerUser(EvaluatorTest.matrix(s), d1, new int[] {1}, w);
      PerUserMetrics p2 = Evaluator.evaluatePerUser(EvaluatorTest.matrix(s), d2, new int[] {1}, w);
      PerUserMetrics p3 = Evaluator.evaluatePerUser(EvaluatorTest.matrix(s), d3, new int[] {1}, w);
      PerUserMetrics k2 = Evaluator.evaluatePerUser(EvaluatorTest.matrix(s), d1, new int[] {2}, w);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PairedComparison.of(p1, p2));
      assertTrue(e.getMessage().contains("3 vs 2"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> PairedComparison.of(p2, p3));
      assertTrue(e.getMessage().contains("position 1"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> PairedComparison.of(p1, k2));
      assertTrue(e.getMessage().contains("cut-offs"), e.getMessage());
    }
  }

  private static float[][] randomScores(SplittableRandom r, int nu, int ni) {
    float[][] s = new float[nu][ni];
    for (float[] row : s) {
      for (int i = 0; i < ni; i++) {
        row[i] = r.nextInt(50) / 50f;
      }
    }
    return s;
  }
}
