package io.graphcf.index;

/**
 * A caller-given exclusion predicate over item ordinals (a primitive {@code IntPredicate}). Searches
 * never return an item for which {@link #accept} is {@code false}; the HNSW search still walks
 * through such items so that recall does not drop. Implementations must be thread-safe if shared
 * between threads and should be cheap: they are called once per visited item.
 */
@FunctionalInterface
public interface ItemFilter {
  /** Whether {@code item} may be returned. */
  boolean accept(int item);
}
