package io.graphcf.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.graphcf.propagation.model.ModelReader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graphcf train --model ultragcn} in-process on the embedded Amazon-Electronics sample. */
class UltraGcnTrainCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SAMPLE = "data/amazon-electronics";

  @TempDir
  Path tmp;


  @Test
  void presetThenFlagsThenResume() throws Exception {
    Path model = tmp.resolve("ug");
    CliRun r = CliRun.of("train", "--model", "ultragcn", "--preset", "amazon-book", "--data", SAMPLE, "--out",
        model.toString(), "--epochs", "1", "--dim", "8", "--negatives", "20", "--lambda", "0.5", "--w1", "0.001",
        "--ii-neighbours", "4", "--seed", "3", "--threads", "2", "--no-progress");
    assertEquals(0, r.code(), r.err());
    JsonNode line = JSON.readTree(r.out().trim());
    assertTrue(line.has("recall@20"), line.toString());
    ModelReader reader = ModelReader.open(model);
    JsonNode meta = reader.meta();
    assertEquals("ultragcn", meta.get("model").asText());
    assertEquals("embedding", meta.get("kind").asText());
    JsonNode h = meta.get("hyperparameters");
    assertEquals(20, h.get("negative_num").asInt());
    assertEquals(0.5, h.get("lambda").asDouble());
    assertEquals(0.001, h.get("w1").asDouble());
    assertEquals(4, h.get("ii_neighbor_num").asInt());
    assertEquals(3, h.get("seed").asLong());
    // from the amazon-book preset
    assertEquals(500, h.get("negative_weight").asDouble());
    assertEquals(1024, h.get("batch_size").asInt());
    assertEquals(1435, reader.matrix("user_embedding").rows());
    assertEquals(8, reader.matrix("item_embedding").cols());

    Path resumed = tmp.resolve("ug2");
    CliRun r2 = CliRun.of("train", "--model", "ultragcn", "--data", SAMPLE, "--out", resumed.toString(), "--epochs", "2",
        "--resume", model.toString(), "--batch", "256", "--threads", "2", "--no-progress");
    assertEquals(0, r2.code(), r2.err());
    JsonNode h2 = ModelReader.open(resumed).meta().get("hyperparameters");
    assertEquals(20, h2.get("negative_num").asInt());
    assertEquals(256, h2.get("batch_size").asInt());
  }

  @Test
  void rejectsBadValuesWithExitTwo() {
    CliRun a = CliRun.of("train", "--model", "ultragcn", "--data", SAMPLE, "--out", tmp.resolve("a").toString(),
        "--negatives", "-3");
    assertEquals(2, a.code());
    assertTrue(a.err().contains("negative_num"), a.err());
    CliRun b = CliRun.of("train", "--model", "ultragcn", "--data", SAMPLE, "--out", tmp.resolve("b").toString(),
        "--preset", "movielens");
    assertEquals(2, b.code());
    assertTrue(b.err().contains("preset"), b.err());
  }
}
