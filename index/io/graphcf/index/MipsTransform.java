package io.graphcf.index;

/**
 * How the HNSW graph treats maximum-inner-product search. Query-to-item scores are always the
 * plain inner product; the choice only changes the item-to-item similarity used to build the
 * graph (neighbour search at insertion and the diversity heuristic).
 */
public enum MipsTransform {
  /**
   * Items are linked by their raw inner product, as Lucene's {@code MAXIMUM_INNER_PRODUCT}: large-norm
   * items become hubs that many nodes link to.
   */
  NONE,
  /**
   * Bachrach et al. (2014) / Neyshabur &amp; Srebro (2015): items are augmented with
   * {@code sqrt(M² − ‖x‖²)} (M the largest item norm) and queries with 0, so every item has norm M and
   * the augmented Euclidean (equivalently cosine) order between items is a proper metric, while the
   * query's inner-product order is unchanged: ‖q' − x'‖² = ‖q‖² + M² − 2 q·x.
   */
  NORM_AUGMENTED,
  /**
   * Items are linked by cosine similarity (the graph is built on unit-normalised copies), queries
   * are still ranked by the raw inner product. Every item keeps in-links from its angular
   * neighbours, so small-norm items stay reachable; the inner-product beam search then climbs to
   * the large-norm items in the query's direction. Costs a normalised copy of the vectors while the
   * index is on the heap.
   */
  ANGULAR
}
