package io.graphcf.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.graphcf.index.Recommender;
import io.graphcf.index.RecommenderTest;
import java.io.PrintWriter;
import java.io.StringWriter;
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

  static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = GraphCf.run(args, new PrintWriter(out), new PrintWriter(err));
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  @Test
  void recommendPrintsItemTabScoreBestFirst() {
    int u = 11;
    String[] r = run("recommend", "--model", model.toString(), "--user", RecommenderTest.uid(u), "-k", "20", "--exact");
    assertEquals("0", r[0], r[2]);
    String[] lines = r[1].trim().split("\n");
    assertEquals(20, lines.length);
    int[] got = Arrays.stream(lines).mapToInt(l -> Integer.parseInt(l.split("\t")[0].substring(5))).toArray();
    float[] q = Arrays.copyOfRange(RecommenderTest.userEmb, u * RecommenderTest.DIM, (u + 1) * RecommenderTest.DIM);
    assertArrayEquals(RecommenderTest.expected(q, 20, RecommenderTest.seen[u]), got);
  }

  @Test
  void jsonAndColdStart() throws Exception {
    String[] r = run("recommend", "--model", model.toString(), "--items", "item-1,item-2", "-k", "5", "--json");
    assertEquals("0", r[0], r[2]);
    JsonNode o = new ObjectMapper().readTree(r[1]);
    assertEquals(5, o.path("items").size());
    assertTrue(o.path("items").get(0).has("score"));
    for (JsonNode n : o.path("items")) {
      assertTrue(!n.path("item").asText().equals("item-1") && !n.path("item").asText().equals("item-2"));
    }
  }

  @Test
  void badInputExitsTwoWithAMessage() {
    String[] r = run("recommend", "--model", model.toString(), "--user", "ghost");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("unknown user 'ghost'"), r[2]);
    r = run("recommend", "--model", model.toString(), "--user", "u1", "-k", "0");
    assertEquals("2", r[0]);
    r = run("recommend", "--model", tmp.resolve("missing").toString(), "--user", "u1");
    assertEquals("2", r[0], r[2]);
  }

  @Test
  void indexBuildReplacesTheIndexAtomically() throws Exception {
    Path file = model.resolve(Recommender.INDEX_FILE);
    byte[] before = Files.readAllBytes(file);
    String[] r = run("index", "build", "--model", model.toString(), "--m", "8", "--ef-construction", "50",
        "--seed", "5", "--threads", "2");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[2].contains("items.hnsw"), r[2]);
    assertTrue(r[2].matches("(?s).*search beam \\d+: recall@20 0\\.9[5-9]\\d* on \\d+ sampled users, their training items excluded.*"), r[2]);
    byte[] after = Files.readAllBytes(file);
    assertTrue(!Arrays.equals(before, after), "index was not rewritten");
    try (var s = Files.list(model)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "temporary file left behind");
    }
    r = run("recommend", "--model", model.toString(), "--user", "u3", "-k", "10");
    assertEquals("0", r[0], r[2]);
    assertEquals(10, r[1].trim().split("\n").length);
    r = run("index", "build", "--model", model.toString(), "--m", "1");
    assertEquals("2", r[0]);
    r = run("index", "build", "--model", model.toString(), "--target-recall", "1.5");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("target"), r[2]);
    r = run("index", "build", "--model", model.toString(), "--store", tmp.resolve("store").toString());
    assertEquals("0", r[0], r[2]);
    assertTrue(r[2].contains("their training items excluded"), r[2]);
    byte[] kept = Files.readAllBytes(file);
    r = run("index", "build", "--model", model.toString(), "--store", tmp.resolve("no-such-store").toString());
    assertTrue(!r[0].equals("0") && r[2].contains("no-such-store"), r[0] + " " + r[2]);
    assertArrayEquals(kept, Files.readAllBytes(file), "a failed build changed the index");
    r = run("index", "build", "--model", model.toString(), "--ef-search", "77", "--threads", "1");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[2].contains("search beam 77 (fixed)"), r[2]);
    try (Recommender rec = Recommender.open(model)) {
      assertEquals(77, rec.searchBeam());
    }
  }
}
