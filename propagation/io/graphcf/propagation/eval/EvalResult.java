package io.graphcf.propagation.eval;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

/**
 * Full-ranking metrics averaged over the evaluated users (those with at least one test item), for
 * each cut-off {@code k} that was asked for, with the standard error of each mean (the sample standard
 * deviation of the per-user values over √users): how precisely this test set measures the model's mean,
 * the yardstick when comparing with a figure from another run or paper.
 */
public final class EvalResult {
  /** Metric numbers for {@link #mean(int, int)} and {@link #stdError(int, int)}. */
  public static final int RECALL = 0;
  public static final int PRECISION = 1;
  public static final int NDCG = 2;
  public static final int HIT = 3;

  private final int[] ks;
  private final double[] recall;
  private final double[] precision;
  private final double[] ndcg;
  private final double[] hitRate;
  /** Standard errors: recall, precision, NDCG, hit rate, each aligned with {@code ks}. */
  private final double[][] stdErr;
  private final double[] popularity;
  private final double[] coverage;
  private final int users;
  private final double seconds;

  /**
   * Means and their standard errors per cut-off: {@code mean} and {@code stdErr} hold four rows
   * (recall, precision, NDCG, hit rate), each aligned with {@code ks}, as do {@code popularity} and
   * {@code coverage} (see {@link #popularity(int)}, {@link #coverage(int)}). Arrays are copied.
   */
  public EvalResult(int[] ks, double[][] mean, double[][] stdErr, double[] popularity, double[] coverage, int users,
      double seconds) {
    int n = ks.length;
    check(mean, n, "mean");
    check(stdErr, n, "stdErr");
    if (popularity.length != n || coverage.length != n) {
      throw new IllegalArgumentException("popularity and coverage must have " + n + " entries (one per k), got "
          + popularity.length + " and " + coverage.length);
    }
    this.popularity = popularity.clone();
    this.coverage = coverage.clone();
    this.ks = ks.clone();
    this.recall = mean[0].clone();
    this.precision = mean[1].clone();
    this.ndcg = mean[2].clone();
    this.hitRate = mean[3].clone();
    this.stdErr = new double[4][];
    for (int m = 0; m < 4; m++) {
      this.stdErr[m] = stdErr[m].clone();
    }
    this.users = users;
    this.seconds = seconds;
  }

  /** The cut-offs, in the order they were asked for. */
  public int[] ks() {
    return ks.clone();
  }

  /** Mean of hits@k / |test_u|. */
  public double recall(int k) {
    return recall[index(k)];
  }

  /** Mean of hits@k / k. */
  public double precision(int k) {
    return precision[index(k)];
  }

  /** Mean of DCG@k / IDCG@k, binary relevance, IDCG over min(k, |test_u|) positions. */
  public double ndcg(int k) {
    return ndcg[index(k)];
  }

  /** Fraction of users with at least one test item in their top k. */
  public double hitRate(int k) {
    return hitRate[index(k)];
  }

  /**
   * Mean over users of the average number of training interactions of the items in their top k (the items
   * ranked, when fewer than k could be): how popular what the model recommends is.
   */
  public double popularity(int k) {
    return popularity[index(k)];
  }

  /** Fraction of all items that are in at least one evaluated user's top k. */
  public double coverage(int k) {
    return coverage[index(k)];
  }

  /** Standard error of {@link #recall(int)}: the sample standard deviation of the per-user values over √users. */
  public double recallStdError(int k) {
    return stdErr[0][index(k)];
  }

  /** Standard error of {@link #precision(int)}. */
  public double precisionStdError(int k) {
    return stdErr[1][index(k)];
  }

  /** Standard error of {@link #ndcg(int)}. */
  public double ndcgStdError(int k) {
    return stdErr[2][index(k)];
  }

  /** Standard error of {@link #hitRate(int)}. */
  public double hitRateStdError(int k) {
    return stdErr[3][index(k)];
  }

  /** The mean of {@code metric} ({@link #RECALL}, {@link #PRECISION}, {@link #NDCG}, {@link #HIT}) at {@code k}. */
  public double mean(int metric, int k) {
    return switch (checkMetric(metric)) {
      case RECALL -> recall(k);
      case PRECISION -> precision(k);
      case NDCG -> ndcg(k);
      default -> hitRate(k);
    };
  }

  /** The standard error of {@link #mean(int, int)}. */
  public double stdError(int metric, int k) {
    return stdErr[checkMetric(metric)][index(k)];
  }

  static int checkMetric(int metric) {
    if (metric < RECALL || metric > HIT) {
      throw new IllegalArgumentException("metric must be 0..3 (recall, precision, ndcg, hit), got " + metric);
    }
    return metric;
  }

  /** Users evaluated (users with at least one test item). */
  public int users() {
    return users;
  }

  /** Wall-clock seconds the evaluation took. */
  public double seconds() {
    return seconds;
  }

  private static void check(double[][] rows, int n, String name) {
    if (rows.length != 4) {
      throw new IllegalArgumentException(name + " must have 4 rows (recall, precision, ndcg, hit), got " + rows.length);
    }
    for (double[] row : rows) {
      if (row.length != n) {
        throw new IllegalArgumentException(name + " rows must have " + n + " entries (one per k), got " + row.length);
      }
    }
  }

  private int index(int k) {
    return indexOf(ks, k);
  }

  /** The position of cut-off {@code k} in {@code ks}; an error naming the evaluated ones if absent. */
  static int indexOf(int[] ks, int k) {
    for (int i = 0; i < ks.length; i++) {
      if (ks[i] == k) {
        return i;
      }
    }
    throw new IllegalArgumentException("k=" + k + " was not evaluated (evaluated: " + Arrays.toString(ks) + ")");
  }

  /**
   * {@code {"recall@10": …, "precision@10": …, "ndcg@10": …, "hit@10": …, "popularity@10": …,
   * "coverage@10": …, …, "users": n,
   * "std_error": {"recall@10": …, …}, "eval_seconds": s}}, cut-offs in the order asked.
   */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    ObjectNode se = JsonNodeFactory.instance.objectNode();
    String[] names = {"recall@", "precision@", "ndcg@", "hit@"};
    double[][] means = {recall, precision, ndcg, hitRate};
    for (int i = 0; i < ks.length; i++) {
      for (int m = 0; m < 4; m++) {
        o.put(names[m] + ks[i], means[m][i]);
        se.put(names[m] + ks[i], stdErr[m][i]);
      }
      o.put("popularity@" + ks[i], popularity[i]);
      o.put("coverage@" + ks[i], coverage[i]);
    }
    o.put("users", users);
    o.set("std_error", se);
    o.put("eval_seconds", seconds);
    return o;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("EvalResult[users=").append(users);
    for (int i = 0; i < ks.length; i++) {
      sb.append(String.format(java.util.Locale.ROOT, ", recall@%d=%.5f, ndcg@%d=%.5f", ks[i], recall[i], ks[i], ndcg[i]));
    }
    return sb.append(String.format(java.util.Locale.ROOT, ", seconds=%.3f]", seconds)).toString();
  }
}
