package io.graphcf.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * 8-bit scalar-quantised traversal: the codes reconstruct every coordinate within half a step, the
 * byte-row kernel equals a double-precision sum, and a quantised index keeps its recall against
 * brute force while returning exact inner-product scores, honouring exclusions and updates.
 */
class QuantizedSearchTest {

  @Test
  void codesReconstructWithinHalfAStepAndClampLaterRows() {
    int n = 500;
    int dim = 37;
    float[] x = IndexTestData.gaussian(n, dim, 5);
    ScalarQuantizer q = ScalarQuantizer.fit(x, n, dim);
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < dim; k++) {
        double rec = q.offset[k] + (double) q.step[k] * q.codes[i * dim + k];
        assertTrue(Math.abs(rec - x[i * dim + k]) <= 0.5 * q.step[k] * (1 + 1e-5) + 1e-6,
            "row " + i + " dim " + k + ": " + x[i * dim + k] + " -> " + rec);
      }
    }
    float[] big = new float[dim];
    Arrays.fill(big, 1e6f);
    big[1] = -1e6f;
    q.encode(big, 0, n);
    assertEquals(127, q.codes[n * dim]);
    assertEquals(-127, q.codes[n * dim + 1]);
    // a constant dimension gets step 1 and code 0
    float[] flat = new float[10 * 3];
    Arrays.fill(flat, 2.5f);
    ScalarQuantizer f = ScalarQuantizer.fit(flat, 10, 3);
    assertEquals(1f, f.step[0]);
    assertEquals(0, f.codes[4]);
    assertEquals(2.5f, f.offset[2]);
  }

  @Test
  void byteRowDotMatchesDoubleReference() {
    SplittableRandom r = new SplittableRandom(3);
    for (int dim = 1; dim <= 70; dim++) {
      float[] q = new float[dim];
      byte[] c = new byte[dim + 9];
      for (int k = 0; k < dim; k++) {
        q[k] = (float) (r.nextDouble() * 2 - 1);
      }
      for (int k = 0; k < c.length; k++) {
        c[k] = (byte) (r.nextInt(255) - 127);
      }
      for (int off : new int[] {0, 9}) {
        double ref = 0;
        double mag = 0;
        for (int k = 0; k < dim; k++) {
          ref += (double) q[k] * c[off + k];
          mag += Math.abs((double) q[k] * c[off + k]);
        }
        double tol = 1e-6 * mag + 1e-6;
        assertEquals(ref, VectorOps.dotCodes(q, c, off, dim), tol, "dim " + dim + " off " + off);
        assertEquals(ref, VectorOps.scalarDotCodes(q, c, off, dim), tol, "scalar, dim " + dim + " off " + off);
      }
    }
  }

  @Test
  void quantisedSearchKeepsRecallReturnsExactScoresAndHonoursExclusions() {
    int n = 4000;
    int dim = 32;
    int k = 20;
    float[] x = IndexTestData.embeddingLike(n, dim, 1);
    float[] queries = IndexTestData.embeddingLike(100, dim, 2);
    HnswIndex idx = HnswIndex.builder().m(16).efConstruction(100).seed(3).threads(2).build(x, n, dim);
    double recallFloat = 0;
    for (int i = 0; i < 100; i++) {
      float[] q = Arrays.copyOfRange(queries, i * dim, i * dim + dim);
      recallFloat += IndexTestData.overlap(idx.search(q, k, 200).items(),
          IndexTestData.bruteForce(x, n, dim, q, 0, k, null)) / 100;
    }
    idx.quantize();
    assertTrue(idx.isQuantized());
    double recall = 0;
    double recallExcl = 0;
    for (int i = 0; i < 100; i++) {
      float[] q = Arrays.copyOfRange(queries, i * dim, i * dim + dim);
      SearchHits got = idx.search(q, k, 200);
      assertEquals(k, got.size());
      for (int j = 0; j < k; j++) {
        assertEquals(VectorOps.dot(q, 0, x, got.item(j) * dim, dim), got.score(j), 0f, "exact score, query " + i);
        if (j > 0) {
          assertTrue(got.score(j - 1) >= got.score(j), "best first, query " + i);
        }
      }
      recall += IndexTestData.overlap(got.items(), IndexTestData.bruteForce(x, n, dim, q, 0, k, null)) / 100;
      // exclude the true top 30, as a user's training items would be
      int[] excluded = IndexTestData.bruteForce(x, n, dim, q, 0, 30, null);
      Arrays.sort(excluded);
      SearchHits rest = idx.search(q, k, 200, excluded, null);
      for (int item : rest.items()) {
        assertTrue(Arrays.binarySearch(excluded, item) < 0, "excluded item " + item + " returned, query " + i);
      }
      recallExcl += IndexTestData.overlap(rest.items(),
          IndexTestData.bruteForce(x, n, dim, q, 0, k, it -> Arrays.binarySearch(excluded, it) < 0)) / 100;
    }
    System.out.printf("recall@20 at ef 200: float %.4f, quantised %.4f, quantised with exclusions %.4f%n",
        recallFloat, recall, recallExcl);
    // stated thresholds: within 0.01 of the float traversal, and 0.93 absolute
    assertTrue(recall >= recallFloat - 0.01 && recall >= 0.93, "quantised recall@20 at ef 200: " + recall
        + " (float " + recallFloat + ")");
    assertTrue(recallExcl >= 0.93, "quantised recall@20 with exclusions at ef 200: " + recallExcl);
  }

  @Test
  void itemsAddedAfterQuantisingAreEncodedAndFound() {
    int n = 1500;
    int dim = 16;
    float[] all = IndexTestData.gaussian(n + 50, dim, 8);
    HnswIndex idx = HnswIndex.builder().m(12).efConstruction(80).seed(2).transform(MipsTransform.NONE)
        .build(Arrays.copyOf(all, n * dim), n, dim);
    idx.quantize();
    for (int i = n; i < n + 50; i++) {
      idx.add(Arrays.copyOfRange(all, i * dim, i * dim + dim));
    }
    int found = 0;
    for (int i = n; i < n + 50; i++) {
      float[] q = Arrays.copyOfRange(all, i * dim, i * dim + dim);
      int[] expect = IndexTestData.bruteForce(all, n + 50, dim, q, 0, 5, null);
      SearchHits got = idx.search(q, 5, 100);
      found += IndexTestData.overlap(got.items(), expect) >= 0.8 ? 1 : 0;
    }
    assertTrue(found >= 48, "added items' top-5 recovered for " + found + " of 50");
  }
}
