package io.graphcf.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedCsrTest {
  @TempDir
  Path tmp;

  @Test
  void matchesDenseReferenceOnRandomGraphs() throws Exception {
    for (long seed = 0; seed < 60; seed++) {
      ImportedSplit s = RandomGraphs.split(seed);
      int nu = s.users.size();
      int ni = s.items.size();
      boolean[][] ref = RandomGraphs.dense(nu, ni, s.trainUsers.elements(), s.trainItems.elements(),
          s.trainUsers.size());
      CsrMatrix heap = CsrMatrix.fromPairs(nu, ni, s.trainUsers.elements(), s.trainItems.elements(),
          s.trainUsers.size());
      Path p = tmp.resolve("m" + seed + ".csr");
      MappedCsr.write(p, heap);
      try (MappedCsr m = MappedCsr.open(p)) {
        String ctx = "seed " + seed + ", shape " + nu + " x " + ni;
        assertEquals(nu, m.rows(), ctx);
        assertEquals(ni, m.cols(), ctx);
        long nnz = 0;
        int[] row = new int[ni];
        for (int u = 0; u < nu; u++) {
          int d = m.copyRow(u, row, 0);
          assertEquals(m.degree(u), d, ctx);
          assertEquals(m.rowEnd(u) - m.rowStart(u), d, ctx);
          int k = 0;
          for (int i = 0; i < ni; i++) {
            if (ref[u][i]) {
              assertEquals(i, row[k], ctx + ", row " + u + ", position " + k);
              assertEquals(i, m.col(m.rowStart(u) + k), ctx);
              k++;
            }
            assertEquals(ref[u][i], m.contains(u, i), ctx + " at (" + u + ", " + i + ")");
          }
          assertEquals(k, d, ctx + ", degree of row " + u);
          nnz += d;
        }
        assertEquals(nnz, m.nnz(), ctx);
        assertEquals(heap, m.toHeap(), ctx);
        int[] deg = m.degrees();
        for (int u = 0; u < nu; u++) {
          assertEquals(heap.degree(u), deg[u], ctx);
        }
      }
    }
  }

  @Test
  void emptyMatrixAndEmptyRows() throws Exception {
    Path p = tmp.resolve("e.csr");
    MappedCsr.write(p, CsrMatrix.empty(3, 0));
    try (MappedCsr m = MappedCsr.open(p)) {
      assertEquals(0, m.nnz());
      assertEquals(0, m.degree(2));
      assertEquals(CsrMatrix.empty(3, 0), m.toHeap());
    }
    // 3 users x 4 items: row 0 = {1, 3}, row 1 empty, row 2 = {0}: rowStart = 0, 2, 2, 3.
    Path q = tmp.resolve("h.csr");
    MappedCsr.write(q, CsrMatrix.fromPairs(3, 4, new int[] {0, 2, 0, 0}, new int[] {3, 0, 1, 3}, 4));
    try (MappedCsr m = MappedCsr.open(q)) {
      assertEquals(0, m.rowStart(0));
      assertEquals(2, m.rowStart(1));
      assertEquals(2, m.rowStart(2));
      assertEquals(3, m.rowStart(3));
      assertEquals(1, m.col(0));
      assertEquals(3, m.col(1));
      assertEquals(0, m.col(2));
      assertFalse(m.contains(1, 0));
      assertEquals(1, m.indexOf(0, 3));
      assertEquals(-1, m.indexOf(0, 2));
      assertTrue(m.contains(2, 0));
      assertThrows(IllegalArgumentException.class, () -> m.copyRow(0, new int[1], 0));
    }
  }
}
