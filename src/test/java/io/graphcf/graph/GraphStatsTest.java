package io.graphcf.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.jgrapht.Graphs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JGraphT view and both statistics implementations against naive references. */
class GraphStatsTest {
  @TempDir
  Path tmp;

  /** Naive components: repeated label propagation over a dense adjacency until stable. */
  static int[] naiveComponents(boolean[][] adj, int nu, int ni) {
    int[] label = new int[nu + ni];
    for (int v = 0; v < label.length; v++) {
      label[v] = v;
    }
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int u = 0; u < nu; u++) {
        for (int i = 0; i < ni; i++) {
          if (adj[u][i]) {
            int m = Math.min(label[u], label[nu + i]);
            if (label[u] != m || label[nu + i] != m) {
              label[u] = m;
              label[nu + i] = m;
              changed = true;
            }
          }
        }
      }
    }
    int[] size = new int[nu + ni];
    for (int l : label) {
      size[l]++;
    }
    int count = 0;
    int largest = 0;
    for (int s : size) {
      count += s > 0 ? 1 : 0;
      largest = Math.max(largest, s);
    }
    return new int[] {count, largest};
  }

  static int nearestRank(int[] values, int p) {
    int[] d = values.clone();
    Arrays.sort(d);
    return d.length == 0 ? 0 : d[Math.max(1, (int) Math.ceil(p / 100.0 * d.length)) - 1];
  }

  @Test
  void bothImplementationsMatchNaiveReferences() throws Exception {
    for (long seed = 0; seed < 15; seed++) {
      ImportedSplit sp = RandomGraphs.split(seed);
      Path dir = tmp.resolve("s" + seed);
      GraphStore.write(sp, dir, null);
      int nu = sp.users.size();
      int ni = sp.items.size();
      boolean[][] adj = RandomGraphs.dense(nu, ni, sp.trainUsers.elements(), sp.trainItems.elements(),
          sp.trainUsers.size());
      int[] comp = naiveComponents(adj, nu, ni);
      int[] ud = new int[nu];
      int[] id = new int[ni];
      long nnz = 0;
      for (int u = 0; u < nu; u++) {
        for (int i = 0; i < ni; i++) {
          if (adj[u][i]) {
            ud[u]++;
            id[i]++;
            nnz++;
          }
        }
      }
      try (GraphStore s = GraphStore.open(dir)) {
        for (GraphStats st : new GraphStats[] {GraphStats.compute(s, 1, 2, 3), GraphStats.computeWithJGraphT(s, 1, 2, 3)}) {
          String ctx = "seed " + seed + ", shape " + nu + " x " + ni;
          assertEquals(nnz, st.train, ctx);
          assertEquals(comp[0], st.components, ctx);
          assertEquals(comp[1], st.largestComponent, ctx);
          assertEquals(nearestRank(ud, 50), st.userDegrees.p50, ctx);
          assertEquals(nearestRank(ud, 99), st.userDegrees.p99, ctx);
          assertEquals(nearestRank(id, 90), st.itemDegrees.p90, ctx);
          assertEquals(Arrays.stream(id).max().orElse(0), st.itemDegrees.max, ctx);
          assertEquals(Arrays.stream(ud).min().orElse(0), st.userDegrees.min, ctx);
          assertEquals((double) nnz / ((double) nu * ni), st.density, 1e-12, ctx);
          for (int k = 1; k <= 3; k++) {
            boolean[][] core = KCoreFilterTest.naive(adj, k);
            int users = 0;
            int items = 0;
            for (boolean b : core[0]) {
              users += b ? 1 : 0;
            }
            for (boolean b : core[1]) {
              items += b ? 1 : 0;
            }
            assertEquals(users, st.kcore.get(k).users, ctx + ", k " + k);
            assertEquals(items, st.kcore.get(k).items, ctx + ", k " + k);
          }
          assertEquals(st.kcore.get(2).edges, GraphStats.compute(s, 2).kcore.get(2).edges, ctx);
        }
      }
    }
  }

  @Test
  void viewIsTheBipartiteGraph() throws Exception {
    Path dir = tmp.resolve("tiny");
    GraphStore.write(GraphStoreTest.tiny(), dir, null);
    try (GraphStore s = GraphStore.open(dir)) {
      BipartiteGraphView g = BipartiteGraphView.of(s);
      // Users a=0, b=1, c=2; items at 3 + i. Train: a-{0,2,3}, b-{1,2}; edges 0..4 in row order.
      assertEquals(7, g.vertexSet().size());
      assertEquals(5, g.edgeSet().size());
      assertEquals(0, (int) g.getEdgeSource(2L));
      assertEquals(3 + 3, (int) g.getEdgeTarget(2L));
      assertEquals(1, (int) g.getEdgeSource(3L));
      assertEquals(Long.valueOf(4), g.getEdge(3 + 2, 1));
      assertEquals(Long.valueOf(4), g.getEdge(1, 3 + 2));
      assertNull(g.getEdge(0, 1)); // user-user: never an edge
      assertNull(g.getEdge(0, 3 + 1));
      assertEquals(Set.of(1L, 4L), g.edgesOf(3 + 2));
      assertEquals(Set.of(0, 1), new HashSet<>(Graphs.neighborListOf(g, 3 + 2)));
      assertEquals(0, g.degreeOf(2));
      assertEquals(2, g.degreeOf(3 + 2));
      assertTrue(g.containsEdge(0, 3));
      assertThrows(UnsupportedOperationException.class, () -> g.addVertex(99));
      assertThrows(UnsupportedOperationException.class, () -> g.addEdge(0, 4));
      assertThrows(UnsupportedOperationException.class, () -> g.removeEdge(0L));
      assertThrows(UnsupportedOperationException.class, () -> g.removeVertex(0));
      assertThrows(IllegalArgumentException.class, () -> g.getEdgeSource(5L));
      // Every edge's ends agree with the CSR and with edgesOf of both ends.
      for (long e = 0; e < 5; e++) {
        int u = g.getEdgeSource(e);
        int v = g.getEdgeTarget(e);
        assertTrue(s.trainUserItems().contains(u, v - 3));
        assertTrue(g.edgesOf(u).contains(e) && g.edgesOf(v).contains(e));
      }
    }
  }
}
