package io.graphcf.index;

import java.util.Arrays;

/**
 * The per-thread scratch of HNSW search (after JVector's {@code GraphSearcher}): a visited set as a
 * generation-stamped {@code int[]} (no clearing between queries), the candidate max-heap and the
 * result min-heap on primitive arrays, and a neighbour buffer. Create one per thread with
 * {@link HnswIndex#searcher()} and reuse it; it is not thread-safe. A search allocates nothing.
 */
public final class HnswSearcher {
  private final HnswIndex index;
  private int[] visited = new int[0];
  private int generation;
  private int[] candNode = new int[64];
  private float[] candScore = new float[64];
  private int candSize;
  private int[] nbr;
  private float[] nbrScore;
  /** Set during a quantised query: traversal scores come from its codes. */
  private ScalarQuantizer sq;
  private float[] qq = new float[0];
  private float qBase;
  /** The sum of the touching loads in {@link #scoreAll}, kept so the JIT cannot drop them. */
  float sink;
  private final TopK results = new TopK(128);
  final TopK top = new TopK(16);
  private int[] entries = new int[16];
  int lastVisited;

  HnswSearcher(HnswIndex index) {
    this.index = index;
    this.nbr = new int[2 * index.m() + 1];
    this.nbrScore = new float[nbr.length];
  }

  /**
   * The top {@code k} items for {@code query[qOff..qOff+dim)} with beam width {@code ef}, never
   * returning a deleted item, an item in {@code excluded[0..nExcluded)} (sorted ascending) or one the
   * filter rejects; excluded items are still traversed. Fills {@code out}.
   */
  public void search(float[] query, int qOff, int k, int ef, int[] excluded, int nExcluded, ItemFilter filter,
      TopK out) {
    index.search(this, query, qOff, k, ef, excluded, nExcluded, filter, out);
  }

  void prepare(int size) {
    if (visited.length < size) {
      visited = new int[Math.max(size, visited.length + (visited.length >> 1))];
      generation = 0;
    }
    if (++generation == 0) {
      Arrays.fill(visited, 0);
      generation = 1;
    }
    lastVisited = 0;
  }

  private float score(float[] vectors, float[] aug, int dim, float[] q, int qOff, float qAug, int node) {
    if (sq != null) {
      return sq.score(qq, qBase, node);
    }
    float s = VectorOps.dot(q, qOff, vectors, node * dim, dim);
    return aug == null ? s : s + qAug * aug[node];
  }

  /** Greedy walk (beam 1) at {@code level} from {@code start}; returns the best node reached. */
  int greedy(HnswGraph g, float[] vectors, float[] aug, int dim, float[] q, int qOff, float qAug, int start,
      int level) {
    int cur = start;
    float curScore = score(vectors, aug, dim, q, qOff, qAug, cur);
    boolean moved = true;
    while (moved) {
      moved = false;
      int n = g.neighbors(level, cur, nbr);
      for (int i = 0; i < n; i++) {
        int v = nbr[i];
        float s = score(vectors, aug, dim, q, qOff, qAug, v);
        if (s > curScore || (s == curScore && v < cur)) {
          curScore = s;
          cur = v;
          moved = true;
        }
      }
    }
    return cur;
  }

  /**
   * Beam search at one level (Malkov &amp; Yashunin, Alg. 2) from {@code entries[0..nEntries)}. All
   * reached nodes are expanded, but only accepted ones enter {@code out} (bounded by {@code ef});
   * the search stops once {@code out} is full and the best remaining candidate cannot beat its
   * worst, so a selective filter widens the search by itself.
   */
  void searchLevel(HnswGraph g, float[] vectors, float[] aug, int dim, float[] q, int qOff, float qAug,
      int[] entryNodes, int nEntries, int ef, int level, boolean filtered, int[] excluded, int nExcluded,
      ItemFilter filter, TopK out) {
    out.reset(ef);
    candSize = 0;
    for (int e = 0; e < nEntries; e++) {
      int v = entryNodes[e];
      if (visited[v] == generation) {
        continue;
      }
      visited[v] = generation;
      lastVisited++;
      float s = score(vectors, aug, dim, q, qOff, qAug, v);
      pushCandidate(v, s);
      if (!filtered || accepted(g, v, excluded, nExcluded, filter)) {
        out.offer(v, s);
      }
    }
    while (candSize > 0) {
      float bestScore = candScore[0];
      if (out.isFull() && bestScore < out.minScore()) {
        break;
      }
      int c = popCandidate();
      int n = g.neighbors(level, c, nbr);
      int fresh = 0;
      for (int i = 0; i < n; i++) {
        int v = nbr[i];
        if (visited[v] != generation) {
          visited[v] = generation;
          nbr[fresh++] = v;
        }
      }
      lastVisited += fresh;
      scoreAll(vectors, aug, dim, q, qOff, qAug, nbr, fresh, nbrScore);
      for (int i = 0; i < fresh; i++) {
        int v = nbr[i];
        float s = nbrScore[i];
        if (out.isFull() && s < out.minScore()) {
          continue;
        }
        pushCandidate(v, s);
        if (!filtered || accepted(g, v, excluded, nExcluded, filter)) {
          out.offer(v, s);
        }
      }
    }
  }

  /**
   * out[j] = score of ids[j] for j in [0, n). A first pass touches every cache line of the n rows
   * with independent loads and no branch on them, so their memory misses overlap (a large index's
   * rows are rarely cached; scored one by one between heap updates, each miss was waited for in
   * turn); the dot products then read from cache. Same scores as one by one. On the 1M × 64
   * mixture (ef 1500, one thread) this took search from ~257 to ~410 queries/s (scoring in one loop
   * without the touch pass: ~333).
   */
  private void scoreAll(float[] vectors, float[] aug, int dim, float[] q, int qOff, float qAug, int[] ids, int n,
      float[] out) {
    ScalarQuantizer z = sq;
    if (z != null) {
      byte[] codes = z.codes;
      int touch = 0;
      for (int j = 0; j < n; j++) {
        int base = ids[j] * dim;
        for (int k = 0; k < dim; k += 64) {
          touch += codes[base + k];
        }
        touch += codes[base + dim - 1];
      }
      sink = touch;
      for (int j = 0; j < n; j++) {
        out[j] = z.score(qq, qBase, ids[j]);
      }
      return;
    }
    float touch = 0f;
    for (int j = 0; j < n; j++) {
      int base = ids[j] * dim;
      for (int k = 0; k < dim; k += 16) {
        touch += vectors[base + k];
      }
      touch += vectors[base + dim - 1];
    }
    sink = touch;
    if (aug != null && qAug != 0f) {
      for (int j = 0; j < n; j++) {
        int v = ids[j];
        out[j] = VectorOps.dot(q, qOff, vectors, v * dim, dim) + qAug * aug[v];
      }
    } else {
      for (int j = 0; j < n; j++) {
        out[j] = VectorOps.dot(q, qOff, vectors, ids[j] * dim, dim);
      }
    }
  }

  static boolean accepted(HnswGraph g, int v, int[] excluded, int nExcluded, ItemFilter filter) {
    if (g.isDeleted(v)) {
      return false;
    }
    if (nExcluded > 0 && Arrays.binarySearch(excluded, 0, nExcluded, v) >= 0) {
      return false;
    }
    return filter == null || filter.accept(v);
  }

  /** Runs the full layered search for an external query (qAug = 0) into {@code results}. */
  TopK searchQuery(HnswGraph g, float[] vectors, float[] aug, int dim, float[] q, int qOff, int ef,
      int[] excluded, int nExcluded, ItemFilter filter, ScalarQuantizer quantizer) {
    prepare(g.size());
    if (quantizer != null) {
      if (qq.length < dim) {
        qq = new float[dim];
      }
      qBase = quantizer.prepare(q, qOff, qq);
      sq = quantizer;
    }
    try {
      int ep = g.entry();
      for (int l = g.maxLevel(); l > 0; l--) {
        ep = greedy(g, vectors, aug, dim, q, qOff, 0f, ep, l);
      }
      entries[0] = ep;
      searchLevel(g, vectors, aug, dim, q, qOff, 0f, entries, 1, ef, 0, true, excluded, nExcluded, filter, results);
    } finally {
      sq = null;
    }
    if (quantizer != null) {
      rerank(vectors, dim, q, qOff, ef);
    }
    return results;
  }

  /** Replaces the approximate scores of the results by exact inner products (their order may change). */
  private void rerank(float[] vectors, int dim, float[] q, int qOff, int ef) {
    int n = results.size();
    int[] ids = entries(n);
    float[] sc = scoreBuffer(n);
    results.copyItems(ids);
    scoreAll(vectors, null, dim, q, qOff, 0f, ids, n, sc);
    results.reset(Math.max(ef, 1));
    for (int i = 0; i < n; i++) {
      results.offer(ids[i], sc[i]);
    }
  }

  /** Scratch for the builder: the entry list, grown as needed. */
  int[] entries(int n) {
    if (entries.length < n) {
      entries = new int[Math.max(n, 2 * entries.length)];
    }
    return entries;
  }

  TopK results() {
    return results;
  }

  private float[] scoreBuf = new float[16];

  /** Scratch floats, grown as needed. */
  float[] scoreBuffer(int n) {
    if (scoreBuf.length < n) {
      scoreBuf = new float[Math.max(n, 2 * scoreBuf.length)];
    }
    return scoreBuf;
  }

  private void pushCandidate(int node, float score) {
    if (candSize == candNode.length) {
      candNode = Arrays.copyOf(candNode, 2 * candSize);
      candScore = Arrays.copyOf(candScore, 2 * candSize);
    }
    int i = candSize++;
    while (i > 0) {
      int p = (i - 1) >>> 1;
      if (candScore[p] >= score) {
        break;
      }
      candNode[i] = candNode[p];
      candScore[i] = candScore[p];
      i = p;
    }
    candNode[i] = node;
    candScore[i] = score;
  }

  private int popCandidate() {
    int top = candNode[0];
    int n = --candSize;
    if (n > 0) {
      int node = candNode[n];
      float score = candScore[n];
      int i = 0;
      while (true) {
        int l = 2 * i + 1;
        if (l >= n) {
          break;
        }
        int c = (l + 1 < n && candScore[l + 1] > candScore[l]) ? l + 1 : l;
        if (candScore[c] <= score) {
          break;
        }
        candNode[i] = candNode[c];
        candScore[i] = candScore[c];
        i = c;
      }
      candNode[i] = node;
      candScore[i] = score;
    }
    return top;
  }
}
