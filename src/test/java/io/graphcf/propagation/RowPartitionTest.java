package io.graphcf.propagation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Row ranges cover every row once, in order, and no range exceeds its share by more than one row. */
class RowPartitionTest {

  private static int[] randomRowPtr(SplittableRandom rnd, int rows) {
    int[] ptr = new int[rows + 1];
    for (int r = 0; r < rows; r++) {
      int d = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(rnd.nextBoolean() ? 5 : 300); // empty and heavy rows
      ptr[r + 1] = ptr[r] + d;
    }
    return ptr;
  }

  @Test
  void rangesCoverAllRowsAndAreBalanced() {
    for (long seed = 1; seed <= 200; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      int rows = rnd.nextInt(400);
      int parts = 1 + rnd.nextInt(70);
      int[] ptr = randomRowPtr(rnd, rows);
      int[] b = RowPartition.byNnz(ptr, parts);
      String shape = "seed " + seed + ", rows " + rows + ", parts " + parts;
      assertEquals(parts + 1, b.length, shape);
      assertEquals(0, b[0], shape);
      assertEquals(rows, b[parts], shape);
      long total = (long) ptr[rows] + rows;
      int maxRow = 0;
      for (int r = 0; r < rows; r++) {
        maxRow = Math.max(maxRow, ptr[r + 1] - ptr[r] + 1);
      }
      for (int k = 0; k < parts; k++) {
        assertTrue(b[k] <= b[k + 1], shape + ": bounds decrease at range " + k);
        long work = (long) ptr[b[k + 1]] - ptr[b[k]] + b[k + 1] - b[k];
        assertTrue(work <= total / parts + 2L * maxRow, shape + ": range " + k + " has work " + work + " of " + total);
      }
    }
  }

  @Test
  void listRangesCoverTheListAndAreBalanced() {
    for (long seed = 1; seed <= 200; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      int rows = 1 + rnd.nextInt(400);
      int[] ptr = randomRowPtr(rnd, rows);
      int n = rnd.nextInt(rows + 1);
      int[] list = new int[n + 2];
      for (int j = 0; j < n; j++) {
        list[j] = rnd.nextInt(rows);
      }
      int parts = 1 + rnd.nextInt(9);
      int[] b = RowPartition.byNnz(ptr, list, n, parts);
      String shape = "seed " + seed + ", rows " + rows + ", n " + n + ", parts " + parts;
      assertEquals(0, b[0], shape);
      assertEquals(n, b[parts], shape);
      long total = 0;
      int maxRow = 0;
      for (int j = 0; j < n; j++) {
        int d = ptr[list[j] + 1] - ptr[list[j]] + 1;
        total += d;
        maxRow = Math.max(maxRow, d);
      }
      for (int k = 0; k < parts; k++) {
        assertTrue(b[k] <= b[k + 1], shape + ": bounds decrease at range " + k);
        long work = 0;
        for (int j = b[k]; j < b[k + 1]; j++) {
          work += ptr[list[j] + 1] - ptr[list[j]] + 1;
        }
        assertTrue(work <= total / parts + 2L * maxRow, shape + ": range " + k + " has work " + work + " of " + total);
      }
    }
  }

  @Test
  void rejectsNonPositiveParts() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RowPartition.byNnz(new int[] {0, 1}, 0));
    assertEquals("parts must be >= 1, got 0", e.getMessage());
  }
}
