package io.graphcf.propagation.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.graph.Interactions;
import io.graphcf.propagation.Workers;
import io.graphcf.propagation.eval.UserScorer;
import io.graphcf.propagation.lightgcn.LightGcnConfig;
import io.graphcf.propagation.lightgcn.LightGcnTrainer;
import io.graphcf.propagation.model.ModelReader;
import io.graphcf.propagation.model.ModelWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training loop with a real LightGCN trainer on a small random graph and a stand-in evaluation:
 * JSON lines, metadata, chart, early stopping, and a run killed after a checkpoint and resumed, which
 * must end bit-identical to the uninterrupted run.
 */
class TrainingLoopTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  static Interactions graph() {
    SplittableRandom r = new SplittableRandom(42);
    int nu = 60;
    int ni = 70;
    int[] us = new int[nu * ni];
    int[] is = new int[nu * ni];
    int m = 0;
    for (int u = 0; u < nu; u++) {
      for (int i = 0; i < ni; i++) {
        if (r.nextDouble() < 0.1) {
          us[m] = u;
          is[m++] = i;
        }
      }
    }
    return Interactions.fromPairs(nu, ni, us, is, m);
  }

  static LightGcnTrainer trainer(Workers w) {
    return new LightGcnTrainer(graph(), LightGcnConfig.defaults().withDim(8).withBatch(50).withLr(0.01f), w);
  }

  /** A stand-in metric: mean score of user 0 over items 0..9 (deterministic in the parameters). */
  static ObjectNode fakeEval(UserScorer s) {
    float[] out = new float[s.numItems()];
    s.score(new int[] {0}, 0, 1, out);
    double sum = 0;
    for (int i = 0; i < 10; i++) {
      sum += out[i];
    }
    ObjectNode n = JSON.createObjectNode();
    n.put("recall@20", sum / 10).put("ndcg@20", sum / 20).put("seconds", 0.0);
    return n;
  }

  @Test
  void writesJsonLinesMetadataAndChart() throws IOException {
    StringWriter sw = new StringWriter();
    Path model = tmp.resolve("model");
    try (Workers w = Workers.create(2)) {
      TrainingLoop loop = new TrainingLoop(trainer(w), new TrainingLoop.Options().epochs(3).evalEvery(2).progress(false),
          TrainingLoopTest::fakeEval, JSON.createObjectNode().put("users", 60), JSON.createObjectNode().put("threads", 2),
          new PrintWriter(sw), null);
      TrainingLoop.Result r = loop.run(model);
      assertEquals(3, r.lastEpoch());
    }
    String[] lines = sw.toString().trim().split("\n");
    assertEquals(3, lines.length);
    for (int e = 1; e <= 3; e++) {
      JsonNode line = JSON.readTree(lines[e - 1]);
      assertEquals(e, line.get("epoch").asInt());
      assertTrue(line.get("loss").isNumber() && line.get("seconds").isNumber(), lines[e - 1]);
      // Evaluated at epoch 2 (eval-every) and at the last epoch.
      assertEquals(e != 1, line.has("recall@20") && line.has("ndcg@20"), lines[e - 1]);
      assertTrue(line.get("gc_count").asLong() >= 0 && line.get("gc_seconds").asDouble() >= 0, lines[e - 1]);
    }
    ModelReader reader = ModelReader.open(model);
    ObjectNode meta = reader.meta();
    assertEquals("lightgcn", meta.get("model").asText());
    assertEquals("embedding", meta.get("kind").asText());
    assertEquals(2020, meta.at("/hyperparameters/seed").asLong());
    assertEquals(2, meta.at("/hyperparameters/threads").asInt());
    assertEquals(60, meta.at("/data/users").asInt());
    assertTrue(meta.at("/metrics/recall@20").isNumber());
    assertTrue(meta.at("/timings/seconds_per_epoch").isNumber());
    assertTrue(meta.at("/timings/peak_heap_bytes").asLong() > 0);
    assertEquals(60, reader.matrix("user_embedding").rows());
    assertEquals(8, reader.matrix("item_embedding").cols());
    byte[] png = Files.readAllBytes(model.resolve(TrainingLoop.CHART_FILE));
    assertTrue(png.length > 8 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "PNG signature");
  }

  @Test
  void stopsEarlyAfterPatienceEvaluationsWithoutImprovement() throws IOException {
    // The metric improves at epochs 1 and 2, then never again: with patience 2 the run stops at epoch 4.
    double[] values = {0.1, 0.2, 0.15, 0.19, 0.5, 0.6};
    int[] calls = {0};
    TrainingLoop.Evaluation eval = s -> JSON.createObjectNode().put("recall@20", values[calls[0]++]);
    try (Workers w = Workers.create(1)) {
      TrainingLoop loop = new TrainingLoop(trainer(w), new TrainingLoop.Options().epochs(6).patience(2).progress(false)
          .chart(false), eval, null, null, new PrintWriter(new StringWriter()), null);
      TrainingLoop.Result r = loop.run(tmp.resolve("m"));
      assertTrue(r.stoppedEarly());
      assertEquals(4, r.lastEpoch());
      assertEquals(2, r.bestEpoch());
      assertEquals(0.2, r.bestMetric(), 0.0);
      assertEquals(4, calls[0]);
    }
  }

  @Test
  void epochLineCountsTheCollectionsOfItsEpoch() throws IOException {
    StringWriter sw = new StringWriter();
    new TrainingLoop(new EpochStamp(), new TrainingLoop.Options().epochs(3).progress(false).chart(false), null, null,
        null, new PrintWriter(sw), null).run(tmp.resolve("gc"));
    String[] lines = sw.toString().trim().split("\n");
    assertEquals(3, lines.length);
    // EpochStamp asks for a collection in epoch 3 only
    assertTrue(JSON.readTree(lines[2]).get("gc_count").asLong() >= 1, lines[2]);
    assertTrue(JSON.readTree(lines[2]).get("gc_seconds").asDouble() >= 0, lines[2]);
  }

  /** A trainer whose only parameter is the number of the epoch it last ran (so a saved model names its epoch). */
  static final class EpochStamp implements EpochTrainer {
    float epoch;

    @Override
    public String modelName() {
      return "stamp";
    }

    @Override
    public ObjectNode hyperparameters() {
      return JSON.createObjectNode().put("seed", 1);
    }

    @Override
    public double trainEpoch(int e) {
      epoch = e;
      if (e == 3) {
        // a collection inside the epoch: its line must count it
        System.gc();
      }
      return 1.0 / e;
    }

    @Override
    public UserScorer scorer() {
      return null; // the evaluations below do not score
    }

    @Override
    public void save(ModelWriter w) throws IOException {
      w.putMatrix("user_embedding", new float[] {epoch, -epoch}, 1, 2);
      w.putMatrix("item_embedding", new float[] {2 * epoch, 0}, 1, 2);
    }

    @Override
    public ObjectNode state() {
      return JSON.createObjectNode().put("epoch", epoch);
    }

    @Override
    public void restore(ModelReader r, ObjectNode state) throws IOException {
      epoch = r.matrix("user_embedding").data()[0];
    }
  }

  /** An evaluation that reports {@code values[e - 1]} after epoch e of {@code t}. */
  static TrainingLoop.Evaluation byEpoch(EpochStamp t, double... values) {
    return s -> JSON.createObjectNode().put("recall@20", values[(int) t.epoch - 1]).put("ndcg@20", 0.0);
  }

  @Test
  void savedModelIsTheBestEvaluatedEpochAndTheLastStaysResumable() throws IOException {
    // Recall@20 peaks at epoch 3 (0.5) and falls afterwards: OUT must hold epoch 3, OUT.last epoch 6.
    EpochStamp t = new EpochStamp();
    Path out = tmp.resolve("best");
    TrainingLoop.Options o = new TrainingLoop.Options().epochs(6).checkpointEvery(2).progress(false).chart(false);
    TrainingLoop.Result r = new TrainingLoop(t, o, byEpoch(t, 0.1, 0.3, 0.5, 0.4, 0.2, 0.45), null, null,
        new PrintWriter(new StringWriter()), null).run(out);
    assertEquals(6, r.lastEpoch());
    assertEquals(3, r.bestEpoch());
    ModelReader best = ModelReader.open(out);
    assertArrayEquals(new float[] {3, -3}, best.matrix("user_embedding").data());
    assertArrayEquals(new float[] {6, 0}, best.matrix("item_embedding").data());
    JsonNode m = best.meta().get("metrics");
    assertEquals(0.5, m.get("recall@20").asDouble(), 0.0, "the saved model's own metrics");
    assertEquals(3, m.get("saved_epoch").asInt());
    assertEquals(3, m.get("best_epoch").asInt());
    assertEquals(6, m.get("last_epoch").asInt());
    assertEquals(3, best.meta().at("/state/epoch").asInt(), "resuming OUT continues from the best epoch");
    assertEquals(6, best.meta().at("/timings/epochs").asInt());
    assertEquals(0.5, r.metrics().get("recall@20").asDouble(), 0.0);
    ModelReader last = ModelReader.open(TrainingLoop.lastDir(out));
    assertArrayEquals(new float[] {6, -6}, last.matrix("user_embedding").data());
    assertEquals(6, last.meta().at("/state/epoch").asInt());
    assertEquals(0.45, last.meta().at("/metrics/recall@20").asDouble(), 0.0);
    assertFalse(Files.exists(TrainingLoop.bestDir(out)), "the best snapshot is moved into OUT");

    // Resuming OUT.last to epoch 8: epochs 7 and 8 run; epoch 8 (0.6) beats 0.5 and is last: OUT.last goes.
    EpochStamp t2 = new EpochStamp();
    Path out2 = tmp.resolve("more");
    TrainingLoop.Result r2 = new TrainingLoop(t2, new TrainingLoop.Options().epochs(8).progress(false).chart(false),
        byEpoch(t2, 0.1, 0.3, 0.5, 0.4, 0.2, 0.45, 0.3, 0.6), null, null, new PrintWriter(new StringWriter()), null)
        .resume(TrainingLoop.lastDir(out), out2);
    assertEquals(8, r2.bestEpoch());
    assertArrayEquals(new float[] {8, -8}, ModelReader.open(out2).matrix("user_embedding").data());
    assertEquals(8, ModelReader.open(out2).meta().at("/metrics/saved_epoch").asInt());
    assertFalse(Files.exists(TrainingLoop.lastDir(out2)));
  }

  @Test
  void earlyStoppedRunSavesTheBestEpoch() throws IOException {
    // Best at epoch 2; patience 2 stops after epoch 4; the model is epoch 2's.
    EpochStamp t = new EpochStamp();
    Path out = tmp.resolve("stopped");
    TrainingLoop.Result r = new TrainingLoop(t, new TrainingLoop.Options().epochs(10).patience(2).progress(false)
        .chart(false), byEpoch(t, 0.2, 0.4, 0.3, 0.35, 0.9), null, null, new PrintWriter(new StringWriter()), null)
        .run(out);
    assertTrue(r.stoppedEarly());
    assertEquals(4, r.lastEpoch());
    assertArrayEquals(new float[] {2, -2}, ModelReader.open(out).matrix("user_embedding").data());
    assertEquals(4, ModelReader.open(out).meta().at("/metrics/last_epoch").asInt());
    assertArrayEquals(new float[] {4, -4}, ModelReader.open(TrainingLoop.lastDir(out)).matrix("user_embedding").data());
  }

  /** Delegates to a trainer and dies at a given epoch, as a killed process would. */
  static final class Killed implements EpochTrainer {
    final EpochTrainer t;
    final int killAt;

    Killed(EpochTrainer t, int killAt) {
      this.t = t;
      this.killAt = killAt;
    }

    @Override
    public String modelName() {
      return t.modelName();
    }

    @Override
    public ObjectNode hyperparameters() {
      return t.hyperparameters();
    }

    @Override
    public long stepsPerEpoch() {
      return t.stepsPerEpoch();
    }

    @Override
    public void progressListener(LongConsumer l) {
      t.progressListener(l);
    }

    @Override
    public double trainEpoch(int epoch) {
      if (epoch == killAt) {
        throw new IllegalStateException("killed");
      }
      return t.trainEpoch(epoch);
    }

    @Override
    public UserScorer scorer() {
      return t.scorer();
    }

    @Override
    public void save(ModelWriter writer) throws IOException {
      t.save(writer);
    }

    @Override
    public ObjectNode state() {
      return t.state();
    }

    @Override
    public void restore(ModelReader reader, ObjectNode state) throws IOException {
      t.restore(reader, state);
    }
  }

  @Test
  void resumedRunMatchesUninterruptedRun() throws IOException {
    for (int threads = 1; threads <= 2; threads++) {
      Path whole = tmp.resolve("whole" + threads);
      Path killed = tmp.resolve("killed" + threads);
      TrainingLoop.Options o = new TrainingLoop.Options().epochs(5).checkpointEvery(2).progress(false).chart(false);
      StringWriter wholeOut = new StringWriter();
      try (Workers w = Workers.create(threads)) {
        new TrainingLoop(trainer(w), o, TrainingLoopTest::fakeEval, null, null, new PrintWriter(wholeOut), null)
            .run(whole);
        TrainingLoop dying = new TrainingLoop(new Killed(trainer(w), 4), o, TrainingLoopTest::fakeEval, null, null,
            new PrintWriter(new StringWriter()), null);
        assertThrows(IllegalStateException.class, () -> dying.run(killed));
        assertEquals(2, ModelReader.open(killed).meta().at("/state/epoch").asInt(), "last checkpoint");
        new TrainingLoop(trainer(w), o, TrainingLoopTest::fakeEval, null, null, new PrintWriter(new StringWriter()),
            null).resume(killed, killed);
      }
      // The saved (best) models agree, and so do the last epochs' states when the best was earlier.
      ModelReader a = ModelReader.open(whole);
      ModelReader b = ModelReader.open(killed);
      for (String name : new String[] {"ego_user", "ego_item", "adam_user_m", "adam_item_v", "user_embedding"}) {
        assertArrayEquals(a.matrix(name).data(), b.matrix(name).data(), name + ", threads=" + threads);
      }
      assertEquals(Files.exists(TrainingLoop.lastDir(whole)), Files.exists(TrainingLoop.lastDir(killed)));
      if (Files.exists(TrainingLoop.lastDir(whole))) {
        a = ModelReader.open(TrainingLoop.lastDir(whole));
        b = ModelReader.open(TrainingLoop.lastDir(killed));
        for (String name : new String[] {"ego_user", "ego_item", "adam_user_m", "adam_item_v", "user_embedding"}) {
          assertArrayEquals(a.matrix(name).data(), b.matrix(name).data(), "last " + name + ", threads=" + threads);
        }
      }
      JsonNode ha = a.meta().at("/state/history");
      JsonNode hb = b.meta().at("/state/history");
      assertEquals(5, hb.size());
      for (int e = 0; e < 5; e++) {
        assertEquals(ha.get(e).get("loss").asDouble(), hb.get(e).get("loss").asDouble(), 0.0, "loss of epoch " + (e + 1));
        assertEquals(ha.get(e).get("recall@20").asDouble(), hb.get(e).get("recall@20").asDouble(), 0.0);
      }
      assertEquals(a.meta().at("/state/trainer/adam_steps").asLong(), b.meta().at("/state/trainer/adam_steps").asLong());
      assertFalse(wholeOut.toString().isEmpty());
    }
  }

  @Test
  void rejectsACheckpointOfAnotherModel() throws IOException {
    Path m = tmp.resolve("mf");
    try (Workers w = Workers.create(1)) {
      LightGcnTrainer mf = new LightGcnTrainer(graph(), LightGcnConfig.defaults().withDim(4).withLayers(0), w);
      new TrainingLoop(mf, new TrainingLoop.Options().epochs(1).progress(false).chart(false), null, null, null,
          new PrintWriter(new StringWriter()), null).run(m);
      TrainingLoop lgn = new TrainingLoop(trainer(w), new TrainingLoop.Options().epochs(2).progress(false), null, null,
          null, new PrintWriter(new StringWriter()), null);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lgn.resume(m, m));
      assertTrue(e.getMessage().contains("'mf'"), e.getMessage());
    }
  }
}
