package io.graphcf.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.graphcf.propagation.Workers;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ExactSearcherTest {

  @Test
  void tinyHandComputed() {
    // items (dim 2): 0=(1,0) 1=(0,2) 2=(1,1) 3=(-1,0); query (1,1): scores 1, 2, 2, -1
    float[] items = {1, 0, 0, 2, 1, 1, -1, 0};
    ExactSearcher e = new ExactSearcher(items, 4, 2);
    SearchHits h = e.search(new float[] {1, 1}, 3);
    // tie 1 vs 2 at score 2 goes to the smaller ordinal
    assertArrayEquals(new int[] {1, 2, 0}, h.items());
    assertArrayEquals(new float[] {2, 2, 1}, h.scores());
    SearchHits ex = e.search(new float[] {1, 1}, 3, new int[] {1}, i -> i != 0);
    assertArrayEquals(new int[] {2, 3}, ex.items());
  }

  @Test
  void matchesBruteForceOverShapesWithExclusions() {
    int[] dims = {1, 3, 7, 33, 129};
    int[] sizes = {0, 1, 5, 1023, 1025, 3000};
    for (int dim : dims) {
      for (int n : sizes) {
        long seed = 31L * dim + n;
        float[] items = IndexTestData.gaussian(n, dim, seed);
        float[] q = IndexTestData.gaussian(1, dim, seed + 1);
        SplittableRandom r = new SplittableRandom(seed);
        int[] excluded = r.ints(Math.min(n, 40), 0, Math.max(1, n)).distinct().sorted().toArray();
        if (n == 0) {
          excluded = new int[0];
        }
        int[] ex = excluded;
        ExactSearcher e = new ExactSearcher(items, n, dim);
        for (int k : new int[] {1, 10, 50}) {
          int[] expect = IndexTestData.bruteForce(items, n, dim, q, 0, k,
              i -> Arrays.binarySearch(ex, i) < 0 && i % 3 != 1);
          int[] got = e.search(q, k, excluded, i -> i % 3 != 1).items();
          assertEquals(IndexTestData.overlap(got, expect), 1.0, 1e-12,
              "seed=" + seed + " dim=" + dim + " n=" + n + " k=" + k);
          assertEquals(expect.length, got.length, "dim=" + dim + " n=" + n + " k=" + k);
        }
      }
    }
  }

  @Test
  void batchEqualsSingleQueries() {
    int n = 2500;
    int dim = 33;
    int nq = 11; // not a multiple of 4: exercises the tail
    float[] items = IndexTestData.gaussian(n, dim, 5);
    float[] qs = IndexTestData.gaussian(nq, dim, 6);
    ExactSearcher e = new ExactSearcher(items, n, dim);
    int k = 7;
    int[] outI = new int[nq * k];
    float[] outS = new float[nq * k];
    try (Workers w = Workers.create(2)) {
      e.searchBatch(qs, nq, k, outI, outS, w);
    }
    for (int q = 0; q < nq; q++) {
      SearchHits h = e.search(Arrays.copyOfRange(qs, q * dim, q * dim + dim), k);
      assertArrayEquals(h.items(), Arrays.copyOfRange(outI, q * k, q * k + k), "query " + q);
      int[] expect = IndexTestData.bruteForce(items, n, dim, qs, q * dim, k, null);
      assertTrue(IndexTestData.overlap(h.items(), expect) == 1.0, "query " + q);
    }
  }

  @Test
  void rejectsBadArguments() {
    ExactSearcher e = new ExactSearcher(new float[8], 4, 2);
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> e.search(new float[1], 2));
    assertTrue(x.getMessage().contains("index=2, query=1"), x.getMessage());
    assertThrows(IllegalArgumentException.class, () -> e.search(new float[2], 0));
    assertThrows(IllegalArgumentException.class, () -> new ExactSearcher(new float[7], 4, 2));
  }
}
