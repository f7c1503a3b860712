package io.graphcf.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.graphcf.testutil.SharedData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The acceptance check: import ../shared/data/gowalla through the CLI, then stats. */
class ImportGowallaTest {
  @TempDir
  Path tmp;

  @Test
  void importThenStatsReportsPublishedCounts() throws Exception {
    Path data = SharedData.dir("gowalla");
    Path store = tmp.resolve("gowalla");
    CliRun imp = CliRun.of("import", "--format", "lightgcn", "--train", data.resolve("train.txt").toString(), "--test",
        data.resolve("test.txt").toString(), "--out", store.toString());
    assertEquals(0, imp.code(), imp.err());
    CliRun stats = CliRun.of("stats", "--json", "--kcore", "10", store.toString());
    assertEquals(0, stats.code(), stats.err());
    JsonNode j = new ObjectMapper().readTree(stats.out());
    assertEquals(29_858, j.path("users").asInt());
    assertEquals(40_981, j.path("items").asInt());
    assertEquals(810_128, j.path("train").asLong());
    assertEquals(217_242, j.path("test").asLong());
  }
}
