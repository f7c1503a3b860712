package io.graphcf.index;

import java.util.List;
import java.util.Objects;

/**
 * Options of {@link Recommender#recommend(String, int, RecommendOptions)}; immutable, each setter
 * returns a copy, so one instance may be shared by many threads. Defaults: seen (training) items
 * excluded, no extra exclusions, approximate search when the model directory has an index, beam
 * width {@code max(k, 100)}.
 */
public final class RecommendOptions {
  private static final RecommendOptions DEFAULTS = new RecommendOptions(true, List.of(), null, false, 0);

  private final boolean excludeSeen;
  private final List<String> excludeItems;
  private final ItemFilter filter;
  private final boolean exact;
  private final int ef;

  private RecommendOptions(boolean excludeSeen, List<String> excludeItems, ItemFilter filter, boolean exact, int ef) {
    this.excludeSeen = excludeSeen;
    this.excludeItems = excludeItems;
    this.filter = filter;
    this.exact = exact;
    this.ef = ef;
  }

  public static RecommendOptions defaults() {
    return DEFAULTS;
  }

  /** Whether the user's training items are excluded (default true). */
  public RecommendOptions excludeSeen(boolean on) {
    return new RecommendOptions(on, excludeItems, filter, exact, ef);
  }

  /** Further items never to return, by external id (unknown ids are an error). */
  public RecommendOptions exclude(List<String> itemIds) {
    return new RecommendOptions(excludeSeen, List.copyOf(Objects.requireNonNull(itemIds)), filter, exact, ef);
  }

  /** A caller predicate over item ordinals; items it rejects are never returned. */
  public RecommendOptions filter(ItemFilter filter) {
    return new RecommendOptions(excludeSeen, excludeItems, filter, exact, ef);
  }

  /** Exact search (a full scan) instead of the index. */
  public RecommendOptions exact(boolean on) {
    return new RecommendOptions(excludeSeen, excludeItems, filter, on, ef);
  }

  /** HNSW beam width (0 = max(k, the index's tuned beam {@link HnswIndex#searchBeam()})). */
  public RecommendOptions ef(int ef) {
    if (ef < 0) {
      throw new IllegalArgumentException("ef must be >= 0, got " + ef);
    }
    return new RecommendOptions(excludeSeen, excludeItems, filter, exact, ef);
  }

  public boolean excludeSeen() {
    return excludeSeen;
  }

  public List<String> excludeItems() {
    return excludeItems;
  }

  public ItemFilter filter() {
    return filter;
  }

  public boolean exact() {
    return exact;
  }

  public int ef() {
    return ef;
  }
}
