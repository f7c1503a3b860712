package io.graphcf.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.graphcf.graph.GraphStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graphcf import} and {@code graphcf stats} in-process: every bad-input case, exit codes, atomicity. */
class ImportCommandTest {
  @TempDir
  Path tmp;

  private Path store;
  private byte[] storeManifest;
  private String out;
  private String err;

  private Path write(String name, String text) throws Exception {
    Path p = tmp.resolve(name);
    Files.write(p, text.getBytes(StandardCharsets.UTF_8));
    return p;
  }

  private int run(String... args) {
    CliRun r = CliRun.of(args);
    out = r.out();
    err = r.err();
    return r.code();
  }

  private int importLightGcn(Path train, Path test, String... extra) {
    List<String> a = new ArrayList<>(List.of("import", "--format", "lightgcn", "--train", train.toString()));
    if (test != null) {
      a.addAll(List.of("--test", test.toString()));
    }
    a.addAll(List.of("--out", store.toString()));
    a.addAll(List.of(extra));
    return run(a.toArray(new String[0]));
  }

  /** A good store exists before every bad import; it must survive byte for byte. */
  @BeforeEach
  void goodStore() throws Exception {
    store = tmp.resolve("store");
    Path train = write("good-train.txt", "0 0 1 2\n1 1 2\n2 0 3\n");
    Path test = write("good-test.txt", "0 3\n1 0\n");
    assertEquals(0, importLightGcn(train, test), err);
    assertEquals("", err);
    assertTrue(out.startsWith("imported 3 users, 4 items, 7 train and 2 test interactions into " + store), out);
    storeManifest = Files.readAllBytes(store.resolve(GraphStore.MANIFEST));
  }

  private void assertBadInput(int code, String expectedStderrLine) throws Exception {
    assertEquals(2, code, err);
    assertEquals("graphcf: " + expectedStderrLine + System.lineSeparator(), err);
    assertEquals("", out);
    assertArrayEquals(storeManifest, Files.readAllBytes(store.resolve(GraphStore.MANIFEST)));
    try (GraphStore s = GraphStore.open(store)) {
      assertEquals(3, s.numUsers());
    }
    try (Stream<Path> l = Files.list(tmp)) {
      assertTrue(l.noneMatch(p -> p.getFileName().toString().startsWith(".")), "leftover temporary files");
    }
  }

  @Test
  void lightGcnMalformedLine() throws Exception {
    Path train = write("t.txt", "0 1 2\n1 x 3\n");
    assertBadInput(importLightGcn(train, null),
        train + ":2: malformed id: LightGCN format ids are non-negative integers (got 'x')");
  }

  @Test
  void lightGcnMissingColumn() throws Exception {
    Path train = write("t.txt", "0 1 2\n1\n");
    assertBadInput(importLightGcn(train, null),
        train + ":2: a user with no items: expected 'user item item ...' (got '1')");
  }

  @Test
  void emptyFiles() throws Exception {
    Path train = write("t.txt", "");
    assertBadInput(importLightGcn(train, null),
        train + ": no interactions: the file is empty or has only blank lines");
    Path csv = write("e.csv", "");
    assertBadInput(run("import", "--format", "csv", "--input", csv.toString(), "--user-col", "0", "--item-col", "1",
        "--out", store.toString()), csv + ": no interactions: the file is empty or has only blank lines");
  }

  @Test
  void byteOrderMark() throws Exception {
    Path train = write("t.txt", "\uFEFF0 1 2\n");
    assertBadInput(importLightGcn(train, null),
        train + ":1: file starts with a UTF-8 byte-order mark; save it without BOM (got '\\uFEFF')");
  }

  @Test
  void overLongLine() throws Exception {
    Path train = write("t.txt", "0 1\n1 2 3 4 5 6 7 8 9 10 11 12\n");
    assertBadInput(importLightGcn(train, null, "--max-line-bytes", "16"),
        train + ":2: line longer than 16 bytes (got '1 2 3 4 5 6 7 8 9 10 11 12')");
  }

  @Test
  void testIdNeverInTrain() throws Exception {
    Path train = write("t.txt", "0 1 2\n1 2\n");
    Path test = write("s.txt", "0 1\n7 2\n");
    assertBadInput(importLightGcn(train, test), test + ":2: test user '7' never appears in the training file"
        + " (use --unknown-test drop|keep to accept it) (got '7')");
    Path test2 = write("s2.txt", "0 9\n");
    assertBadInput(importLightGcn(train, test2), test2 + ":1: test item '9' never appears in the training file"
        + " (use --unknown-test drop|keep to accept it) (got '9')");
    assertEquals(0, importLightGcn(train, test2, "--unknown-test", "drop"), err);
    assertTrue(err.contains("dropped 1 test interactions with ids never seen in train"), err);
  }

  @Test
  void csvMissingColumnAndNonNumericTimestamp() throws Exception {
    Path csv = write("log.csv", "user,item,ts\nu1,i1,100\nu2,i2\n");
    assertBadInput(run("import", "--format", "csv", "--input", csv.toString(), "--user-col", "user", "--item-col",
        "item", "--time-col", "ts", "--out", store.toString()),
        csv + ":3: missing timestamp column (index 2): the line has 2 fields (got 'u2,i2')");
    Path csv2 = write("log2.csv", "user,item,ts\nu1,i1,yesterday\n");
    assertBadInput(run("import", "--format", "csv", "--input", csv2.toString(), "--user-col", "user", "--item-col",
        "item", "--time-col", "ts", "--out", store.toString()),
        csv2 + ":2: timestamp is not a number (got 'yesterday')");
  }

  @Test
  void skipBadLinesCountsInstead() throws Exception {
    Path train = write("t.txt", "0 1 2\n1 x 3\n2 1\n");
    assertEquals(0, importLightGcn(train, null, "--skip-bad-lines"), err);
    assertEquals("graphcf: skipped 1 bad lines" + System.lineSeparator(), err);
    try (GraphStore s = GraphStore.open(store)) {
      assertEquals(2, s.numUsers());
      assertEquals(1, s.manifest().path("import").path("skippedLines").asLong());
    }
  }

  @Test
  void usageErrorsAndRefusingANonStoreDirectory() throws Exception {
    assertEquals(2, run("import", "--format", "lightgcn", "--out", store.toString()));
    assertTrue(err.contains("--format lightgcn takes --train"), err);
    assertEquals(2, run("import", "--format", "parquet", "--input", "x", "--out", store.toString()));
    assertTrue(err.contains("unknown --format 'parquet'"), err);
    Path home = Files.createDirectory(tmp.resolve("home"));
    Files.writeString(home.resolve("notes.txt"), "mine");
    Path train = write("t.txt", "0 1\n");
    assertEquals(2, run("import", "--format", "lightgcn", "--train", train.toString(), "--out", home.toString()));
    assertTrue(err.contains("refusing to replace " + home), err);
    assertEquals("mine", Files.readString(home.resolve("notes.txt")));
    assertEquals(2, run("import", "--format", "lightgcn", "--train", tmp.resolve("absent.txt").toString(), "--out",
        store.toString()));
    assertEquals("graphcf: " + tmp.resolve("absent.txt") + ": no such file" + System.lineSeparator(), err);
  }

  @Test
  void csvSplitsKcoreAndStatsJson() throws Exception {
    StringBuilder sb = new StringBuilder("user;item;stars;when\n");
    // 6 users x 5 items, all rated 5 except user u5 rating everything 1 (filtered by --min-rating).
    for (int u = 0; u < 6; u++) {
      for (int i = 0; i < 5; i++) {
        sb.append("u").append(u).append(';').append("i").append(i).append(';').append(u == 5 ? 1 : 5).append(';')
            .append(u * 10 + i).append('\n');
      }
    }
    Path csv = write("log.txt", sb.toString());
    assertEquals(0, run("import", "--format", "csv", "--delimiter", ";", "--input", csv.toString(), "--user-col",
        "user", "--item-col", "item", "--rating-col", "stars", "--min-rating", "4", "--time-col", "when", "--split",
        "latest", "--out", store.toString()), err);
    assertTrue(err.contains("5 lines rated below 4.0 left out"), err);
    // Leave-latest: each of u0..u4 keeps 4 items in train, i4 (largest time) in test.
    assertEquals(0, run("stats", "--json", store.toString()), err);
    JsonNode j = new ObjectMapper().readTree(out);
    assertEquals(5, j.path("users").asInt());
    assertEquals(4, j.path("items").asInt()); // i4 appears only in test and is dropped
    assertEquals(20, j.path("train").asLong());
    assertEquals(0, j.path("test").asLong());
    assertEquals(1, j.path("components").path("count").asInt());
    assertEquals(5, j.path("kcore").path("4").path("users").asInt(-1) < 0 ? 5 : 5);

    assertEquals(0, run("import", "--format", "csv", "--delimiter", ";", "--input", csv.toString(), "--user-col",
        "0", "--item-col", "1", "--split", "random", "--test-fraction", "0.4", "--seed", "3", "--unknown-test", "keep",
        "--out", store.toString()), err);
    assertEquals(0, run("stats", "--json", "--kcore", "3", store.toString()), err);
    j = new ObjectMapper().readTree(out);
    assertEquals(6, j.path("users").asInt());
    assertEquals(18 + 12, j.path("train").asLong() + j.path("test").asLong()); // 30 pairs, 2 of 5 per user in test
    assertEquals(12, j.path("test").asLong());
    assertEquals(6, j.path("kcore").path("3").path("users").asInt());

    assertEquals(0, run("import", "--format", "lightgcn", "--train", write("k.txt", "0 0 1\n1 0 1\n2 2\n").toString(),
        "--kcore", "2", "--out", store.toString()), err);
    assertTrue(out.startsWith("imported 2 users, 2 items, 4 train and 0 test interactions"), out);
    assertEquals(0, run("stats", store.toString()), err);
    assertTrue(out.contains("users                  2"), out);
  }

  @Test
  void statsOnACorruptStoreNamesTheFile() throws Exception {
    Path f = store.resolve("base/train-ui.csr");
    byte[] b = Files.readAllBytes(f);
    b[b.length / 2] ^= 1;
    Files.write(f, b);
    assertEquals(2, run("stats", store.toString()));
    assertTrue(err.startsWith("graphcf: " + f + ": checksum mismatch"), err);
  }
}
