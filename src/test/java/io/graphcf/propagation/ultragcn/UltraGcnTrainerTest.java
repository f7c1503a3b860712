package io.graphcf.propagation.ultragcn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.graph.Dataset;
import io.graphcf.graph.Interactions;
import io.graphcf.propagation.Workers;
import io.graphcf.propagation.eval.Evaluator;
import io.graphcf.propagation.model.ModelReader;
import io.graphcf.propagation.model.ModelWriter;
import io.graphcf.testutil.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UltraGcnTrainerTest {

  private static Interactions randomGraph(long seed, int users, int items, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] us = new int[n];
    int[] is = new int[n];
    for (int e = 0; e < n; e++) {
      us[e] = r.nextInt(users);
      is[e] = (int) (items * Math.pow(r.nextDouble(), 1.5));
    }
    return Interactions.fromPairs(users, items, us, is, n);
  }

  private static UltraGcnParams small() {
    return UltraGcnParams.gowalla().dim(16).negatives(40).batchSize(128).lr(1e-3f).initStd(0.01f).seed(99);
  }

  private static float[] train(Interactions g, UltraGcnParams p, int threads, int epochs) {
    try (Workers w = Workers.create(threads)) {
      UltraGcnTrainer tr = new UltraGcnTrainer(g, p, w);
      for (int e = 1; e <= epochs; e++) {
        assertTrue(Double.isFinite(tr.trainEpoch(e)));
      }
      return concat(tr.userEmbedding(), tr.itemEmbedding());
    }
  }

  private static float[] concat(float[] a, float[] b) {
    float[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  @Test
  void sameSeedSameResultForAnyThreadCount() {
    Interactions g = randomGraph(1, 200, 900, 4000);
    float[] one = train(g, small(), 1, 2);
    assertArrayEquals(one, train(g, small(), 1, 2), "same seed, same threads");
    assertArrayEquals(one, train(g, small(), 2, 2), "1 vs 2 threads");
    assertArrayEquals(one, train(g, small(), 3, 2), "1 vs 3 threads");
    assertFalse(Arrays.equals(one, train(g, small().seed(100), 1, 2)), "another seed");
  }

  @Test
  void sharedNegativesSameResultForAnyThreadCountAndRoundTrip() {
    Interactions g = randomGraph(1, 200, 900, 4000);
    UltraGcnParams p = small().sharedNegatives(true);
    float[] one = train(g, p, 1, 2);
    assertArrayEquals(one, train(g, p, 2, 2), "1 vs 2 threads");
    assertArrayEquals(one, train(g, p, 3, 2), "1 vs 3 threads");
    assertFalse(Arrays.equals(one, train(g, small(), 1, 2)), "shared vs per-positive");
    assertEquals("shared", p.toJson().path("negative_sampling").asText());
    assertTrue(UltraGcnParams.fromJson(p.toJson()).sharedNegatives());
    assertFalse(UltraGcnParams.fromJson(JsonNodeFactory.instance.objectNode()).sharedNegatives(), "default");
  }

  @Test
  void resumeReproducesAnUninterruptedRun(@TempDir Path dir) throws IOException {
    Interactions g = randomGraph(2, 150, 500, 3000);
    float[] straight = train(g, small(), 2, 3);
    Path model = dir.resolve("m");
    try (Workers w = Workers.create(2)) {
      UltraGcnTrainer a = new UltraGcnTrainer(g, small(), w);
      a.trainEpoch(1);
      a.trainEpoch(2);
      ObjectNode meta = JsonNodeFactory.instance.objectNode().put("model", a.modelName()).put("kind", "embedding");
      meta.set("hyperparameters", a.hyperparameters());
      meta.set("state", a.state());
      try (ModelWriter mw = ModelWriter.create(model)) {
        a.save(mw);
        mw.commit(meta);
      }
      ModelReader r = ModelReader.open(model);
      UltraGcnParams back = UltraGcnParams.fromJson(r.meta().path("hyperparameters"));
      assertEquals(small().toJson(), back.toJson());
      UltraGcnTrainer b = new UltraGcnTrainer(g, back, w);
      b.restore(r, (ObjectNode) r.meta().path("state"));
      b.trainEpoch(3);
      assertArrayEquals(straight, concat(b.userEmbedding(), b.itemEmbedding()));
      assertEquals(2, r.meta().path("state").path("epoch").asInt());
      assertTrue(r.has("user_embedding") && r.has("item_embedding"));
    }
  }

  /** An epoch is its batches in order plus the L2 term: trainSteps over all batches lands on the same bits. */
  @Test
  void trainStepsOverAWholeEpochIsTheEpoch() {
    Interactions g = randomGraph(3, 120, 400, 2500);
    try (Workers w = Workers.create(2)) {
      UltraGcnTrainer a = new UltraGcnTrainer(g, small(), w);
      UltraGcnTrainer b = new UltraGcnTrainer(g, small(), w);
      long all = a.stepsPerEpoch();
      assertTrue(all > 2, "steps per epoch " + all);
      double epochLoss = a.trainEpoch(1);
      double stepsLoss = b.trainSteps(1, all);
      assertArrayEquals(concat(a.userEmbedding(), a.itemEmbedding()), concat(b.userEmbedding(), b.itemEmbedding()));
      // the epoch's loss adds γ·‖Θ‖²/2 (> 0) to the same mean batch loss
      assertTrue(epochLoss > stepsLoss, epochLoss + " vs " + stepsLoss);
      assertEquals(stepsLoss, epochLoss, 1e-3 * Math.abs(stepsLoss));
      long[] phases = b.phaseNanos();
      assertTrue(phases[0] > 0 && phases[1] > 0, Arrays.toString(phases));
      // a prefix of the next epoch differs from a prefix of this one (a fresh shuffle and fresh negatives)
      UltraGcnTrainer c = new UltraGcnTrainer(g, small(), w);
      UltraGcnTrainer d = new UltraGcnTrainer(g, small(), w);
      c.trainSteps(1, 2);
      d.trainSteps(2, 2);
      assertFalse(Arrays.equals(c.userEmbedding(), d.userEmbedding()));
      assertThrows(IllegalArgumentException.class, () -> c.trainSteps(1, all + 1));
      assertThrows(IllegalArgumentException.class, () -> c.trainSteps(0, 1));
      assertThrows(IllegalArgumentException.class, () -> c.trainSteps(1, 0));
    }
  }

  @Test
  void presetsFollowTheReferenceConfigs() {
    UltraGcnParams g = UltraGcnParams.preset("gowalla");
    assertEquals(64, g.dim());
    assertEquals(1e-4f, g.lr());
    assertEquals(512, g.batchSize());
    assertEquals(1500, g.negatives());
    assertEquals(300, g.negativeWeight());
    assertEquals(1e-6, g.w1());
    assertEquals(1, g.w2());
    assertEquals(1e-6, g.w3());
    assertEquals(1, g.w4());
    assertEquals(1e-4, g.gamma());
    assertEquals(5e-4, g.lambda());
    assertEquals(10, g.neighbours());
    assertEquals(1e-4f, g.initStd());
    UltraGcnParams y = UltraGcnParams.preset("yelp2018");
    assertEquals(800, y.negatives());
    assertEquals(1024, y.batchSize());
    assertEquals(1e-3f, y.lr());
    assertEquals(1e-8, y.w3());
    UltraGcnParams a = UltraGcnParams.preset("amazon-book");
    assertEquals(500, a.negatives());
    assertEquals(500, a.negativeWeight());
    assertEquals(1, a.w3());
    assertEquals(1e-8, a.w4());
    assertEquals(2.75, a.lambda());
    assertThrows(IllegalArgumentException.class, () -> UltraGcnParams.preset("movielens"));
    assertThrows(IllegalArgumentException.class, () -> UltraGcnParams.gowalla().negatives(-1).validate());
  }

  /**
   * A short real run: Recall@20 on Amazon-Electronics grows over the first epochs (Gowalla preset
   * with lr 1e-3 and 200 negatives; with this seed about 0.018 untrained, 0.09 after five epochs).
   */
  @Test
  void learnsOnAmazonElectronics() {
    Dataset ds = SharedData.load("amazon-electronics");
    UltraGcnParams p = UltraGcnParams.gowalla().lr(1e-3f).negatives(200).seed(7);
    int[] ks = {20};
    try (Workers w = Workers.create(2)) {
      UltraGcnTrainer tr = new UltraGcnTrainer(ds.train(), p, w);
      double start = Evaluator.evaluate(tr.scorer(), ds, ks, w).recall(20);
      tr.trainEpoch(1);
      double first = Evaluator.evaluate(tr.scorer(), ds, ks, w).recall(20);
      for (int e = 2; e <= 5; e++) {
        tr.trainEpoch(e);
      }
      double fifth = Evaluator.evaluate(tr.scorer(), ds, ks, w).recall(20);
      assertTrue(fifth > first + 0.03, "epoch 5 " + fifth + " vs epoch 1 " + first);
      assertTrue(fifth > start + 0.03, "epoch 5 " + fifth + " vs untrained " + start);
    }
  }
}
