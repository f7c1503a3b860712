package io.graphcf.propagation.eval;

import io.graphcf.propagation.DenseKernels;

/**
 * Selects the {@code k} best items of one score row on primitive arrays (no boxing, no allocation
 * after construction). The order is total and deterministic: higher score first, ties broken by
 * the lower item index. Items scoring {@code -Infinity} or {@code NaN} are never selected, so a row
 * may yield fewer than {@code k} items.
 *
 * <p>The scan is one compare per item against a threshold; scores that beat it are appended to a
 * small buffer. When the buffer is full, it drops excluded items (a merge with the sorted exclusion
 * list, or a bit test), keeps the best {@code k} by quickselect and raises the threshold to the
 * k-th best score. Because items arrive in ascending order, a later item that only ties the
 * threshold is worse than the one holding it, so the strict compare is exact. This costs about one
 * compare per item plus O(k log(n/k)) appends, instead of a heap sift (and an exclusion lookup)
 * for each of those O(k log(n/k)) candidates. One instance per thread; reuse it across rows.
 */
public final class TopK {
  private final int capacity;
  private final float[] bufScores;
  private final int[] bufItems;
  private int size;
  /** Entries [0, kept) are already filtered and compacted. */
  private int kept;
  private int k;
  private float thr;
  private int[] exList;
  private long[] exBits;
  /** Next position in the sorted exclusion list (items arrive ascending). */
  private int exPos;
  private int exTo;

  /** A selector for up to {@code capacity} items per row. */
  public TopK(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
    int buf = Math.max(4 * capacity, 256);
    this.bufScores = new float[buf];
    this.bufItems = new int[buf];
  }

  public int capacity() {
    return capacity;
  }

  /**
   * Top {@code k} of {@code row[off .. off + n)} (item {@code i} scored {@code row[off + i]}),
   * skipping the items listed in {@code excluded[exFrom .. exTo)} (sorted ascending, e.g. a CSR row;
   * {@code excluded} may be null when the range is empty). Writes them best first to
   * {@code outItems} / {@code outScores} (either may be null) and returns how many were written
   * ({@code <= k}).
   */
  public int select(float[] row, int off, int n, int k, int[] excluded, int exFrom, int exTo, int[] outItems,
      float[] outScores) {
    reset(k, excluded, exFrom, exTo);
    add(row, off, 0, n);
    return finish(outItems, outScores);
  }

  /**
   * Top {@code k} of {@code row[off .. off + n)}, skipping items whose bit is set in
   * {@code excludedBits} (bit {@code i & 63} of word {@code i >>> 6}; null excludes nothing).
   */
  public int select(float[] row, int off, int n, int k, long[] excludedBits, int[] outItems, float[] outScores) {
    if (excludedBits != null && excludedBits.length < (n + 63) >>> 6) {
      throw new IllegalArgumentException("excludedBits too short: expected >= " + ((n + 63) >>> 6) + " words, got "
          + excludedBits.length);
    }
    reset(k, null, 0, 0);
    exBits = excludedBits;
    add(row, off, 0, n);
    return finish(outItems, outScores);
  }

  /**
   * Starts a streamed selection of the top {@code k} items, skipping those listed in
   * {@code excluded[exFrom .. exTo)} (sorted ascending); feed scores with {@link #add} in ascending
   * item order, then call {@link #finish}. Lets a caller select while it scores chunk by chunk.
   */
  public void reset(int k, int[] excluded, int exFrom, int exTo) {
    if (k < 1 || k > capacity) {
      throw new IllegalArgumentException("k must be in [1, " + capacity + "], got " + k);
    }
    if (exTo > exFrom && (excluded == null || exFrom < 0 || exTo > excluded.length)) {
      throw new IllegalArgumentException("exclusion range [" + exFrom + ", " + exTo + ") outside the array");
    }
    this.k = k;
    this.exList = excluded;
    this.exPos = exFrom;
    this.exTo = Math.max(exFrom, exTo);
    this.exBits = null;
    this.thr = Float.NEGATIVE_INFINITY;
    this.size = 0;
    this.kept = 0;
  }

  /**
   * Offers items {@code firstItem .. firstItem + n - 1} scored {@code row[off .. off + n)}; items must
   * come in ascending order across calls since {@link #reset}.
   */
  public void add(float[] row, int off, int firstItem, int n) {
    if (off < 0 || n < 0 || (long) off + n > row.length) {
      throw new IllegalArgumentException("row range [" + off + ", " + ((long) off + n) + ") outside length " + row.length);
    }
    float[] bs = bufScores;
    int[] bi = bufItems;
    int cap = bs.length;
    float t = thr;
    // keep the k largest (s_i, -i): append whatever beats the threshold, compact when full
    for (int i = nextAbove(row, off, 0, n, t); i < n; i = nextAbove(row, off, i + 1, n, t)) {
      bs[size] = row[off + i];
      bi[size] = firstItem + i;
      if (++size == cap) {
        filter();
        t = keepBest(k);
      }
    }
    thr = t;
  }

  /** Ends a streamed selection: writes the kept items best first, returns how many ({@code <= k}). */
  public int finish(int[] outItems, float[] outScores) {
    return finish(outItems, 0, outScores, 0);
  }

  /** {@link #finish(int[], float[])} writing from {@code outItems[itemsOff]} and {@code outScores[scoresOff]}. */
  public int finish(int[] outItems, int itemsOff, float[] outScores, int scoresOff) {
    filter();
    keepBest(k);
    return drain(outItems, itemsOff, outScores, scoresOff);
  }

  /** The first {@code i >= from} with {@code row[off + i] > thr}, or {@code n} (SIMD when available). */
  private static int nextAbove(float[] row, int off, int from, int n, float thr) {
    return DenseKernels.firstAbove(row, off + from, off + n, thr) - off;
  }

  /** Drops excluded entries from the new segment [kept, size). */
  private void filter() {
    if (exBits != null) {
      filterBits(exBits);
    } else if (exPos < exTo) {
      filterSorted(exList, exTo);
    }
  }

  /** Drops entries of the new segment [kept, size) listed in the sorted exclusions (a merge walk). */
  private void filterSorted(int[] excluded, int exTo) {
    int p = exPos;
    int w = kept;
    for (int r = kept; r < size; r++) {
      int item = bufItems[r];
      while (p < exTo && excluded[p] < item) {
        p++;
      }
      if (p < exTo && excluded[p] == item) {
        continue;
      }
      bufScores[w] = bufScores[r];
      bufItems[w] = item;
      w++;
    }
    exPos = p;
    size = w;
  }

  /** Drops entries of the new segment [kept, size) whose exclusion bit is set. */
  private void filterBits(long[] bits) {
    if (bits == null) {
      return;
    }
    int w = kept;
    for (int r = kept; r < size; r++) {
      int item = bufItems[r];
      if ((bits[item >>> 6] & (1L << item)) != 0) {
        continue;
      }
      bufScores[w] = bufScores[r];
      bufItems[w] = item;
      w++;
    }
    size = w;
  }

  /**
   * Keeps the best {@code min(k, size)} entries in [0, size); returns the new threshold: the k-th
   * best score once k entries are kept, else -Infinity.
   */
  private float keepBest(int k) {
    if (size > k) {
      select(0, size, k);
      size = k;
    }
    kept = size;
    if (size < k) {
      return Float.NEGATIVE_INFINITY;
    }
    float m = Float.POSITIVE_INFINITY;
    for (int r = 0; r < size; r++) {
      m = Math.min(m, bufScores[r]);
    }
    return m;
  }

  /** Entry a ranks before entry b: higher score, or equal score and lower item. */
  private boolean before(int a, int b) {
    float sa = bufScores[a];
    float sb = bufScores[b];
    return sa > sb || (sa == sb && bufItems[a] < bufItems[b]);
  }

  private void swap(int a, int b) {
    float s = bufScores[a];
    bufScores[a] = bufScores[b];
    bufScores[b] = s;
    int t = bufItems[a];
    bufItems[a] = bufItems[b];
    bufItems[b] = t;
  }

  /** Rearranges [lo, hi) so that its best {@code k} entries come first (quickselect). */
  private void select(int lo, int hi, int k) {
    int target = lo + k;
    while (hi - lo > 16) {
      int p = partition(lo, hi);
      if (p == target || p == target - 1) {
        return;
      }
      if (p < target) {
        lo = p + 1;
      } else {
        hi = p;
      }
    }
    insertionSort(lo, hi);
  }

  /**
   * Median-of-three partition of [lo, hi): returns the pivot's final position p; entries before p
   * rank before it, entries after rank after it.
   */
  private int partition(int lo, int hi) {
    int mid = (lo + hi) >>> 1;
    int last = hi - 1;
    if (before(mid, lo)) {
      swap(mid, lo);
    }
    if (before(last, lo)) {
      swap(last, lo);
    }
    if (before(last, mid)) {
      swap(last, mid);
    }
    // lo <= mid <= last in rank order; use mid as pivot, parked at last - 1
    swap(mid, last - 1);
    int pivot = last - 1;
    int i = lo;
    int j = last - 1;
    while (true) {
      do {
        i++;
      } while (before(i, pivot));
      do {
        j--;
      } while (before(pivot, j));
      if (i >= j) {
        break;
      }
      swap(i, j);
    }
    swap(i, pivot);
    return i;
  }

  private void insertionSort(int lo, int hi) {
    for (int a = lo + 1; a < hi; a++) {
      for (int b = a; b > lo && before(b, b - 1); b--) {
        swap(b, b - 1);
      }
    }
  }

  /** Sorts [lo, hi) best first (quicksort, insertion sort below 17 entries). */
  private void sort(int lo, int hi) {
    while (hi - lo > 16) {
      int p = partition(lo, hi);
      if (p - lo < hi - p) {
        sort(lo, p);
        lo = p + 1;
      } else {
        sort(p + 1, hi);
        hi = p;
      }
    }
    insertionSort(lo, hi);
  }

  /** Sorts the kept entries best first into the outputs. */
  private int drain(int[] outItems, int itemsOff, float[] outScores, int scoresOff) {
    int m = size;
    if (outItems != null && (itemsOff < 0 || (long) itemsOff + m > outItems.length)) {
      throw new IllegalArgumentException("outItems too small: expected >= " + ((long) itemsOff + m) + ", got "
          + outItems.length);
    }
    if (outScores != null && (scoresOff < 0 || (long) scoresOff + m > outScores.length)) {
      throw new IllegalArgumentException("outScores too small: expected >= " + ((long) scoresOff + m) + ", got "
          + outScores.length);
    }
    sort(0, m);
    if (outItems != null) {
      System.arraycopy(bufItems, 0, outItems, itemsOff, m);
    }
    if (outScores != null) {
      System.arraycopy(bufScores, 0, outScores, scoresOff, m);
    }
    size = 0;
    kept = 0;
    return m;
  }
}
