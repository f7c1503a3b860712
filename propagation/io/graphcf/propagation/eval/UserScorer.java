package io.graphcf.propagation.eval;

/**
 * Scores blocks of users against every item. Implementations are thread-safe: evaluation and
 * serving call {@link #score} from several threads at once, each with its own output buffer.
 */
public interface UserScorer {
  /** Number of items scored per user. */
  int numItems();

  /**
   * Writes the scores of {@code users[from..to)} into {@code out}: the score of the user at
   * {@code users[from + b]} for item {@code i} goes to {@code out[b * numItems() + i]}.
   * {@code out.length >= (to - from) * numItems()}.
   */
  void score(int[] users, int from, int to, float[] out);
}
