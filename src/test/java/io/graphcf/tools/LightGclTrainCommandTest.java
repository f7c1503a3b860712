package io.graphcf.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.graphcf.propagation.model.ModelReader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graphcf train --model lightgcl} in-process on the embedded Amazon-Electronics sample. */
class LightGclTrainCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SAMPLE = "data/amazon-electronics";

  @TempDir
  Path tmp;

  @Test
  void trainsAnEmbeddingModelWithItsFlags() throws Exception {
    Path model = tmp.resolve("lgcl");
    CliRun r = CliRun.of("train", "--model", "lightgcl", "--data", SAMPLE, "--out", model.toString(), "--epochs", "1",
        "--dim", "8", "--batch", "8192", "--lambda1", "0.1", "--tau", "0.3", "--lambda2", "0", "--batch-decay", "0.5",
        "--svd-rank", "3", "--edge-dropout", "0.1", "--layers", "1", "--infonce-negatives", "batch", "--threads", "2", "--no-progress");
    assertEquals(0, r.code(), r.err());
    JsonNode line = JSON.readTree(r.out().trim());
    assertTrue(line.has("recall@20"), line.toString());
    ModelReader reader = ModelReader.open(model);
    JsonNode meta = reader.meta();
    assertEquals("lightgcl", meta.get("model").asText());
    assertEquals("embedding", meta.get("kind").asText());
    JsonNode h = meta.get("hyperparameters");
    assertEquals(0.1, h.get("lambda1").asDouble(), 1e-6);
    assertEquals(0.3, h.get("tau").asDouble(), 1e-6);
    assertEquals(0.5, h.get("batch_decay").asDouble(), 1e-6);
    assertEquals(3, h.get("svd_rank").asInt());
    assertEquals(1, h.get("layers").asInt());
    assertEquals("batch", h.get("infonce_negatives").asText());
    assertEquals(1435, reader.matrix("user_embedding").rows());
    assertEquals(8, reader.matrix("item_embedding").cols());
  }

  @Test
  void rejectsBadValuesWithExitTwo() {
    CliRun a = CliRun.of("train", "--model", "lightgcl", "--data", SAMPLE, "--out", tmp.resolve("a").toString(),
        "--tau", "0");
    assertEquals(2, a.code());
    assertTrue(a.err().contains("tau"), a.err());
    CliRun b = CliRun.of("train", "--model", "lightgcl", "--data", SAMPLE, "--out", tmp.resolve("b").toString(),
        "--decay", "1e-4");
    assertEquals(2, b.code());
    assertTrue(b.err().contains("--lambda2") && b.err().contains("--batch-decay"), b.err());
    CliRun n = CliRun.of("train", "--model", "lightgcl", "--data", SAMPLE, "--out", tmp.resolve("n").toString(),
        "--batch-decay", "-1");
    assertEquals(2, n.code());
    assertTrue(n.err().contains("batchDecay must be >= 0"), n.err());
    CliRun c = CliRun.of("train", "--model", "lightgcl", "--data", SAMPLE, "--out", tmp.resolve("c").toString(),
        "--infonce-negatives", "some");
    assertEquals(2, c.code());
    assertTrue(c.err().contains("'all' or 'batch'"), c.err());
    CliRun d = CliRun.of("train", "--model", "lightgcn", "--data", SAMPLE, "--out", tmp.resolve("d").toString(),
        "--infonce-negatives", "batch");
    assertEquals(2, d.code());
    assertTrue(d.err().contains("--infonce-negatives applies to --model lightgcl only"), d.err());
  }
}
