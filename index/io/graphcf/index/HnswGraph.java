package io.graphcf.index;

/**
 * The read side of an HNSW graph: levels, the entry point, neighbour lists and tombstones. Two
 * implementations: {@link HeapHnswGraph} (flat int arrays, updatable) and {@link MappedHnswGraph}
 * (read through a verified {@code MappedFile}, never loaded into the heap).
 */
abstract class HnswGraph {
  /** Number of nodes (item ordinals 0..size-1). */
  abstract int size();

  /** Highest level in the graph, -1 when empty. */
  abstract int maxLevel();

  /** The node the search starts from (at {@link #maxLevel()}), -1 when empty. */
  abstract int entry();

  /** The top level of {@code node}. */
  abstract int level(int node);

  /** Copies the neighbours of {@code node} at {@code level} into {@code dst}; returns the count. */
  abstract int neighbors(int level, int node, int[] dst);

  /** Whether {@code node} is marked deleted (still traversed, never returned). */
  abstract boolean isDeleted(int node);

  abstract int numDeleted();

  /** Edges per node above level 0; level 0 keeps {@code 2 * m}. */
  abstract int m();
}
