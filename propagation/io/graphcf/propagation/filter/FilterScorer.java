package io.graphcf.propagation.filter;

import io.graphcf.propagation.eval.UserScorer;

/**
 * A graph-filter model: scores training users in blocks ({@link UserScorer}) and, with the same
 * formula, a list of items for a user who is not in the training data. Thread-safe.
 */
public interface FilterScorer extends UserScorer {
  /** Model name as the CLI and the metadata spell it: {@code "gfcf"} or {@code "bspm"}. */
  String modelName();

  /**
   * Scores every item for a user whose interactions are {@code items[0..n)} (item ordinals of the
   * training graph; duplicates count once) into {@code out[0..numItems())}. A training user's own
   * items give exactly that user's row of {@link #score}.
   */
  void scoreHistory(int[] items, int n, float[] out);
}
