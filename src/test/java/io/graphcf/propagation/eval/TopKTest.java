package io.graphcf.propagation.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link TopK} against a full sort of every item (score desc, item asc), with ties and exclusions. */
class TopKTest {
  /** Reference: sort all non-excluded items with finite-or-+inf scores, keep the first k. */
  static int[] reference(float[] row, int off, int n, int k, boolean[] excluded) {
    List<Integer> items = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float s = row[off + i];
      if (!excluded[i] && !Float.isNaN(s) && s != Float.NEGATIVE_INFINITY) {
        items.add(i);
      }
    }
    items.sort((x, y) -> {
      int c = Float.compare(row[off + y], row[off + x]);
      return c != 0 ? c : Integer.compare(x, y);
    });
    int m = Math.min(k, items.size());
    int[] top = new int[m];
    for (int p = 0; p < m; p++) {
      top[p] = items.get(p);
    }
    return top;
  }

  @Test
  void matchesFullSortWithTiesAndExclusions() {
    TopK topK = new TopK(50);
    int[] items = new int[50];
    float[] scores = new float[50];
    for (int seed = 0; seed < 300; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      int n = 1 + r.nextInt(400);
      int k = 1 + r.nextInt(50);
      int off = r.nextInt(5);
      float[] row = new float[off + n + 3];
      int levels = 1 + r.nextInt(20); // few levels force many ties
      for (int i = 0; i < row.length; i++) {
        row[i] = r.nextInt(levels) - levels / 2;
        int special = r.nextInt(50);
        if (special == 0) {
          row[i] = Float.NEGATIVE_INFINITY;
        } else if (special == 1) {
          row[i] = Float.NaN;
        } else if (special == 2) {
          row[i] = Float.POSITIVE_INFINITY;
        }
      }
      boolean[] excluded = new boolean[n];
      int[] sortedExcl = r.ints(r.nextInt(n + 1), 0, n).distinct().sorted().toArray();
      long[] bits = new long[(n + 63) / 64];
      for (int i : sortedExcl) {
        excluded[i] = true;
        bits[i >>> 6] |= 1L << i;
      }
      int[] expected = reference(row, off, n, k, excluded);
      int m = topK.select(row, off, n, k, sortedExcl, 0, sortedExcl.length, items, scores);
      assertArrayEquals(expected, Arrays.copyOf(items, m), "seed=" + seed + " n=" + n + " k=" + k);
      for (int p = 0; p < m; p++) {
        assertEquals(row[off + items[p]], scores[p], "seed=" + seed + " position " + p);
      }
      int m2 = topK.select(row, off, n, k, bits, items, null);
      assertArrayEquals(expected, Arrays.copyOf(items, m2), "bitmask, seed=" + seed);
      boolean[] none = new boolean[n];
      int m3 = topK.select(row, off, n, k, null, items, null);
      assertArrayEquals(reference(row, off, n, k, none), Arrays.copyOf(items, m3), "no exclusions, seed=" + seed);
    }
  }

  /** Feeding a row in ragged chunks gives the same top k as one call. */
  @Test
  void streamedChunksMatchOneCall() {
    TopK one = new TopK(30);
    TopK streamed = new TopK(30);
    int[] a = new int[30];
    int[] b = new int[30];
    for (int seed = 0; seed < 100; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      int n = 1 + r.nextInt(3000);
      float[] row = new float[n];
      for (int i = 0; i < n; i++) {
        row[i] = r.nextInt(50);
      }
      int[] excl = r.ints(r.nextInt(200), 0, n).distinct().sorted().toArray();
      int k = 1 + r.nextInt(30);
      int m1 = one.select(row, 0, n, k, excl, 0, excl.length, a, null);
      streamed.reset(k, excl, 0, excl.length);
      for (int i0 = 0; i0 < n; ) {
        int w = Math.min(n - i0, 1 + r.nextInt(700));
        float[] chunk = new float[w + 3];
        System.arraycopy(row, i0, chunk, 3, w);
        streamed.add(chunk, 3, i0, w);
        i0 += w;
      }
      int m2 = streamed.finish(b, null);
      assertEquals(m1, m2, "seed=" + seed);
      assertArrayEquals(Arrays.copyOf(a, m1), Arrays.copyOf(b, m2), "seed=" + seed);
    }
  }

  @Test
  void handExample() {
    // scores 0.5, 0.9, 0.5, -inf, 0.7, NaN; item 1 excluded -> 4 (0.7), 0 (0.5), 2 (0.5, tie: higher index last)
    float[] row = {0.5f, 0.9f, 0.5f, Float.NEGATIVE_INFINITY, 0.7f, Float.NaN};
    int[] out = new int[4];
    int m = new TopK(4).select(row, 0, 6, 4, new int[] {1}, 0, 1, out, null);
    assertEquals(3, m);
    assertArrayEquals(new int[] {4, 0, 2}, Arrays.copyOf(out, 3));
  }

  @Test
  void rejectsBadK() {
    TopK t = new TopK(3);
    assertThrows(IllegalArgumentException.class, () -> t.select(new float[2], 0, 2, 4, null, null, null));
    assertThrows(IllegalArgumentException.class, () -> t.select(new float[2], 1, 2, 2, null, null, null));
  }
}
