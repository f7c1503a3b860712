package io.graphcf.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.graphcf.propagation.model.ModelReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graphcf train --model ultragcn} in-process on the embedded Amazon-Electronics sample. */
class UltraGcnTrainCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SAMPLE = "data/amazon-electronics";

  @TempDir
  Path tmp;

  private static int run(StringWriter o, StringWriter e, String... args) {
    return GraphCf.run(args, new PrintWriter(o), new PrintWriter(e));
  }

  @Test
  void presetThenFlagsThenResume() throws Exception {
    Path model = tmp.resolve("ug");
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = run(o, e, "train", "--model", "ultragcn", "--preset", "amazon-book", "--data", SAMPLE, "--out",
        model.toString(), "--epochs", "1", "--dim", "8", "--negatives", "20", "--lambda", "0.5", "--w1", "0.001",
        "--ii-neighbours", "4", "--seed", "3", "--threads", "2", "--no-progress");
    assertEquals(0, code, e.toString());
    JsonNode line = JSON.readTree(o.toString().trim());
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

    StringWriter o2 = new StringWriter();
    StringWriter e2 = new StringWriter();
    Path resumed = tmp.resolve("ug2");
    assertEquals(0, run(o2, e2, "train", "--model", "ultragcn", "--data", SAMPLE, "--out", resumed.toString(), "--epochs",
        "2", "--resume", model.toString(), "--threads", "2", "--no-progress"), e2.toString());
    assertEquals(20, ModelReader.open(resumed).meta().get("hyperparameters").get("negative_num").asInt());
  }

  @Test
  void rejectsBadValuesWithExitTwo() {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    assertEquals(2, run(o, e, "train", "--model", "ultragcn", "--data", SAMPLE, "--out", tmp.resolve("a").toString(),
        "--negatives", "-3"));
    assertTrue(e.toString().contains("negative_num"), e.toString());
    StringWriter e2 = new StringWriter();
    assertEquals(2, run(o, e2, "train", "--model", "ultragcn", "--data", SAMPLE, "--out", tmp.resolve("b").toString(),
        "--preset", "movielens"));
    assertTrue(e2.toString().contains("preset"), e2.toString());
  }
}
