package io.graphcf.propagation.eval;

/**
 * Two models evaluated on the same users, compared user by user: for each metric and cut-off, the mean
 * of the per-user differences (model a − model b, equal to the difference of the two means) and its
 * standard error, the sample standard deviation of the differences over √users. Because both models are
 * measured on the same users, this error is smaller than either model's own standard error (on Gowalla
 * 2× for two different models, 6× for two checkpoints of one run), so it resolves differences the
 * unpaired errors cannot: a difference of more than about two paired standard errors is unlikely to be
 * test-set noise.
 */
public final class PairedComparison {
  private final int[] ks;
  private final int users;
  /** [metric][k]: mean difference and its standard error. */
  private final double[][] difference;
  private final double[][] stdErr;

  private PairedComparison(int[] ks, int users, double[][] difference, double[][] stdErr) {
    this.ks = ks;
    this.users = users;
    this.difference = difference;
    this.stdErr = stdErr;
  }

  /**
   * Compares {@code a} with {@code b}; both must have evaluated the same users at the same cut-offs (the
   * same test split).
   */
  public static PairedComparison of(PerUserMetrics a, PerUserMetrics b) {
    int[] ks = a.result().ks();
    if (!java.util.Arrays.equals(ks, b.result().ks())) {
      throw new IllegalArgumentException("cut-offs differ: " + java.util.Arrays.toString(ks) + " vs "
          + java.util.Arrays.toString(b.result().ks()));
    }
    int n = a.numUsers();
    if (n != b.numUsers()) {
      throw new IllegalArgumentException("evaluated users differ: " + n + " vs " + b.numUsers());
    }
    for (int u = 0; u < n; u++) {
      if (a.user(u) != b.user(u)) {
        throw new IllegalArgumentException("evaluated users differ at position " + u + ": user " + a.user(u)
            + " vs " + b.user(u));
      }
    }
    double[][] diff = new double[4][ks.length];
    double[][] se = new double[4][ks.length];
    for (int m = 0; m < 4; m++) {
      for (int ki = 0; ki < ks.length; ki++) {
        double sum = 0;
        double sumSquares = 0;
        for (int u = 0; u < n; u++) {
          double d = a.value(u, m, ks[ki]) - b.value(u, m, ks[ki]);
          sum += d;
          sumSquares += d * d;
        }
        se[m][ki] = Evaluator.standardError(sum, sumSquares, n);
        diff[m][ki] = n > 0 ? sum / n : 0;
      }
    }
    return new PairedComparison(ks.clone(), n, diff, se);
  }

  /** Users compared. */
  public int users() {
    return users;
  }

  /** The cut-offs. */
  public int[] ks() {
    return ks.clone();
  }

  /** Mean per-user difference (a − b) of {@code metric} ({@link PerUserMetrics#RECALL} …) at {@code k}. */
  public double difference(int metric, int k) {
    return difference[EvalResult.checkMetric(metric)][index(k)];
  }

  /** Standard error of {@link #difference(int, int)}. */
  public double stdError(int metric, int k) {
    return stdErr[EvalResult.checkMetric(metric)][index(k)];
  }

  private int index(int k) {
    return EvalResult.indexOf(ks, k);
  }
}
