package io.graphcf.propagation.eval;

/**
 * A {@link UserScorer} that can also score a block of users against a range of items, so that the
 * evaluator selects each chunk's top items while the chunk's scores are still in cache instead of
 * writing and re-reading whole rows (numItems floats per user).
 */
public interface ItemRangeScorer extends UserScorer {
  /** Item ranges passed to {@link #scoreItems} start at multiples of this ({@code >= 1}). */
  int itemChunk();

  /**
   * Writes the scores of {@code users[from..to)} for items {@code [itemFrom, itemTo)}: user
   * {@code users[from + b]}, item {@code i} goes to {@code out[b * (itemTo - itemFrom) + i - itemFrom]}.
   * {@code itemFrom} is a multiple of {@link #itemChunk()}.
   */
  void scoreItems(int[] users, int from, int to, int itemFrom, int itemTo, float[] out);
}
