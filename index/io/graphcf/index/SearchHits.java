package io.graphcf.index;

/** Item ordinals and their scores, best first (the result of one top-k search). */
public final class SearchHits {
  private final int[] items;
  private final float[] scores;

  public SearchHits(int[] items, float[] scores) {
    if (items.length != scores.length) {
      throw new IllegalArgumentException("items/scores length mismatch: " + items.length + " vs " + scores.length);
    }
    this.items = items;
    this.scores = scores;
  }

  static SearchHits drain(TopK top) {
    int n = top.size();
    int[] it = new int[n];
    float[] sc = new float[n];
    top.drainBestFirst(it, sc);
    return new SearchHits(it, sc);
  }

  public int size() {
    return items.length;
  }

  public int item(int i) {
    return items[i];
  }

  public float score(int i) {
    return scores[i];
  }

  /** The items best first (shared, not copied). */
  public int[] items() {
    return items;
  }

  /** The scores best first (shared, not copied). */
  public float[] scores() {
    return scores;
  }
}
