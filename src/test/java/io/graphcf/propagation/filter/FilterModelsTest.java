package io.graphcf.propagation.filter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.graph.Interactions;
import io.graphcf.propagation.Workers;
import io.graphcf.propagation.model.ModelReader;
import io.graphcf.propagation.model.ModelWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Save/load round trips of both filter models: identical scores, metadata, and the graph check. */
class FilterModelsTest {
  @TempDir
  Path tmp;

  static float[] allScores(FilterScorer s, int numUsers) {
    int[] users = java.util.stream.IntStream.range(0, numUsers).toArray();
    float[] out = new float[numUsers * s.numItems()];
    s.score(users, 0, numUsers, out);
    return out;
  }

  @Test
  void roundTripsGiveIdenticalScores() throws Exception {
    Interactions g = DenseFilterReference.randomGraph(21, 35, 28, 0.2);
    try (Workers w = Workers.create(2)) {
      FilterScorer[] models = {
          GfCf.fit(g, 6, 0.3, 2, 5, 21, w),
          GfCf.fit(g, 6, 0.0, 2, 5, 21, w),
          Bspm.fit(g, BspmConfig.preset("gowalla").factorDim(5).seed(21), w),
          Bspm.fit(g, BspmConfig.preset("amazon-book"), w)};
      int n = 0;
      for (FilterScorer m : models) {
        Path dir = tmp.resolve("m" + n++);
        ObjectNode extra = new ObjectMapper().createObjectNode().put("model", "overridden");
        extra.putObject("metrics").put("recall@20", 0.5);
        FilterModels.saveTo(dir, m, extra);
        ModelReader r = ModelReader.open(dir);
        assertEquals("filter", r.meta().path("kind").asText());
        assertEquals(m.modelName(), r.meta().path("model").asText());
        assertEquals(0.5, r.meta().at("/metrics/recall@20").asDouble());
        assertTrue(r.meta().at("/hyperparameters/seed").isNumber());
        FilterScorer back = FilterModels.load(r, g);
        assertInstanceOf(m.getClass(), back);
        assertEquals(m.modelName(), back.modelName());
        assertArrayEquals(allScores(m, g.numUsers()), allScores(back, g.numUsers()), m.modelName() + " " + dir);
      }
      assertFalse(ModelReader.open(tmp.resolve("m1")).has(FilterModels.ITEM_FACTORS), "alpha 0 stores no V̄");
    }
  }

  @Test
  void refusesAnotherGraphOrKind() throws Exception {
    Interactions g = DenseFilterReference.randomGraph(22, 20, 15, 0.3);
    Interactions other = DenseFilterReference.randomGraph(23, 20, 15, 0.3);
    try (Workers w = Workers.create(1)) {
      Path dir = tmp.resolve("gf");
      FilterModels.saveTo(dir, GfCf.fit(g, 3, 0.3, 1, 2, 22, w), null);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> FilterModels.load(ModelReader.open(dir), other));
      assertTrue(e.getMessage().contains("different training graph"), e.getMessage());
      Path emb = tmp.resolve("emb");
      try (ModelWriter mw = ModelWriter.create(emb)) {
        mw.putMatrix("user_embedding", new float[20], 20, 1);
        mw.commit(new ObjectMapper().createObjectNode().put("model", "mf").put("kind", "embedding"));
      }
      assertThrows(IllegalArgumentException.class, () -> FilterModels.load(ModelReader.open(emb), g));
    }
  }
}
