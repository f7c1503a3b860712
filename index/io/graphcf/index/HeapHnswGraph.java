package io.graphcf.index;

import java.util.Arrays;

/**
 * An HNSW graph in flat primitive arrays. Level 0: {@code level0[node * stride0]} holds the count,
 * followed by up to {@code 2m} neighbour ordinals. Levels above 0 exist for about 1/m of the nodes:
 * {@code upperOffset[node]} points into {@code upper}, where level {@code l ≥ 1} of that node starts
 * at {@code upperOffset[node] + (l - 1) * stride1} (count, then up to {@code m} neighbours).
 * Tombstones are a bit set. Writers are the builder and {@link HnswIndex#add}; readers copy lists out.
 * While the graph is built on the heap, {@code scores0}/{@code scoresUp} hold each edge's similarity
 * to the list's owner at the same index (lists are kept sorted by it, best first), so pruning never
 * recomputes them; they are not saved.
 */
final class HeapHnswGraph extends HnswGraph {
  final int m;
  final int maxConn0;
  final int stride0;
  final int stride1;
  int size;
  int[] level0;
  float[] scores0;
  float[] scoresUp;
  int[] levels;
  int[] upperOffset;
  int[] upper;
  int upperUsed;
  int maxLevel = -1;
  int entry = -1;
  long[] deleted;
  int numDeleted;

  HeapHnswGraph(int m, int capacity) {
    this.m = m;
    this.maxConn0 = 2 * m;
    this.stride0 = maxConn0 + 1;
    this.stride1 = m + 1;
    int cap = Math.max(capacity, 1);
    level0 = new int[Math.multiplyExact(cap, stride0)];
    scores0 = new float[level0.length];
    levels = new int[cap];
    upperOffset = new int[cap];
    upper = new int[Math.max(16, cap / Math.max(1, m - 1) * stride1 + stride1)];
    scoresUp = new float[upper.length];
    deleted = new long[(cap + 63) >>> 6];
  }

  /** Grows the arrays to hold at least {@code n} nodes. */
  void ensureCapacity(int n) {
    if (n <= levels.length) {
      return;
    }
    int cap = Math.max(n, levels.length + (levels.length >> 1) + 16);
    level0 = Arrays.copyOf(level0, Math.multiplyExact(cap, stride0));
    scores0 = Arrays.copyOf(scores0, level0.length);
    levels = Arrays.copyOf(levels, cap);
    upperOffset = Arrays.copyOf(upperOffset, cap);
    deleted = Arrays.copyOf(deleted, (cap + 63) >>> 6);
  }

  /** Appends a node with the given top level and empty lists; returns its ordinal. */
  int addNode(int level) {
    int node = size;
    ensureCapacity(node + 1);
    levels[node] = level;
    level0[node * stride0] = 0;
    if (level > 0) {
      int need = level * stride1;
      if (upperUsed + need > upper.length) {
        upper = Arrays.copyOf(upper, Math.max(upperUsed + need, upper.length + (upper.length >> 1)));
        scoresUp = Arrays.copyOf(scoresUp, upper.length);
      }
      upperOffset[node] = upperUsed;
      for (int l = 0; l < level; l++) {
        upper[upperUsed + l * stride1] = 0;
      }
      upperUsed += need;
    } else {
      upperOffset[node] = -1;
    }
    size = node + 1;
    return node;
  }

  /** The array that holds {@code node}'s list at {@code level}. */
  int[] array(int level) {
    return level == 0 ? level0 : upper;
  }

  /** The similarity array parallel to {@link #array(int)}. */
  float[] scores(int level) {
    return level == 0 ? scores0 : scoresUp;
  }

  /** Index of the count slot of {@code node}'s list at {@code level} in {@link #array(int)}. */
  int slot(int level, int node) {
    return level == 0 ? node * stride0 : upperOffset[node] + (level - 1) * stride1;
  }

  int maxConn(int level) {
    return level == 0 ? maxConn0 : m;
  }

  @Override
  int size() {
    return size;
  }

  @Override
  int maxLevel() {
    return maxLevel;
  }

  @Override
  int entry() {
    return entry;
  }

  @Override
  int level(int node) {
    return levels[node];
  }

  @Override
  int neighbors(int level, int node, int[] dst) {
    int[] a = level == 0 ? level0 : upper;
    int s = level == 0 ? node * stride0 : upperOffset[node] + (level - 1) * stride1;
    int n = a[s];
    System.arraycopy(a, s + 1, dst, 0, n);
    return n;
  }

  @Override
  boolean isDeleted(int node) {
    return (deleted[node >>> 6] & (1L << node)) != 0;
  }

  /** Marks {@code node} deleted; returns false if it already was. */
  boolean markDeleted(int node) {
    long bit = 1L << node;
    if ((deleted[node >>> 6] & bit) != 0) {
      return false;
    }
    deleted[node >>> 6] |= bit;
    numDeleted++;
    return true;
  }

  @Override
  int numDeleted() {
    return numDeleted;
  }

  @Override
  int m() {
    return m;
  }

  /** Bytes held by the graph arrays, build-time scores included (capacity, not size). */
  long ramBytes() {
    return 4L * (level0.length + levels.length + upperOffset.length + upper.length + scores0.length
        + scoresUp.length) + 8L * deleted.length;
  }
}
