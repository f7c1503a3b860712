package io.graphcf.index;

import io.graphcf.propagation.Workers;
import java.util.Arrays;

/**
 * Inserts nodes into a {@link HeapHnswGraph} (Malkov &amp; Yashunin 2018, Alg. 1 with the neighbour
 * heuristic of Alg. 4), in parallel and reproducibly. Nodes are inserted in ordinal order in
 * batches of a schedule that depends only on the graph size (1 while the graph is tiny, growing to
 * {@link #MAX_BATCH}). Within a batch:
 * <ol>
 *   <li>every node searches the graph as it was before the batch (read-only) and, in addition,
 *       scores the other nodes of its batch exactly; it selects its own diverse neighbours and writes
 *       its own lists (unreachable to the others until step 2);
 *   <li>the reverse links are sorted by (target, creation order) and applied per target node, each
 *       target by exactly one task, pruning an overflowing list by removing its worst non-diverse
 *       neighbour (as Lucene's {@code HnswGraphBuilder}).
 * </ol>
 * No step depends on which thread runs which node, so the same seed gives the identical graph for
 * any thread count. Node levels are {@code floor(-ln(u) / ln(m))} with {@code u} a hash of (seed,
 * node).
 */
final class HnswBuilder {
  static final int MAX_BATCH = 256;

  private final HnswIndex index;
  private final HeapHnswGraph g;
  private final int efConstruction;
  private final Task[] tasks;

  HnswBuilder(HnswIndex index, HeapHnswGraph g, int efConstruction, int threads) {
    this.index = index;
    this.g = g;
    this.efConstruction = efConstruction;
    this.tasks = new Task[threads];
    for (int t = 0; t < threads; t++) {
      tasks[t] = new Task();
    }
  }

  /** Level of a node: floor(-ln(u) * mL), mL = 1 / ln(m), u ∈ (0, 1] from a hash of (seed, node). */
  static int level(long seed, int node, int m) {
    long z = seed + 0x9E3779B97F4A7C15L * (node + 1L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    double u = ((z >>> 11) + 1) * 0x1.0p-53;
    int l = (int) Math.floor(-Math.log(u) / Math.log(Math.max(2, m)));
    return Math.min(l, 30);
  }

  /** Inserts the nodes {@code [from, to)} (vectors already in the index, nodes not yet in the graph). */
  void insert(int from, int to, Workers workers) {
    int next = from;
    while (next < to) {
      int batch = Math.min(to - next, Math.max(1, Math.min(MAX_BATCH, g.size >> 4)));
      insertBatch(next, next + batch, workers);
      next += batch;
    }
  }

  private void insertBatch(int from, int to, Workers workers) {
    int n = to - from;
    for (int v = from; v < to; v++) {
      int node = g.addNode(level(index.seed, v, g.m));
      assert node == v;
    }
    int nt = Math.min(tasks.length, n);
    // step 1: forward links from the graph as it was before the batch, plus the batch itself
    workers.run(nt, t -> {
      Task task = tasks[t];
      int lo = from + (int) ((long) n * t / nt);
      int hi = from + (int) ((long) n * (t + 1) / nt);
      for (int v = lo; v < hi; v++) {
        task.linkForward(v, from, to);
      }
    });
    // step 2: reverse links grouped by target, applied in creation order
    int edges = 0;
    for (int v = from; v < to; v++) {
      for (int l = 0; l <= g.levels[v]; l++) {
        edges += g.array(l)[g.slot(l, v)];
      }
    }
    long[] keys = new long[edges];
    int[] src = new int[edges];
    int[] lvl = new int[edges];
    int e = 0;
    for (int v = from; v < to; v++) {
      for (int l = 0; l <= g.levels[v]; l++) {
        int[] a = g.array(l);
        int s = g.slot(l, v);
        for (int i = 1; i <= a[s]; i++) {
          keys[e] = ((long) a[s + i] << 32) | e;
          src[e] = v;
          lvl[e] = l;
          e++;
        }
      }
    }
    Arrays.sort(keys);
    int rt = Math.max(1, Math.min(tasks.length, edges / 64));
    int[] bounds = new int[rt + 1];
    bounds[rt] = edges;
    for (int t = 1; t < rt; t++) {
      int b = Math.max(bounds[t - 1], (int) ((long) edges * t / rt));
      while (b > 0 && b < edges && (keys[b] >>> 32) == (keys[b - 1] >>> 32)) {
        b++;
      }
      bounds[t] = b;
    }
    workers.run(rt, t -> {
      Task task = tasks[t];
      for (int i = bounds[t]; i < bounds[t + 1]; i++) {
        int target = (int) (keys[i] >>> 32);
        int idx = (int) keys[i];
        task.addReverse(target, lvl[idx], src[idx]);
      }
    });
    for (int v = from; v < to; v++) {
      if (g.levels[v] > g.maxLevel) {
        g.maxLevel = g.levels[v];
        g.entry = v;
      }
    }
  }

  /** Per-task scratch. */
  private final class Task {
    final HnswSearcher searcher = new HnswSearcher(index);
    int[] candNode = new int[64];
    float[] candScore = new float[64];
    float[] mateScore = new float[MAX_BATCH];
    int[] selected = new int[2 * g.m + 1];
    float[] selectedScore = new float[2 * g.m + 1];
    int[] pruneNode = new int[2 * g.m + 2];
    float[] pruneScore = new float[2 * g.m + 2];

    float sim(int a, int b) {
      float s = VectorOps.dot(index.buildVectors, a * index.dim, index.buildVectors, b * index.dim, index.dim);
      return index.aug == null ? s : s + index.aug[a] * index.aug[b];
    }

    void linkForward(int v, int batchFrom, int batchTo) {
      int top = g.levels[v];
      for (int u = batchFrom; u < batchTo; u++) {
        mateScore[u - batchFrom] = u == v ? Float.NaN : sim(v, u);
      }
      int ep = g.entry;
      int[] entries = searcher.entries(1);
      int nEntries = 0;
      float qAug = index.aug == null ? 0f : index.aug[v];
      if (ep >= 0) {
        searcher.prepare(g.size);
        for (int l = g.maxLevel; l > top; l--) {
          ep = searcher.greedy(g, index.buildVectors, index.aug, index.dim, index.buildVectors, v * index.dim, qAug, ep, l);
        }
        entries[0] = ep;
        nEntries = 1;
      }
      for (int l = top; l >= 0; l--) {
        int nc = 0;
        if (nEntries > 0 && l <= g.maxLevel) {
          searcher.prepare(g.size);
          TopK res = searcher.results();
          searcher.searchLevel(g, index.buildVectors, index.aug, index.dim, index.buildVectors, v * index.dim, qAug,
              entries, nEntries, efConstruction, l, false, null, 0, null, res);
          ensureCand(res.size() + (batchTo - batchFrom));
          nc = res.drainBestFirst(candNode, candScore);
          entries = searcher.entries(nc);
          System.arraycopy(candNode, 0, entries, 0, nc);
          nEntries = nc;
        }
        ensureCand(nc + (batchTo - batchFrom));
        // batch mates compete with the beam: only those that would have entered it are kept
        float bar = nc >= efConstruction ? candScore[nc - 1] : Float.NEGATIVE_INFINITY;
        for (int u = batchFrom; u < batchTo; u++) {
          if (u != v && g.levels[u] >= l && mateScore[u - batchFrom] > bar) {
            candNode[nc] = u;
            candScore[nc] = mateScore[u - batchFrom];
            nc++;
          }
        }
        sortByKeys(nc);
        nc = Math.min(nc, Math.max(efConstruction, g.maxConn(l)));
        int ns = selectDiverse(v, nc, g.maxConn(l));
        int[] a = g.array(l);
        float[] sc = g.scores(l);
        int s = g.slot(l, v);
        a[s] = ns;
        System.arraycopy(selected, 0, a, s + 1, ns);
        System.arraycopy(selectedScore, 0, sc, s + 1, ns);
      }
    }

    /** Alg. 4: keep a candidate only if it is closer to v than to every neighbour already kept. */
    int selectDiverse(int v, int nc, int maxConn) {
      int ns = 0;
      for (int i = 0; i < nc && ns < maxConn; i++) {
        int c = candNode[i];
        float sv = candScore[i];
        boolean diverse = true;
        for (int j = 0; j < ns; j++) {
          if (sim(c, selected[j]) >= sv) {
            diverse = false;
            break;
          }
        }
        if (diverse) {
          selectedScore[ns] = sv;
          selected[ns++] = c;
        }
      }
      return ns;
    }

    /**
     * Adds source to target's list (kept sorted by similarity to target, best first); when the list
     * is full, drops its worst non-diverse member — the lowest-ranked c_i with a better-ranked c_j
     * such that sim(c_i, c_j) ≥ sim(c_i, target) — or else the lowest-ranked one.
     */
    void addReverse(int target, int level, int source) {
      int[] a = g.array(level);
      float[] sc = g.scores(level);
      int s = g.slot(level, target);
      int n = a[s];
      for (int i = 1; i <= n; i++) {
        if (a[s + i] == source) {
          return;
        }
      }
      float score = sim(target, source);
      for (int i = 0; i < n; i++) {
        pruneNode[i] = a[s + 1 + i];
        pruneScore[i] = sc[s + 1 + i];
      }
      // insert (source, score) at its rank; ties after existing entries
      int pos = n;
      while (pos > 0 && pruneScore[pos - 1] < score) {
        pruneNode[pos] = pruneNode[pos - 1];
        pruneScore[pos] = pruneScore[pos - 1];
        pos--;
      }
      pruneNode[pos] = source;
      pruneScore[pos] = score;
      int total = n + 1;
      int drop = -1;
      if (total > g.maxConn(level)) {
        drop = n;
        outer:
        for (int i = n; i > 0; i--) {
          for (int j = 0; j < i; j++) {
            if (sim(pruneNode[i], pruneNode[j]) >= pruneScore[i]) {
              drop = i;
              break outer;
            }
          }
        }
      }
      int w = s + 1;
      for (int i = 0; i < total; i++) {
        if (i != drop) {
          a[w] = pruneNode[i];
          sc[w] = pruneScore[i];
          w++;
        }
      }
      a[s] = w - s - 1;
    }

    void ensureCand(int n) {
      if (candNode.length < n) {
        candNode = Arrays.copyOf(candNode, Math.max(n, 2 * candNode.length));
        candScore = Arrays.copyOf(candScore, candNode.length);
        keys = new long[candNode.length];
      }
    }

    long[] keys = new long[64];

    /** Sorts the candidates by score descending, ties by ordinal, through one primitive long sort. */
    void sortByKeys(int nc) {
      for (int i = 0; i < nc; i++) {
        int bits = Float.floatToIntBits(candScore[i]);
        int sortable = bits ^ ((bits >> 31) & 0x7fffffff);
        keys[i] = ((long) ~sortable << 32) | (candNode[i] & 0xffffffffL);
      }
      Arrays.sort(keys, 0, nc);
      for (int i = 0; i < nc; i++) {
        candNode[i] = (int) keys[i];
        int sortable = ~(int) (keys[i] >>> 32);
        candScore[i] = Float.intBitsToFloat(sortable ^ ((sortable >> 31) & 0x7fffffff));
      }
    }
  }
}
