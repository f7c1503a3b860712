package io.graphcf.propagation.eval;

import io.graphcf.graph.CsrMatrix;
import io.graphcf.graph.Dataset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A straightforward full-ranking evaluator for tests: per user, sort every non-training item by
 * (score desc, item asc), then count with sets and {@code Math.log}. Independent of {@link TopK}
 * and of {@link Evaluator}'s prefix sums.
 */
public final class ReferenceEvaluator {
  private ReferenceEvaluator() {}

  /**
   * Returns {recall[], precision[], ndcg[], hit[], {users}, then the four metrics' standard errors}
   * aligned with ks; the standard errors are computed in two passes over the stored per-user values.
   */
  public static double[][] evaluate(float[][] scores, Dataset d, int[] ks) {
    double[][][] perUser = perUser(scores, d, ks);
    int users = perUser[0].length == 0 ? 0 : perUser[0][0].length;
    double[][] sums = new double[9][ks.length];
    for (int m = 0; m < 4; m++) {
      for (int ki = 0; ki < ks.length; ki++) {
        for (int j = 0; j < users; j++) {
          sums[m][ki] += perUser[m][ki][j];
        }
        sums[m][ki] = users == 0 ? 0 : sums[m][ki] / users;
      }
    }
    sums[4][0] = users;
    for (int m = 0; m < 4; m++) {
      for (int ki = 0; ki < ks.length; ki++) {
        sums[5 + m][ki] = twoPassStdError(perUser[m][ki]);
      }
    }
    return sums;
  }

  /** Standard error of the mean of {@code v}, two passes: √(Σ (v − v̄)² / (n − 1) / n); 0 below two values. */
  public static double twoPassStdError(double[] v) {
    int n = v.length;
    if (n < 2) {
      return 0;
    }
    double mean = 0;
    for (double x : v) {
      mean += x;
    }
    mean /= n;
    double ss = 0;
    for (double x : v) {
      ss += (x - mean) * (x - mean);
    }
    return Math.sqrt(ss / (n - 1) / n);
  }

  /**
   * {popularity[], coverage[]} aligned with ks, from full sorts: popularity@k is the mean over evaluated users
   * of the average training count (counted from the user-item rows) of their top-k items (those ranked; 0 for
   * none), coverage@k the share of items in some evaluated user's top k.
   */
  public static double[][] profile(float[][] scores, Dataset d, int[] ks) {
    CsrMatrix train = d.train().userItems();
    CsrMatrix test = d.test();
    int[] count = new int[d.numItems()];
    for (int p = 0; p < train.nnz(); p++) {
      count[train.colIdx()[p]]++;
    }
    double[][] out = new double[2][ks.length];
    List<Set<Integer>> listed = new ArrayList<>();
    for (int k : ks) {
      listed.add(new HashSet<>());
    }
    int users = 0;
    for (int u = 0; u < d.numUsers(); u++) {
      if (test.degree(u) == 0) {
        continue;
      }
      users++;
      List<Integer> ranking = ranking(scores[u], train, u, d.numItems());
      for (int ki = 0; ki < ks.length; ki++) {
        int n = Math.min(ks[ki], ranking.size());
        double sum = 0;
        for (int r = 0; r < n; r++) {
          sum += count[ranking.get(r)];
          listed.get(ki).add(ranking.get(r));
        }
        out[0][ki] += n == 0 ? 0 : sum / n;
      }
    }
    for (int ki = 0; ki < ks.length; ki++) {
      out[0][ki] = users == 0 ? 0 : out[0][ki] / users;
      out[1][ki] = (double) listed.get(ki).size() / d.numItems();
    }
    return out;
  }

  /**
   * Each evaluated user's values, {@code [metric][k][user]}: metrics recall, precision, NDCG, hit;
   * users with at least one test item, ascending.
   */
  public static double[][][] perUser(float[][] scores, Dataset d, int[] ks) {
    CsrMatrix train = d.train().userItems();
    CsrMatrix test = d.test();
    int users = 0;
    for (int u = 0; u < d.numUsers(); u++) {
      if (test.degree(u) > 0) {
        users++;
      }
    }
    double[][][] perUser = new double[4][ks.length][users];
    users = 0;
    for (int u = 0; u < d.numUsers(); u++) {
      if (test.degree(u) == 0) {
        continue;
      }
      users++;
      Set<Integer> testSet = new HashSet<>();
      for (int p = test.rowPtr()[u]; p < test.rowPtr()[u + 1]; p++) {
        testSet.add(test.colIdx()[p]);
      }
      List<Integer> ranking = ranking(scores[u], train, u, d.numItems());
      for (int ki = 0; ki < ks.length; ki++) {
        int k = ks[ki];
        int hits = 0;
        double dcg = 0;
        for (int rank = 1; rank <= Math.min(k, ranking.size()); rank++) {
          if (testSet.contains(ranking.get(rank - 1))) {
            hits++;
            dcg += Math.log(2) / Math.log(rank + 1);
          }
        }
        double idcg = 0;
        for (int rank = 1; rank <= Math.min(k, testSet.size()); rank++) {
          idcg += Math.log(2) / Math.log(rank + 1);
        }
        double[] values = {hits / (double) testSet.size(), hits / (double) k, dcg / idcg, hits > 0 ? 1 : 0};
        for (int m = 0; m < 4; m++) {
          perUser[m][ki][users - 1] = values[m];
        }
      }
    }
    return perUser;
  }

  /** User {@code u}'s items that are not in its training row, by score descending, ties by item ascending. */
  private static List<Integer> ranking(float[] row, CsrMatrix train, int u, int numItems) {
    Set<Integer> trainSet = new HashSet<>();
    for (int p = train.rowPtr()[u]; p < train.rowPtr()[u + 1]; p++) {
      trainSet.add(train.colIdx()[p]);
    }
    List<Integer> ranking = new ArrayList<>();
    for (int i = 0; i < numItems; i++) {
      if (!trainSet.contains(i)) {
        ranking.add(i);
      }
    }
    ranking.sort((x, y) -> row[x] != row[y] ? Float.compare(row[y], row[x]) : Integer.compare(x, y));
    return ranking;
  }
}
