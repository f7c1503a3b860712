package io.graphcf.graph;

import java.util.SplittableRandom;

/** Seeded random bipartite graphs for property tests: some empty rows and columns, duplicates. */
final class RandomGraphs {
  private RandomGraphs() {}

  /** A split whose train has duplicate pairs and isolated users/items, plus a test part. */
  static ImportedSplit split(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int nu = 1 + r.nextInt(40);
    int ni = 1 + r.nextInt(50);
    ImportedSplit s = new ImportedSplit();
    for (int u = 0; u < nu; u++) {
      s.users.intern("u" + seed + "-" + u);
    }
    for (int i = 0; i < ni; i++) {
      s.items.intern("i" + i);
    }
    int n = r.nextInt(nu * ni + 1);
    int skipUser = r.nextInt(nu); // leave one user without train edges
    for (int k = 0; k < n; k++) {
      int u = r.nextInt(nu);
      if (u == skipUser && nu > 1) {
        continue;
      }
      int i = r.nextInt(ni);
      s.trainUsers.add(u);
      s.trainItems.add(i);
    }
    int t = r.nextInt(nu * 2 + 1);
    for (int k = 0; k < t; k++) {
      s.testUsers.add(r.nextInt(nu));
      s.testItems.add(r.nextInt(ni));
    }
    return s;
  }

  /** Dense boolean adjacency of the train part (the naive reference). */
  static boolean[][] dense(int rows, int cols, int[] us, int[] is, int n) {
    boolean[][] a = new boolean[rows][cols];
    for (int k = 0; k < n; k++) {
      a[us[k]][is[k]] = true;
    }
    return a;
  }
}
