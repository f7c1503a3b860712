package io.graphcf.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.graphcf.index.Recommender;
import io.graphcf.index.RecommenderTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graphcf index build} and {@code graphcf recommend}, run in-process against brute force. */
class RecommendCommandTest {
  @TempDir
  static Path tmp;
  static Path model;

  @BeforeAll
  static void fixture() throws Exception {
    model = RecommenderTest.createFixture(tmp);
  }

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void recommendPrintsItemTabScoreBestFirst() {
    int u = 11;
    CliRun r = run("recommend", "--model", model.toString(), "--user", RecommenderTest.uid(u), "-k", "20", "--exact");
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().trim().split("\n");
    assertEquals(20, lines.length);
    int[] got = Arrays.stream(lines).mapToInt(l -> Integer.parseInt(l.split("\t")[0].substring(5))).toArray();
    float[] q = Arrays.copyOfRange(RecommenderTest.userEmb, u * RecommenderTest.DIM, (u + 1) * RecommenderTest.DIM);
    assertArrayEquals(RecommenderTest.expected(q, 20, RecommenderTest.seen[u]), got);
  }

  @Test
  void jsonAndColdStart() throws Exception {
    CliRun r = run("recommend", "--model", model.toString(), "--items", "item-1,item-2", "-k", "5", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode o = new ObjectMapper().readTree(r.out());
    assertEquals(5, o.path("items").size());
    assertTrue(o.path("items").get(0).has("score"));
    for (JsonNode n : o.path("items")) {
      assertTrue(!n.path("item").asText().equals("item-1") && !n.path("item").asText().equals("item-2"));
    }
  }

  @Test
  void badInputExitsTwoWithAMessage() {
    CliRun r = run("recommend", "--model", model.toString(), "--user", "ghost");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("unknown user 'ghost'"), r.err());
    r = run("recommend", "--model", model.toString(), "--user", "u1", "-k", "0");
    assertEquals(2, r.code());
    r = run("recommend", "--model", tmp.resolve("missing").toString(), "--user", "u1");
    assertEquals(2, r.code(), r.err());
  }

  @Test
  void indexBuildReplacesTheIndexAtomically() throws Exception {
    Path file = model.resolve(Recommender.INDEX_FILE);
    byte[] before = Files.readAllBytes(file);
    CliRun r = run("index", "build", "--model", model.toString(), "--m", "8", "--ef-construction", "50",
        "--seed", "5", "--threads", "2");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("items.hnsw"), r.err());
    assertTrue(r.err().matches("(?s).*search beam \\d+: recall@20 0\\.9[5-9]\\d* on \\d+ sampled users, their training items excluded.*"), r.err());
    byte[] after = Files.readAllBytes(file);
    assertTrue(!Arrays.equals(before, after), "index was not rewritten");
    try (var s = Files.list(model)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "temporary file left behind");
    }
    r = run("recommend", "--model", model.toString(), "--user", "u3", "-k", "10");
    assertEquals(0, r.code(), r.err());
    assertEquals(10, r.out().trim().split("\n").length);
    r = run("index", "build", "--model", model.toString(), "--m", "1");
    assertEquals(2, r.code());
    r = run("index", "build", "--model", model.toString(), "--target-recall", "1.5");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("target"), r.err());
    r = run("index", "build", "--model", model.toString(), "--store", tmp.resolve("store").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("their training items excluded"), r.err());
    byte[] kept = Files.readAllBytes(file);
    r = run("index", "build", "--model", model.toString(), "--store", tmp.resolve("no-such-store").toString());
    assertTrue(r.code() != 0 && r.err().contains("no-such-store"), r.code() + " " + r.err());
    assertArrayEquals(kept, Files.readAllBytes(file), "a failed build changed the index");
    r = run("index", "build", "--model", model.toString(), "--ef-search", "77", "--threads", "1");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("search beam 77 (fixed)"), r.err());
    try (Recommender rec = Recommender.open(model)) {
      assertEquals(77, rec.searchBeam());
    }
  }
}
