package io.graphcf.propagation.eval;

/**
 * One evaluation with every evaluated user's metric values kept: the summary ({@link #result()}), the
 * evaluated users (ascending user ordinals, those with at least one test item) and, per user, recall,
 * precision, NDCG and hit rate at each cut-off of the result.
 */
public final class PerUserMetrics {
  /** Metric rows, in the order they are stored per user (the numbering of {@link EvalResult}). */
  public static final int RECALL = EvalResult.RECALL;
  public static final int PRECISION = EvalResult.PRECISION;
  public static final int NDCG = EvalResult.NDCG;
  public static final int HIT = EvalResult.HIT;

  private final EvalResult result;
  private final int[] users;
  private final int[] ks;
  private final double[] values;

  /**
   * {@code values} holds, user by user in the order of {@code users}, four metrics of {@code result.ks().length}
   * values each. Not copied: the evaluator hands over arrays it no longer touches.
   */
  PerUserMetrics(EvalResult result, int[] users, double[] values) {
    this.ks = result.ks();
    if (values.length != (long) users.length * 4 * ks.length) {
      throw new IllegalArgumentException("values must hold " + users.length + " users x 4 metrics x " + ks.length
          + " cut-offs, got " + values.length);
    }
    this.result = result;
    this.users = users;
    this.values = values;
  }

  /** The means and standard errors of this evaluation. */
  public EvalResult result() {
    return result;
  }

  /** How many users were evaluated. */
  public int numUsers() {
    return users.length;
  }

  /** The ordinal of the {@code n}-th evaluated user. */
  public int user(int n) {
    return users[n];
  }

  /** The value of {@code metric} ({@link #RECALL} … {@link #HIT}) at cut-off {@code k} for the {@code n}-th user. */
  public double value(int n, int metric, int k) {
    return values[(n * 4 + EvalResult.checkMetric(metric)) * ks.length + kIndex(k)];
  }

  private int kIndex(int k) {
    return EvalResult.indexOf(ks, k);
  }
}
