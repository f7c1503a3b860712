package io.graphcf.propagation.popularity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.graph.CsrMatrix;
import io.graphcf.graph.Dataset;
import io.graphcf.graph.Interactions;
import io.graphcf.propagation.Workers;
import io.graphcf.propagation.eval.EvalResult;
import io.graphcf.propagation.eval.Evaluator;
import io.graphcf.propagation.eval.ReferenceEvaluator;
import io.graphcf.propagation.model.ModelReader;
import io.graphcf.propagation.model.ModelWriter;
import io.graphcf.testutil.SharedData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MostPopular} on a hand-computed graph, its model round trip, and real data against the reference. */
class MostPopularTest {
  /**
   * 3 users × 4 items. Train: u0 {0, 1}, u1 {1, 2}, u2 {1}. Degrees: item0 1, item1 3, item2 1,
   * item3 0. Test: u0 {2}, u2 {3}; u1 has none.
   * <pre>
   * u0: candidates 2 (1), 3 (0) -> ranking 2, 3: K=1 hit at p=0 -> recall 1, NDCG 1
   * u2: candidates 0 (1), 2 (1), 3 (0) -> ranking 0, 2, 3 (tie 0/2 to the lower index): K=1 no hit
   *     K=3 hit at p=2: NDCG = (1/log2 4 = 0.5) / 1 = 0.5, precision 1/3
   * means (2 users): recall@1 1/2, NDCG@1 1/2; recall@3 (1 + 1)/2 = 1, NDCG@3 (1 + 0.5)/2 = 0.75,
   *   precision@3 (1/3 + 1/3)/2 = 1/3
   * </pre>
   */
  @Test
  void tinyGraph() {
    Interactions train = Interactions.fromPairs(3, 4, new int[] {0, 0, 1, 1, 2}, new int[] {0, 1, 1, 2, 1}, 5);
    CsrMatrix test = CsrMatrix.fromPairs(3, 4, new int[] {0, 2}, new int[] {2, 3}, 2);
    MostPopular m = MostPopular.fit(train);
    assertArrayEquals(new float[] {1, 3, 1, 0}, m.popularity());
    float[] out = new float[8];
    m.score(new int[] {2, 0}, 0, 2, out);
    assertArrayEquals(new float[] {1, 3, 1, 0, 1, 3, 1, 0}, out);
    try (Workers w = Workers.create(2)) {
      EvalResult r = Evaluator.evaluate(m, new Dataset(train, test), new int[] {1, 3}, w);
      assertEquals(2, r.users());
      assertEquals(0.5, r.recall(1), 1e-12);
      assertEquals(0.5, r.ndcg(1), 1e-12);
      assertEquals(1.0, r.recall(3), 1e-12);
      assertEquals(0.75, r.ndcg(3), 1e-12);
      assertEquals(1.0 / 3, r.precision(3), 1e-12);
      assertEquals(1.0, r.hitRate(3), 1e-12);
    }
  }

  @Test
  void savesAndLoads(@TempDir Path dir) throws Exception {
    MostPopular m = new MostPopular(new float[] {2, 0, 5});
    Path target = dir.resolve("pop");
    try (ModelWriter w = ModelWriter.create(target)) {
      m.save(w);
      w.commit(m.meta());
    }
    ModelReader r = ModelReader.open(target);
    assertEquals("popularity", r.meta().path("kind").asText());
    assertEquals("mostpop", r.meta().path("model").asText());
    assertArrayEquals(m.popularity(), MostPopular.load(r).popularity());

    Path other = dir.resolve("other");
    try (ModelWriter w = ModelWriter.create(other)) {
      w.putMatrix(MostPopular.ENTRY, new float[3], 1, 3);
      ObjectNode meta = m.meta();
      meta.put("kind", "embedding");
      w.commit(meta);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MostPopular.load(ModelReader.open(other)));
    assertTrue(e.getMessage().contains("expected kind 'popularity', got 'embedding'"), e.getMessage());
  }

  /** Amazon-Electronics (1,435 users × 1,522 items): the fast path equals the full-sort reference. */
  @Test
  void realDataMatchesReference() {
    Dataset d = SharedData.load("amazon-electronics");
    MostPopular m = MostPopular.fit(d.train());
    float[][] scores = new float[d.numUsers()][];
    for (int u = 0; u < d.numUsers(); u++) {
      scores[u] = m.popularity();
    }
    int[] ks = Evaluator.defaultKs();
    double[][] ref = ReferenceEvaluator.evaluate(scores, d, ks);
    double[][] profile = ReferenceEvaluator.profile(scores, d, ks);
    try (Workers w = Workers.create(2)) {
      EvalResult r = Evaluator.evaluate(m, d, ks, w);
      assertEquals((int) ref[4][0], r.users());
      for (int ki = 0; ki < ks.length; ki++) {
        assertEquals(ref[0][ki], r.recall(ks[ki]), 1e-12, "recall@" + ks[ki]);
        assertEquals(ref[1][ki], r.precision(ks[ki]), 1e-12, "precision@" + ks[ki]);
        assertEquals(ref[2][ki], r.ndcg(ks[ki]), 1e-12, "ndcg@" + ks[ki]);
        assertEquals(ref[3][ki], r.hitRate(ks[ki]), 1e-12, "hit@" + ks[ki]);
        assertEquals(profile[0][ki], r.popularity(ks[ki]), 1e-9, "popularity@" + ks[ki]);
        assertEquals(profile[1][ki], r.coverage(ks[ki]), 0, "coverage@" + ks[ki]);
      }
      // everybody gets the most popular items they have not trained on: few distinct items, all popular
      assertTrue(r.coverage(20) < 0.2, "coverage@20 " + r.coverage(20));
      assertTrue(r.popularity(10) > r.popularity(50), r.popularity(10) + " vs " + r.popularity(50));
    }
  }
}
