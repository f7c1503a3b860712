package io.graphcf.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.graphcf.propagation.model.ModelReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graphcf train} and {@code graphcf eval} run in-process on the embedded Amazon-Electronics sample. */
class TrainCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SAMPLE = "data/amazon-electronics";

  @TempDir
  Path tmp;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void trainsWritesJsonLinesAndEvaluates() throws Exception {
    Path model = tmp.resolve("lgn");
    CliRun r = run("train", "--model", "lightgcn", "--data", SAMPLE, "--out", model.toString(), "--epochs", "2",
        "--dim", "16", "--batch", "1024", "--threads", "2", "--no-progress");
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().trim().split("\n");
    assertEquals(2, lines.length, r.out());
    JsonNode last = JSON.readTree(lines[1]);
    assertEquals(2, last.get("epoch").asInt());
    for (String key : new String[] {"loss", "recall@20", "ndcg@20", "seconds"}) {
      assertTrue(last.has(key), key + " missing in " + lines[1]);
    }
    ModelReader reader = ModelReader.open(model);
    assertEquals("lightgcn", reader.meta().get("model").asText());
    assertEquals(16, reader.meta().at("/hyperparameters/dim").asInt());
    assertEquals(1435, reader.meta().at("/data/users").asInt());
    assertTrue(Files.isRegularFile(model.resolve("training.png")));

    CliRun e = run("eval", "--model", model.toString(), "--json", "--threads", "2");
    assertEquals(0, e.code(), e.err());
    JsonNode m = JSON.readTree(e.out());
    assertEquals(last.get("recall@20").asDouble(), m.get("recall@20").asDouble(), 1e-9);
    double se = m.at("/std_error/recall@20").asDouble();
    assertTrue(se > 0 && se < m.get("recall@20").asDouble(), "standard error " + se);
    assertEquals(last.at("/std_error/recall@20").asDouble(), se, 1e-12);

    CliRun table = run("eval", "--model", model.toString(), "--threads", "1");
    assertEquals(0, table.code(), table.err());
    assertTrue(table.out().contains("recall") && table.out().contains("@20"), table.out());
    assertTrue(table.out().contains(String.format(java.util.Locale.ROOT, "%.4f ± %.4f", m.get("recall@20").asDouble(), se)),
        table.out());
    assertTrue(table.out().contains(String.format(java.util.Locale.ROOT, "%.4f", m.get("coverage@20").asDouble()))
        && table.out().contains("popularity"), table.out());
    double coverage = m.get("coverage@20").asDouble();
    assertTrue(coverage > 0 && coverage <= 1, "coverage@20 " + coverage);
  }

  @Test
  void evalAgainstComparesTwoModelsUserByUser() throws Exception {
    Path lgn = tmp.resolve("lgn");
    Path pop = tmp.resolve("pop");
    assertEquals(0, run("train", "--model", "lightgcn", "--data", SAMPLE, "--out", lgn.toString(), "--epochs", "2",
        "--dim", "16", "--batch", "1024", "--threads", "2", "--eval-every", "0", "--no-progress").code());
    assertEquals(0, run("train", "--model", "mostpop", "--data", SAMPLE, "--out", pop.toString(), "--no-progress")
        .code());
    JsonNode a = JSON.readTree(run("eval", "--model", lgn.toString(), "--json").out());
    JsonNode b = JSON.readTree(run("eval", "--model", pop.toString(), "--json").out());
    CliRun c = run("eval", "--model", lgn.toString(), "--against", pop.toString(), "--json");
    assertEquals(0, c.code(), c.err());
    JsonNode j = JSON.readTree(c.out());
    for (String key : new String[] {"recall@20", "ndcg@20", "precision@10", "hit@50"}) {
      assertEquals(a.get(key).asDouble(), j.at("/model/" + key).asDouble(), 1e-12, key);
      assertEquals(b.get(key).asDouble(), j.at("/against/" + key).asDouble(), 1e-12, key);
      assertEquals(a.get(key).asDouble() - b.get(key).asDouble(), j.at("/difference/" + key).asDouble(), 1e-12, key);
      double se = j.at("/difference_std_error/" + key).asDouble();
      assertTrue(se > 0 && se < 1, key + " paired standard error " + se);
    }
    assertEquals(a.get("users").asInt(), j.get("users").asInt());
    assertEquals(a.get("popularity@20").asDouble(), j.at("/model/popularity@20").asDouble(), 1e-12);

    CliRun table = run("eval", "--model", lgn.toString(), "--against", pop.toString());
    assertEquals(0, table.code(), table.err());
    assertTrue(table.out().contains(String.format(java.util.Locale.ROOT, "%+.4f ± %.4f",
        j.at("/difference/recall@20").asDouble(), j.at("/difference_std_error/recall@20").asDouble())), table.out());

    // the store imported from the text files holds the same interactions under the same ordinals: accepted
    Path sampleStore = tmp.resolve("sample-store");
    assertEquals(0, run("import", "--format", "lightgcn", "--train", SAMPLE + "/train.txt", "--test",
        SAMPLE + "/test.txt", "--out", sampleStore.toString()).code());
    CliRun viaStore = run("eval", "--model", lgn.toString(), "--against", pop.toString(), "--data",
        sampleStore.toString(), "--json");
    assertEquals(0, viaStore.code(), viaStore.err());
    assertEquals(j.at("/difference/ndcg@20").asDouble(), JSON.readTree(viaStore.out()).at("/difference/ndcg@20")
        .asDouble(), 0);

    // a model from other data is refused, naming it
    Path store = Files.createDirectories(tmp.resolve("other-data"));
    Files.writeString(store.resolve("train.txt"), "0 0 1\n1 1 2\n");
    Files.writeString(store.resolve("test.txt"), "0 2\n1 0\n");
    Path foreign = tmp.resolve("foreign");
    assertEquals(0, run("train", "--model", "mostpop", "--data", store.toString(), "--out", foreign.toString(),
        "--no-progress").code());
    CliRun bad = run("eval", "--model", lgn.toString(), "--against", foreign.toString());
    assertEquals(2, bad.code(), bad.out());
    assertTrue(bad.err().contains(foreign.toString()), bad.err());
  }

  @Test
  void configFileSuppliesOptionsAndFlagsOverrideIt() throws Exception {
    Path cfg = tmp.resolve("mf.properties");
    Files.writeString(cfg, "model=mf\ndim=8\nepochs=3\neval_every=0\nprogress=false\nthreads=1\n");
    Path model = tmp.resolve("mf");
    CliRun r = run("train", "--config", cfg.toString(), "--data", SAMPLE, "--out", model.toString(), "--epochs", "1");
    assertEquals(0, r.code(), r.err());
    assertEquals(1, r.out().trim().split("\n").length, r.out());
    JsonNode meta = ModelReader.open(model).meta();
    assertEquals("mf", meta.get("model").asText());
    assertEquals(0, meta.at("/hyperparameters/layers").asInt());
    assertEquals(8, meta.at("/hyperparameters/dim").asInt());
    assertEquals(1, meta.at("/hyperparameters/epochs").asInt());
  }

  @Test
  void configFileSuppliesModelSpecificOptions() throws Exception {
    // GF-CF's own options (a mixin) from the file; the flag --alpha overrides the file's
    Path cfg = tmp.resolve("gfcf.json");
    Files.writeString(cfg, "{\"model\": \"gfcf\", \"k\": 12, \"alpha\": 0.9, \"power_iters\": 2, \"threads\": 1}");
    Path model = tmp.resolve("gfcf");
    CliRun r = run("train", "--config", cfg.toString(), "--data", SAMPLE, "--out", model.toString(), "--alpha", "0.5");
    assertEquals(0, r.code(), r.err());
    JsonNode h = ModelReader.open(model).meta().get("hyperparameters");
    assertEquals(12, h.get("k").asInt(), h.toString());
    assertEquals(2, h.get("powerIters").asInt(), h.toString());
    assertEquals(0.5, h.get("alpha").asDouble(), 1e-6, h.toString());

    Path bad = tmp.resolve("bad-gfcf.json");
    Files.writeString(bad, "{\"model\": \"gfcf\", \"k\": \"many\"}");
    CliRun b = run("train", "--config", bad.toString(), "--data", SAMPLE, "--out", tmp.resolve("x").toString());
    assertEquals(2, b.code(), b.err());
    assertTrue(b.err().contains("option 'k' must be an integer (got 'many')"), b.err());
  }

  @Test
  void resumesFromACheckpoint() throws Exception {
    Path model = tmp.resolve("m");
    String[] base = {"train", "--model", "mf", "--data", SAMPLE, "--out", model.toString(), "--dim", "8",
        "--threads", "1", "--no-progress", "--eval-every", "0"};
    assertEquals(0, run(concat(base, "--epochs", "1")).code());
    CliRun r = run("train", "--model", "mf", "--data", SAMPLE, "--out", model.toString(), "--resume", model.toString(),
        "--epochs", "2", "--threads", "1", "--no-progress");
    assertEquals(0, r.code(), r.err());
    assertEquals(2, JSON.readTree(r.out().trim()).get("epoch").asInt(), r.out());
    assertEquals(2, ModelReader.open(model).meta().at("/state/epoch").asInt());

    // the store imported from the same text files continues the run; other data is refused
    Path store = tmp.resolve("resume-store");
    assertEquals(0, run("import", "--format", "lightgcn", "--train", SAMPLE + "/train.txt", "--test",
        SAMPLE + "/test.txt", "--out", store.toString()).code());
    Path viaStore = tmp.resolve("m-store");
    CliRun s = run("train", "--model", "mf", "--data", store.toString(), "--out", viaStore.toString(), "--resume",
        model.toString(), "--epochs", "3", "--threads", "1", "--no-progress");
    assertEquals(0, s.code(), s.err());
    assertEquals(3, ModelReader.open(viaStore).meta().at("/state/epoch").asInt());
    Path other = Files.createDirectories(tmp.resolve("resume-other"));
    Files.writeString(other.resolve("train.txt"), "0 0 1\n1 1 2\n");
    CliRun bad = run("train", "--model", "mf", "--data", other.toString(), "--out", tmp.resolve("m-bad").toString(),
        "--resume", model.toString(), "--epochs", "3", "--threads", "1", "--no-progress");
    assertEquals(2, bad.code(), bad.out());
    assertTrue(bad.err().contains("other interactions or ordinals"), bad.err());
  }

  @Test
  void resumeTakesANewLearningRateOrBatchAndNothingElse() throws Exception {
    Path model = tmp.resolve("lr");
    assertEquals(0, run("train", "--model", "mf", "--data", SAMPLE, "--out", model.toString(), "--dim", "8",
        "--lr", "0.01", "--threads", "1", "--no-progress", "--eval-every", "0", "--epochs", "1").code());
    Path resumed = tmp.resolve("lr2");
    String[] base = {"train", "--model", "mf", "--data", SAMPLE, "--out", resumed.toString(), "--resume",
        model.toString(), "--epochs", "2", "--threads", "1", "--no-progress", "--eval-every", "0"};
    CliRun r = run(concat(base, "--lr", "0.0025"));
    assertEquals(0, r.code(), r.err());
    var hp = ModelReader.open(resumed).meta().get("hyperparameters");
    assertEquals(0.0025, hp.get("lr").asDouble(), 1e-9);
    assertEquals(8, hp.get("dim").asInt());
    // the new rate changes the second epoch's step: weights differ from a resume at the old rate
    Path same = tmp.resolve("lr3");
    base[6] = same.toString();
    assertEquals(0, run(base).code());
    assertEquals(0.01, ModelReader.open(same).meta().get("hyperparameters").get("lr").asDouble(), 1e-9);
    assertFalse(java.util.Arrays.equals(ModelReader.open(same).matrix("item_embedding").data(),
        ModelReader.open(resumed).matrix("item_embedding").data()));
    // so does a new batch size at the old rate
    Path batched = tmp.resolve("b64");
    String[] rebatch = base.clone();
    rebatch[6] = batched.toString();
    CliRun b = run(concat(rebatch, "--batch", "64"));
    assertEquals(0, b.code(), b.err());
    var bhp = ModelReader.open(batched).meta().get("hyperparameters");
    assertEquals(64, bhp.get("batch").asInt());
    assertEquals(0.01, bhp.get("lr").asDouble(), 1e-9);
    assertFalse(java.util.Arrays.equals(ModelReader.open(same).matrix("item_embedding").data(),
        ModelReader.open(batched).matrix("item_embedding").data()));
    CliRun badBatch = run(concat(rebatch, "--batch", "0"));
    assertEquals(2, badBatch.code());
    assertTrue(badBatch.err().contains("--batch must be >= 1"), badBatch.err());
    CliRun bad = run(concat(base, "--lr", "0"));
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--lr must be > 0"), bad.err());
    CliRun dim = run(concat(base, "--dim", "16"));
    assertEquals(2, dim.code());
    assertTrue(dim.err().contains("all but --lr"), dim.err());
  }

  @Test
  void lightGclResumeTakesNewLossWeightsButKeepsItsSvdView() throws Exception {
    Path model = tmp.resolve("gcl");
    assertEquals(0, run("train", "--model", "lightgcl", "--data", SAMPLE, "--out", model.toString(), "--dim", "8",
        "--threads", "1", "--no-progress", "--eval-every", "0", "--epochs", "1").code());
    String[] base = {"train", "--model", "lightgcl", "--data", SAMPLE, "--out", "", "--resume", model.toString(),
        "--epochs", "2", "--threads", "1", "--no-progress", "--eval-every", "0"};
    base[6] = tmp.resolve("gcl-same").toString();
    assertEquals(0, run(base).code());
    String[] changed = base.clone();
    changed[6] = tmp.resolve("gcl-l1").toString();
    CliRun r = run(concat(changed, "--lambda1", "0.05", "--tau", "0.5", "--infonce-negatives", "batch",
        "--batch-decay", "0.2"));
    assertEquals(0, r.code(), r.err());
    JsonNode hp = ModelReader.open(Path.of(changed[6])).meta().get("hyperparameters");
    assertEquals(0.05, hp.get("lambda1").asDouble(), 1e-7, hp.toString());
    assertEquals(0.5, hp.get("tau").asDouble(), 1e-7, hp.toString());
    assertEquals("batch", hp.get("infonce_negatives").asText(), hp.toString());
    assertEquals(0.2, hp.get("batch_decay").asDouble(), 1e-7, hp.toString());
    assertEquals(8, hp.get("dim").asInt(), hp.toString());
    JsonNode same = ModelReader.open(Path.of(base[6])).meta().get("hyperparameters");
    assertEquals(0.2, same.get("lambda1").asDouble(), 1e-7, same.toString());
    assertEquals(0.0, same.get("batch_decay").asDouble(), 0.0, same.toString());
    // the new weights change the second epoch's steps
    assertFalse(java.util.Arrays.equals(ModelReader.open(Path.of(base[6])).matrix("item_embedding").data(),
        ModelReader.open(Path.of(changed[6])).matrix("item_embedding").data()));
    for (String[] flag : new String[][] {{"--svd-rank", "3"}, {"--power-iters", "1"}, {"--oversample", "2"}}) {
      CliRun bad = run(concat(changed, flag));
      assertEquals(2, bad.code(), bad.err());
      assertTrue(bad.err().contains("keeps the checkpoint's SVD view"), bad.err());
    }
  }

  @Test
  void refusesAFlagTheModelDoesNotRead() throws Exception {
    String[][] cases = {
        {"gfcf", "--lr", "0.1", "--lr applies to --model lightgcn, mf, lightgcl, ultragcn, not gfcf"},
        {"lightgcn", "--preset", "gowalla", "--preset applies to --model ultragcn, bspm, not lightgcn"},
        {"mostpop", "--epochs", "3", "--epochs applies to --model lightgcn, mf, lightgcl, ultragcn, not mostpop"},
        {"ultragcn", "--layers", "2", "--layers applies to --model lightgcn, mf, lightgcl, not ultragcn"},
        {"bspm", "--k", "5", "--k applies to --model gfcf only, not bspm"},
        {"gfcf", "--idl-beta", "0.2", "--idl-beta applies to --model bspm only, not gfcf"},
        {"mf", "--power-iters", "2", "--power-iters applies to --model lightgcl, gfcf, bspm, not mf"},
        {"gfcf", "--resume", "x", "--resume applies to --model lightgcn, mf, lightgcl, ultragcn, not gfcf"},
    };
    for (String[] c : cases) {
      Path out = tmp.resolve("refused-" + c[0]);
      CliRun r = run("train", "--model", c[0], "--data", SAMPLE, "--out", out.toString(), c[1], c[2]);
      assertEquals(2, r.code(), c[0] + " " + c[1] + ": " + r.err());
      assertTrue(r.err().contains(c[3]), r.err());
      assertFalse(Files.exists(out), out + " was written");
    }
    // the model read from the config file is the one checked
    CliRun f = run("train", "--config", writeConfig("{\"model\": \"gfcf\"}"), "--data", SAMPLE, "--out",
        tmp.resolve("f").toString(), "--decay", "1e-4");
    assertEquals(2, f.code(), f.err());
    assertTrue(f.err().contains("--decay applies to --model lightgcn, mf, not gfcf"), f.err());
  }

  private String writeConfig(String json) throws Exception {
    Path p = Files.createTempFile(tmp, "cfg", ".json");
    Files.writeString(p, json);
    return p.toString();
  }

  @Test
  void helpListsEveryTrainableModel() {
    CliRun h = run("train", "--help");
    assertEquals(0, h.code());
    for (String m : new String[] {"lightgcn", "mf", "mostpop", "lightgcl", "ultragcn", "gfcf", "bspm"}) {
      assertTrue(h.out().contains(m), m + " missing from: " + h.out());
    }
  }

  @Test
  void invalidInputExitsWithTwo() throws Exception {
    CliRun r = run("train", "--model", "nosuch", "--data", SAMPLE, "--out", tmp.resolve("x").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("unknown model 'nosuch'"), r.err());
    Path cfg = tmp.resolve("bad.json");
    Files.writeString(cfg, "{\"layerz\": 2}");
    CliRun c = run("train", "--config", cfg.toString(), "--model", "mf", "--data", SAMPLE, "--out", tmp.toString());
    assertEquals(2, c.code());
    assertTrue(c.err().contains("unknown option 'layerz'"), c.err());
    assertEquals(2, run("eval", "--model", tmp.resolve("absent").toString()).code());
  }

  private static String[] concat(String[] a, String... b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
