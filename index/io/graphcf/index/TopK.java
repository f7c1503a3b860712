package io.graphcf.index;

import java.util.Arrays;

/**
 * A bounded min-heap of (item, score) on primitive arrays: keeps the {@code k} highest scores seen.
 * Ties are broken towards the smaller item ordinal so that results are deterministic. Reusable:
 * {@link #reset(int)} keeps the arrays. Not thread-safe.
 */
public final class TopK {
  private int[] items;
  private float[] scores;
  private int k;
  private int size;

  public TopK(int capacity) {
    items = new int[Math.max(1, capacity)];
    scores = new float[Math.max(1, capacity)];
  }

  /** Empties the heap and sets its bound to {@code k} (grows the arrays if needed). */
  public TopK reset(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    if (k > items.length) {
      items = new int[k];
      scores = new float[k];
    }
    this.k = k;
    this.size = 0;
    return this;
  }

  public int size() {
    return size;
  }

  public int k() {
    return k;
  }

  public boolean isFull() {
    return size == k;
  }

  /** The smallest kept score (the bar a new item must beat once full); -inf while not full. */
  public float minScore() {
    return size < k ? Float.NEGATIVE_INFINITY : scores[0];
  }

  /** (score, item) orders "a worse than b": lower score, or equal score and larger ordinal. */
  private static boolean worse(float sa, int ia, float sb, int ib) {
    return sa < sb || (sa == sb && ia > ib);
  }

  /** Offers one item; returns whether it was kept. */
  public boolean offer(int item, float score) {
    if (size < k) {
      int i = size++;
      while (i > 0) {
        int p = (i - 1) >>> 1;
        if (!worse(score, item, scores[p], items[p])) {
          break;
        }
        items[i] = items[p];
        scores[i] = scores[p];
        i = p;
      }
      items[i] = item;
      scores[i] = score;
      return true;
    }
    if (!worse(scores[0], items[0], score, item)) {
      return false;
    }
    siftDown(item, score, size);
    return true;
  }

  private void siftDown(int item, float score, int n) {
    int i = 0;
    while (true) {
      int l = 2 * i + 1;
      if (l >= n) {
        break;
      }
      int c = l;
      if (l + 1 < n && worse(scores[l + 1], items[l + 1], scores[l], items[l])) {
        c = l + 1;
      }
      if (!worse(scores[c], items[c], score, item)) {
        break;
      }
      items[i] = items[c];
      scores[i] = scores[c];
      i = c;
    }
    items[i] = item;
    scores[i] = score;
  }

  /**
   * Offers every kept item to {@code other} (this heap is unchanged): the best {@code other.k()} in
   * O(size) mostly-rejected offers, where draining best first would pay a full sift per item.
   */
  public void offerAllTo(TopK other) {
    for (int i = 0; i < size; i++) {
      other.offer(items[i], scores[i]);
    }
  }

  /** Copies the kept items, in heap (not score) order, into {@code dst}; returns the count. */
  public int copyItems(int[] dst) {
    System.arraycopy(items, 0, dst, 0, size);
    return size;
  }

  /**
   * Empties the heap into {@code outItems/outScores[0..size)} best first and returns the count.
   */
  public int drainBestFirst(int[] outItems, float[] outScores) {
    int n = size;
    for (int end = n - 1; end >= 0; end--) {
      int topItem = items[0];
      float topScore = scores[0];
      int lastItem = items[end];
      float lastScore = scores[end];
      size = end;
      if (end > 0) {
        siftDown(lastItem, lastScore, end);
      }
      outItems[end] = topItem;
      outScores[end] = topScore;
    }
    size = 0;
    return n;
  }

  /** The kept items best first (allocates; for tests and tools). */
  public int[] toSortedItems() {
    int[] it = new int[size];
    float[] sc = new float[size];
    int[] keepI = Arrays.copyOf(items, size);
    float[] keepS = Arrays.copyOf(scores, size);
    int n = size;
    drainBestFirst(it, sc);
    System.arraycopy(keepI, 0, items, 0, n);
    System.arraycopy(keepS, 0, scores, 0, n);
    size = n;
    return it;
  }
}
