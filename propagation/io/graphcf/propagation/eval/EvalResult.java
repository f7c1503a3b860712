package io.graphcf.propagation.eval;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

/**
 * Full-ranking metrics averaged over the evaluated users (those with at least one test item), for
 * each cut-off {@code k} that was asked for.
 */
public final class EvalResult {
  private final int[] ks;
  private final double[] recall;
  private final double[] precision;
  private final double[] ndcg;
  private final double[] hitRate;
  private final int users;
  private final double seconds;

  /** Means per cut-off, aligned with {@code ks}. Arrays are copied. */
  public EvalResult(int[] ks, double[] recall, double[] precision, double[] ndcg, double[] hitRate, int users,
      double seconds) {
    int n = ks.length;
    if (recall.length != n || precision.length != n || ndcg.length != n || hitRate.length != n) {
      throw new IllegalArgumentException("metric arrays must have " + n + " entries (one per k), got recall="
          + recall.length + ", precision=" + precision.length + ", ndcg=" + ndcg.length + ", hitRate=" + hitRate.length);
    }
    this.ks = ks.clone();
    this.recall = recall.clone();
    this.precision = precision.clone();
    this.ndcg = ndcg.clone();
    this.hitRate = hitRate.clone();
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

  /** Users evaluated (users with at least one test item). */
  public int users() {
    return users;
  }

  /** Wall-clock seconds the evaluation took. */
  public double seconds() {
    return seconds;
  }

  private int index(int k) {
    for (int i = 0; i < ks.length; i++) {
      if (ks[i] == k) {
        return i;
      }
    }
    throw new IllegalArgumentException("k=" + k + " was not evaluated (evaluated: " + Arrays.toString(ks) + ")");
  }

  /**
   * {@code {"recall@10": …, "precision@10": …, "ndcg@10": …, "hit@10": …, …, "users": n,
   * "eval_seconds": s}}, cut-offs in the order asked.
   */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    for (int i = 0; i < ks.length; i++) {
      o.put("recall@" + ks[i], recall[i]);
      o.put("precision@" + ks[i], precision[i]);
      o.put("ndcg@" + ks[i], ndcg[i]);
      o.put("hit@" + ks[i], hitRate[i]);
    }
    o.put("users", users);
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
