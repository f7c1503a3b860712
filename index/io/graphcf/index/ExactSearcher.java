package io.graphcf.index;

import io.graphcf.propagation.DenseKernels;
import io.graphcf.propagation.Workers;

/**
 * Exact top-k maximum-inner-product search by a blocked scan of a row-major item matrix
 * ({@code items[i * dim + k]}). Scores are computed a block of items at a time into a reused
 * buffer, then pushed through a bounded min-heap ({@link TopK}); a batch of queries is scored four
 * at a time so that each item row is read once per four queries. It is the recall reference for
 * {@link HnswIndex} and the searcher of choice for small catalogues. Scores come from
 * {@link DenseKernels#multTransB} (packed, vectorised panels for query batches; register-blocked
 * for one query). Thread-safe: all state is immutable, scratch is per thread.
 */
public final class ExactSearcher {
  /** Items scored per block: 1024 scores (4 KiB) stay in L1 while the heap consumes them. */
  static final int BLOCK = 1024;
  /** Queries scored together in a batch: 32 × 1024 scores (128 KiB) per block. */
  static final int QUERY_BLOCK = 32;

  private final float[] items;
  private final int numItems;
  private final int dim;
  private final ThreadLocal<float[]> scratch = ThreadLocal.withInitial(() -> new float[QUERY_BLOCK * BLOCK]);

  public ExactSearcher(float[] items, int numItems, int dim) {
    if (numItems < 0 || dim < 1) {
      throw new IllegalArgumentException("bad shape: numItems=" + numItems + ", dim=" + dim);
    }
    if (items.length < (long) numItems * dim) {
      throw new IllegalArgumentException("items length " + items.length + " < numItems * dim = "
          + (long) numItems * dim);
    }
    this.items = items;
    this.numItems = numItems;
    this.dim = dim;
  }

  public int numItems() {
    return numItems;
  }

  public int dim() {
    return dim;
  }

  /** The top {@code k} items for {@code query} (no exclusions). */
  public SearchHits search(float[] query, int k) {
    return search(query, k, null, null);
  }

  /**
   * The top {@code k} items for {@code query}, never returning an item listed in {@code excluded}
   * (sorted ascending, may be null) or rejected by {@code filter} (may be null).
   */
  public SearchHits search(float[] query, int k, int[] excluded, ItemFilter filter) {
    checkQuery(query, 0);
    TopK top = new TopK(Math.min(k, Math.max(1, numItems)));
    search(query, 0, k, excluded, excluded == null ? 0 : excluded.length, filter, top);
    return SearchHits.drain(top);
  }

  /**
   * Fills {@code out} (reset to {@code k}) with the top items for the query at {@code query[qOff..]}.
   * {@code excluded[0..nExcluded)} must be sorted ascending.
   */
  public void search(float[] query, int qOff, int k, int[] excluded, int nExcluded, ItemFilter filter, TopK out) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    out.reset(k);
    float[] block = scratch.get();
    int ex = 0;
    for (int row0 = 0; row0 < numItems; row0 += BLOCK) {
      int n = Math.min(BLOCK, numItems - row0);
      // s_i = q · x_i for the block
      if (qOff % dim == 0) {
        DenseKernels.multTransB(query, qOff / dim, 1, items, row0, n, dim, block);
      } else {
        VectorOps.dotRows(query, qOff, items, row0, n, dim, block);
      }
      for (int j = 0; j < n; j++) {
        int item = row0 + j;
        float s = block[j];
        if (s < out.minScore()) {
          continue;
        }
        while (ex < nExcluded && excluded[ex] < item) {
          ex++;
        }
        if (ex < nExcluded && excluded[ex] == item) {
          continue;
        }
        if (filter != null && !filter.accept(item)) {
          continue;
        }
        out.offer(item, s);
      }
    }
  }

  /**
   * Fills {@code out} (reset to {@code k}) with the top entries of a precomputed score row
   * {@code scores[0..n)}, skipping {@code excluded[0..nExcluded)} (sorted) and items the filter
   * rejects. Used for models that score every item directly (graph filters).
   */
  public static void selectTopK(float[] scores, int n, int k, int[] excluded, int nExcluded, ItemFilter filter,
      TopK out) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    out.reset(k);
    int ex = 0;
    for (int item = 0; item < n; item++) {
      float s = scores[item];
      if (s < out.minScore()) {
        continue;
      }
      while (ex < nExcluded && excluded[ex] < item) {
        ex++;
      }
      if (ex < nExcluded && excluded[ex] == item) {
        continue;
      }
      if (filter != null && !filter.accept(item)) {
        continue;
      }
      out.offer(item, s);
    }
  }

  /**
   * Exact top-{@code k} of {@code nQueries} row-major queries, no exclusions: item ordinals go to
   * {@code outItems[q * k + r]} best first (-1 pads when {@code k > numItems}), scores likewise.
   * Queries are split into disjoint ranges over the workers, {@link #QUERY_BLOCK} at a time.
   */
  public void searchBatch(float[] queries, int nQueries, int k, int[] outItems, float[] outScores, Workers workers) {
    if (queries.length < (long) nQueries * dim || outItems.length < (long) nQueries * k
        || outScores.length < (long) nQueries * k) {
      throw new IllegalArgumentException("batch arrays too short for " + nQueries + " queries, dim=" + dim
          + ", k=" + k);
    }
    int tasks = Math.max(1, Math.min(nQueries / QUERY_BLOCK, workers.threads() * 8));
    workers.run(tasks, t -> {
      int q0 = (int) ((long) nQueries * t / tasks);
      int q1 = (int) ((long) nQueries * (t + 1) / tasks);
      batchRange(queries, q0, q1, k, outItems, outScores);
    });
  }

  private void batchRange(float[] queries, int q0, int q1, int k, int[] outItems, float[] outScores) {
    float[] block = scratch.get();
    TopK[] tops = new TopK[QUERY_BLOCK];
    for (int r = 0; r < QUERY_BLOCK; r++) {
      tops[r] = new TopK(k);
    }
    int[] it = new int[k];
    float[] sc = new float[k];
    for (int q = q0; q < q1; q += QUERY_BLOCK) {
      int nq = Math.min(QUERY_BLOCK, q1 - q);
      for (int r = 0; r < nq; r++) {
        tops[r].reset(k);
      }
      for (int row0 = 0; row0 < numItems; row0 += BLOCK) {
        int n = Math.min(BLOCK, numItems - row0);
        // S = Q_block · X_blockᵀ
        DenseKernels.multTransB(queries, q, nq, items, row0, n, dim, block);
        for (int r = 0; r < nq; r++) {
          offerBlock(tops[r], block, r * n, row0, n);
        }
      }
      for (int r = 0; r < nq; r++) {
        int m = tops[r].drainBestFirst(it, sc);
        int base = (q + r) * k;
        for (int i = 0; i < k; i++) {
          outItems[base + i] = i < m ? it[i] : -1;
          outScores[base + i] = i < m ? sc[i] : Float.NEGATIVE_INFINITY;
        }
      }
    }
  }

  private static void offerBlock(TopK top, float[] block, int off, int row0, int n) {
    for (int j = 0; j < n; j++) {
      float s = block[off + j];
      if (s >= top.minScore()) {
        top.offer(row0 + j, s);
      }
    }
  }

  private void checkQuery(float[] query, int off) {
    if (query.length - off < dim) {
      throw new IllegalArgumentException("dim mismatch: index=" + dim + ", query=" + (query.length - off));
    }
  }
}
