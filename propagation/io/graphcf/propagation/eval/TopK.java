package io.graphcf.propagation.eval;

import java.util.Arrays;

/**
 * Selects the {@code k} best items of one score row with a bounded binary min-heap on primitive
 * arrays (no boxing, no allocation after construction). The order is total and deterministic:
 * higher score first, ties broken by the lower item index. Items scoring {@code -Infinity} or
 * {@code NaN} are never selected, so a row may yield fewer than {@code k} items.
 *
 * <p>The scan is one compare per item against the heap's current minimum; exclusions (a user's
 * training items) are looked up only for the few scores that beat it. One instance per thread;
 * reuse it across rows.
 */
public final class TopK {
  private final int capacity;
  private final float[] heapScores;
  private final int[] heapItems;
  private int k;
  private int size;

  /** A selector for up to {@code capacity} items per row. */
  public TopK(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
    this.heapScores = new float[capacity];
    this.heapItems = new int[capacity];
  }

  public int capacity() {
    return capacity;
  }

  /**
   * Top {@code k} of {@code row[off .. off + n)} (item {@code i} scored {@code row[off + i]}),
   * skipping the items listed in {@code excluded[exFrom .. exTo)} (sorted ascending, e.g. a CSR row).
   * Writes them best first to {@code outItems} / {@code outScores} (either may be null) and returns
   * how many were written ({@code <= k}).
   */
  public int select(float[] row, int off, int n, int k, int[] excluded, int exFrom, int exTo, int[] outItems,
      float[] outScores) {
    begin(row, off, n, k);
    float thr = Float.NEGATIVE_INFINITY;
    // keep the k largest (s_i, -i); the heap root is the worst kept
    for (int i = 0; i < n; i++) {
      float s = row[off + i];
      if (s > thr) {
        if (exTo > exFrom && Arrays.binarySearch(excluded, exFrom, exTo, i) >= 0) {
          continue;
        }
        thr = offer(s, i);
      }
    }
    return drain(outItems, outScores);
  }

  /**
   * Top {@code k} of {@code row[off .. off + n)}, skipping items whose bit is set in
   * {@code excludedBits} (bit {@code i & 63} of word {@code i >>> 6}; null excludes nothing).
   */
  public int select(float[] row, int off, int n, int k, long[] excludedBits, int[] outItems, float[] outScores) {
    begin(row, off, n, k);
    if (excludedBits != null && excludedBits.length < (n + 63) >>> 6) {
      throw new IllegalArgumentException("excludedBits too short: expected >= " + ((n + 63) >>> 6) + " words, got "
          + excludedBits.length);
    }
    float thr = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      float s = row[off + i];
      if (s > thr) {
        if (excludedBits != null && (excludedBits[i >>> 6] & (1L << i)) != 0) {
          continue;
        }
        thr = offer(s, i);
      }
    }
    return drain(outItems, outScores);
  }

  private void begin(float[] row, int off, int n, int k) {
    if (k < 1 || k > capacity) {
      throw new IllegalArgumentException("k must be in [1, " + capacity + "], got " + k);
    }
    if (off < 0 || n < 0 || (long) off + n > row.length) {
      throw new IllegalArgumentException("row range [" + off + ", " + ((long) off + n) + ") outside length " + row.length);
    }
    this.k = k;
    this.size = 0;
  }

  /** (s, i) is worse than (t, j): lower score, or equal score and higher item. */
  private static boolean worse(float s, int i, float t, int j) {
    return s < t || (s == t && i > j);
  }

  /** Inserts (s, i), which beats the current root or fills a free slot; returns the new threshold. */
  private float offer(float s, int i) {
    float[] hs = heapScores;
    int[] hi = heapItems;
    if (size < k) {
      // sift up from the new leaf
      int c = size++;
      while (c > 0) {
        int p = (c - 1) >>> 1;
        if (!worse(s, i, hs[p], hi[p])) {
          break;
        }
        hs[c] = hs[p];
        hi[c] = hi[p];
        c = p;
      }
      hs[c] = s;
      hi[c] = i;
      return size < k ? Float.NEGATIVE_INFINITY : hs[0];
    }
    siftDownFromRoot(s, i, size);
    return hs[0];
  }

  /** Places (s, i) at the root of heap[0..n) and sifts it down. */
  private void siftDownFromRoot(float s, int i, int n) {
    float[] hs = heapScores;
    int[] hi = heapItems;
    int c = 0;
    while (true) {
      int l = 2 * c + 1;
      if (l >= n) {
        break;
      }
      int r = l + 1;
      int m = (r < n && worse(hs[r], hi[r], hs[l], hi[l])) ? r : l;
      if (!worse(hs[m], hi[m], s, i)) {
        break;
      }
      hs[c] = hs[m];
      hi[c] = hi[m];
      c = m;
    }
    hs[c] = s;
    hi[c] = i;
  }

  /** Pops the heap worst-first into the tails of the outputs, so they end up best first. */
  private int drain(int[] outItems, float[] outScores) {
    int m = size;
    if (outItems != null && outItems.length < m) {
      throw new IllegalArgumentException("outItems too small: expected >= " + m + ", got " + outItems.length);
    }
    if (outScores != null && outScores.length < m) {
      throw new IllegalArgumentException("outScores too small: expected >= " + m + ", got " + outScores.length);
    }
    float[] hs = heapScores;
    int[] hi = heapItems;
    for (int n = m; n > 0; n--) {
      if (outItems != null) {
        outItems[n - 1] = hi[0];
      }
      if (outScores != null) {
        outScores[n - 1] = hs[0];
      }
      siftDownFromRoot(hs[n - 1], hi[n - 1], n - 1);
    }
    size = 0;
    return m;
  }
}
