package io.graphcf.graph;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.Arrays;

/**
 * The k-core of the bipartite user–item graph: the largest subgraph in which every user and every
 * item has at least {@code k} distinct neighbours — the usual "10-core" preprocessing of
 * recommendation data (users and items with fewer than 10 interactions removed until none is left;
 * e.g. He et al., "LightGCN", SIGIR 2020, §4.1, following NGCF). Computed by peeling (Batagelj &
 * Zaversnik, "An O(m) Algorithm for Cores Decomposition of Networks", 2003) in O(nnz + users +
 * items): every vertex below {@code k} is queued once, and removing it lowers its neighbours'
 * degrees.
 */
public final class KCoreFilter {
  private KCoreFilter() {}

  /** Which users and items survive, and the size of the core. */
  public static final class Core {
    public final boolean[] keepUser;
    public final boolean[] keepItem;
    public final int users;
    public final int items;
    public final long edges;

    Core(boolean[] keepUser, boolean[] keepItem, int users, int items, long edges) {
      this.keepUser = keepUser;
      this.keepItem = keepItem;
      this.users = users;
      this.items = items;
      this.edges = edges;
    }
  }

  /** The k-core of a deduplicated bipartite graph given in both directions. */
  public static Core core(CsrMatrix userItems, CsrMatrix itemUsers, int k) {
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0, got " + k);
    }
    int nu = userItems.rows();
    int ni = userItems.cols();
    int[] uPtr = userItems.rowPtr();
    int[] uIdx = userItems.colIdx();
    int[] iPtr = itemUsers.rowPtr();
    int[] iIdx = itemUsers.colIdx();
    // Vertices 0..nu-1 are users, nu..nu+ni-1 items.
    int[] deg = new int[nu + ni];
    boolean[] removed = new boolean[nu + ni];
    int[] queue = new int[nu + ni];
    int tail = 0;
    for (int v = 0; v < nu + ni; v++) {
      deg[v] = v < nu ? uPtr[v + 1] - uPtr[v] : iPtr[v - nu + 1] - iPtr[v - nu];
      if (deg[v] < k) {
        removed[v] = true;
        queue[tail++] = v;
      }
    }
    for (int head = 0; head < tail; head++) {
      int v = queue[head];
      if (v < nu) {
        for (int p = uPtr[v]; p < uPtr[v + 1]; p++) {
          int w = nu + uIdx[p];
          if (!removed[w] && --deg[w] < k) {
            removed[w] = true;
            queue[tail++] = w;
          }
        }
      } else {
        int i = v - nu;
        for (int p = iPtr[i]; p < iPtr[i + 1]; p++) {
          int w = iIdx[p];
          if (!removed[w] && --deg[w] < k) {
            removed[w] = true;
            queue[tail++] = w;
          }
        }
      }
    }
    boolean[] keepUser = new boolean[nu];
    boolean[] keepItem = new boolean[ni];
    int users = 0;
    int items = 0;
    long edges = 0;
    for (int u = 0; u < nu; u++) {
      if (!removed[u]) {
        keepUser[u] = true;
        users++;
        edges += deg[u];
      }
    }
    for (int i = 0; i < ni; i++) {
      if (!removed[nu + i]) {
        keepItem[i] = true;
        items++;
      }
    }
    return new Core(keepUser, keepItem, users, items, edges);
  }

  /** The k-core of {@code (users[p], items[p])} pairs (duplicates count once). */
  public static Core core(int numUsers, int numItems, int[] users, int[] items, int n, int k) {
    CsrMatrix ui = CsrMatrix.fromPairs(numUsers, numItems, users, items, n);
    return core(ui, ui.transpose(), k);
  }

  /**
   * Keeps the k-core of the training graph: training pairs between surviving users and items, test
   * pairs whose user and item both survive (the others are counted in {@code droppedTestPairs}).
   * Survivors keep their relative order and are renumbered densely.
   */
  public static ImportedSplit apply(ImportedSplit s, int k) {
    Core c = core(s.users.size(), s.items.size(), s.trainUsers.elements(), s.trainItems.elements(),
        s.trainUsers.size(), k);
    ImportedSplit out = new ImportedSplit();
    int[] userMap = remap(s.users, c.keepUser, out.users);
    int[] itemMap = remap(s.items, c.keepItem, out.items);
    copyPairs(s.trainUsers, s.trainItems, userMap, itemMap, out.trainUsers, out.trainItems);
    long keptTest = copyPairs(s.testUsers, s.testItems, userMap, itemMap, out.testUsers, out.testItems);
    out.skippedLines = s.skippedLines;
    out.droppedTestPairs = s.droppedTestPairs + (s.testUsers.size() - keptTest);
    return out;
  }

  /** Keeps the records of {@code log} inside the k-core of the whole log (before splitting). */
  public static InteractionLog apply(InteractionLog log, int k) {
    Core c = core(log.users.size(), log.items.size(), log.userOf.elements(), log.itemOf.elements(), log.size(), k);
    InteractionLog out = new InteractionLog(log.hasTimestamps());
    int[] userMap = remap(log.users, c.keepUser, out.users);
    int[] itemMap = remap(log.items, c.keepItem, out.items);
    for (int r = 0; r < log.size(); r++) {
      int u = userMap[log.userOf.getInt(r)];
      int i = itemMap[log.itemOf.getInt(r)];
      if (u >= 0 && i >= 0) {
        out.userOf.add(u);
        out.itemOf.add(i);
        if (log.hasTimestamps()) {
          out.timeOf.add(log.timeOf.getDouble(r));
        }
      }
    }
    out.skippedLines = log.skippedLines;
    out.belowThreshold = log.belowThreshold;
    return out;
  }

  private static int[] remap(IdMapBuilder from, boolean[] keep, IdMapBuilder to) {
    int[] map = new int[keep.length];
    Arrays.fill(map, -1);
    for (int o = 0; o < keep.length; o++) {
      if (keep[o]) {
        map[o] = to.intern(from.ids().get(o));
      }
    }
    return map;
  }

  private static long copyPairs(IntArrayList us, IntArrayList is, int[] userMap, int[] itemMap, IntArrayList outU,
      IntArrayList outI) {
    long kept = 0;
    for (int p = 0; p < us.size(); p++) {
      int u = userMap[us.getInt(p)];
      int i = itemMap[is.getInt(p)];
      if (u >= 0 && i >= 0) {
        outU.add(u);
        outI.add(i);
        kept++;
      }
    }
    return kept;
  }
}
