package io.graphcf.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphStoreTest {
  @TempDir
  Path tmp;

  /** 3 users x 4 items, user "c" has no train edge; a duplicate pair collapses. */
  static ImportedSplit tiny() {
    ImportedSplit s = new ImportedSplit();
    int a = s.users.intern("a");
    int b = s.users.intern("b");
    int c = s.users.intern("c");
    int[] it = new int[4];
    for (int i = 0; i < 4; i++) {
      it[i] = s.items.intern("item" + i);
    }
    int[][] train = {{a, it[0]}, {a, it[2]}, {b, it[1]}, {b, it[2]}, {b, it[2]}, {a, it[3]}};
    for (int[] p : train) {
      s.trainUsers.add(p[0]);
      s.trainItems.add(p[1]);
    }
    s.testUsers.add(c);
    s.testItems.add(it[3]);
    s.testUsers.add(a);
    s.testItems.add(it[1]);
    return s;
  }

  @Test
  void roundTripTinyHandComputed() throws Exception {
    Path dir = tmp.resolve("store");
    ObjectNode info = JsonNodeFactory.instance.objectNode().put("note", "tiny");
    GraphStore.write(tiny(), dir, info);
    try (GraphStore s = GraphStore.open(dir)) {
      assertEquals(3, s.numUsers());
      assertEquals(4, s.numItems());
      assertEquals(5, s.trainNnz()); // 6 pairs, (b, item2) twice
      assertEquals(2, s.testNnz());
      // train user→items: a = {0, 2, 3}, b = {1, 2}, c = {} → rowStart 0, 3, 5, 5.
      assertEquals(3, s.trainUserItems().rowStart(1));
      assertEquals(0, s.trainUserItems().degree(2));
      // item→users: item0 = {a}, item1 = {b}, item2 = {a, b}, item3 = {a}.
      assertEquals(2, s.trainItemUsers().degree(2));
      assertEquals("c", s.users().externalId(2));
      assertEquals(1, s.items().ordinal("item1"));
      assertEquals(-1, s.items().ordinal("item9"));
      assertEquals("tiny", s.manifest().path("import").path("note").asText());
      assertEquals(1, s.manifest().path("segments").size());
      assertEquals("base", s.manifest().path("segments").get(0).path("kind").asText());
      Dataset d = s.loadDataset();
      assertEquals(tiny().toDataset().train().userItems(), d.train().userItems());
      assertEquals(tiny().toDataset().train().itemUsers(), d.train().itemUsers());
      assertEquals(tiny().toDataset().test(), d.test());
      assertEquals(16, s.fingerprint().length());
    }
  }

  @Test
  void roundTripRandomSplitsAndStableFingerprints() throws Exception {
    for (long seed = 0; seed < 12; seed++) {
      ImportedSplit sp = RandomGraphs.split(seed);
      Path a = tmp.resolve("a" + seed);
      Path b = tmp.resolve("b" + seed);
      GraphStore.write(sp, a, null);
      GraphStore.write(sp, b, null);
      Dataset ref = sp.toDataset();
      try (GraphStore s = GraphStore.open(a); GraphStore t = GraphStore.open(b)) {
        Dataset d = s.loadDataset();
        assertEquals(ref.train().userItems(), d.train().userItems(), "seed " + seed);
        assertEquals(ref.train().itemUsers(), d.train().itemUsers(), "seed " + seed);
        assertEquals(ref.test(), d.test(), "seed " + seed);
        for (int u = 0; u < sp.users.size(); u++) {
          assertEquals(sp.users.ids().get(u), s.users().externalId(u));
        }
        assertEquals(s.fingerprint(), t.fingerprint(), "same data, same fingerprint (seed " + seed + ")");
      }
    }
    try (GraphStore s = GraphStore.open(tmp.resolve("a0")); GraphStore t = GraphStore.open(tmp.resolve("a1"))) {
      assertNotEquals(s.fingerprint(), t.fingerprint());
    }
  }

  /**
   * The ordinal-level content checksum: the same from the mapped store and from the heap copy, the same
   * under other external ids (where the fingerprint differs), different when one interaction moves,
   * and equal to a CRC32C over the documented byte layout built here by hand.
   */
  @Test
  void contentChecksumFollowsTheOrdinalsNotTheIds() throws Exception {
    for (long seed = 0; seed < 12; seed++) {
      ImportedSplit sp = RandomGraphs.split(seed);
      Path a = tmp.resolve("c" + seed);
      GraphStore.write(sp, a, null);
      ImportedSplit renamed = new ImportedSplit();
      for (String id : sp.users.ids()) {
        renamed.users.intern("other-" + id);
      }
      for (String id : sp.items.ids()) {
        renamed.items.intern(id);
      }
      for (int k = 0; k < sp.trainUsers.size(); k++) {
        renamed.trainUsers.add(sp.trainUsers.getInt(k));
        renamed.trainItems.add(sp.trainItems.getInt(k));
      }
      for (int k = 0; k < sp.testUsers.size(); k++) {
        renamed.testUsers.add(sp.testUsers.getInt(k));
        renamed.testItems.add(sp.testItems.getInt(k));
      }
      Path b = tmp.resolve("r" + seed);
      GraphStore.write(renamed, b, null);
      try (GraphStore s = GraphStore.open(a); GraphStore t = GraphStore.open(b)) {
        String where = "seed " + seed;
        assertEquals(byHand(sp.toDataset()), s.contentChecksum(), where);
        assertEquals(s.contentChecksum(), s.loadDataset().contentChecksum(), where);
        assertEquals(s.contentChecksum(), t.contentChecksum(), where);
        assertNotEquals(s.fingerprint(), t.fingerprint(), where);
      }
    }
    ImportedSplit moved = tiny();
    moved.testItems.set(0, moved.testItems.getInt(0) == 0 ? 1 : 0);
    assertNotEquals(tiny().toDataset().contentChecksum(), moved.toDataset().contentChecksum());
  }

  /**
   * CRC32C of: users, items (int32 LE); per matrix (train, test): rows (int32), row pointers (int64),
   * columns (int32).
   */
  private static String byHand(Dataset d) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    writeLe(bytes, d.numUsers(), 4);
    writeLe(bytes, d.numItems(), 4);
    for (CsrMatrix m : new CsrMatrix[] {d.train().userItems(), d.test()}) {
      writeLe(bytes, m.rows(), 4);
      for (int r = 0; r <= m.rows(); r++) {
        writeLe(bytes, m.rowPtr()[r], 8);
      }
      for (int p = 0; p < m.nnz(); p++) {
        writeLe(bytes, m.colIdx()[p], 4);
      }
    }
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(bytes.toByteArray());
    return String.format("%08x", crc.getValue());
  }

  private static void writeLe(java.io.ByteArrayOutputStream out, long v, int width) {
    for (int b = 0; b < width; b++) {
      out.write((int) (v >>> (8 * b)) & 0xff);
    }
  }

  @Test
  void replacesAPreviousStoreAndLeavesNoTemporaryFiles() throws Exception {
    Path dir = tmp.resolve("store");
    GraphStore.write(RandomGraphs.split(1), dir, null);
    GraphStore.write(tiny(), dir, null);
    try (GraphStore s = GraphStore.open(dir)) {
      assertEquals(3, s.numUsers());
    }
    try (Stream<Path> l = Files.list(tmp)) {
      assertEquals(List.of(dir), l.toList());
    }
  }

  @Test
  void refusesToReplaceSomethingThatIsNotAStore() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("home"));
    Files.writeString(dir.resolve("precious.txt"), "keep me");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GraphStore.write(tiny(), dir, null));
    assertTrue(e.getMessage().contains("not a graphcf store"), e.getMessage());
    assertEquals("keep me", Files.readString(dir.resolve("precious.txt")));
    try (Stream<Path> l = Files.list(tmp)) {
      assertEquals(List.of(dir), l.toList());
    }
  }

  @Test
  void aFailedWriteLeavesThePreviousStoreUntouched() throws Exception {
    Path dir = tmp.resolve("store");
    GraphStore.write(tiny(), dir, null);
    byte[] before = Files.readAllBytes(dir.resolve(GraphStore.MANIFEST));
    ImportedSplit bad = tiny();
    bad.users.intern("extra"); // dictionary of 4 users over a 3-user dataset
    assertThrows(IllegalArgumentException.class, () -> GraphStore.write(bad.toDataset(), List.of("a"),
        bad.items.ids(), dir, null));
    assertArrayEquals(before, Files.readAllBytes(dir.resolve(GraphStore.MANIFEST)));
    try (GraphStore s = GraphStore.open(dir)) {
      assertEquals(3, s.numUsers());
    }
    try (Stream<Path> l = Files.list(tmp)) {
      assertEquals(List.of(dir), l.toList());
    }
  }

  @Test
  void manyThreadsOpenAndReadAtOnce() throws Exception {
    Path dir = tmp.resolve("store");
    ImportedSplit sp = RandomGraphs.split(7);
    GraphStore.write(sp, dir, null);
    Dataset ref = sp.toDataset();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (GraphStore shared = GraphStore.open(dir)) {
      List<Future<Boolean>> fs = new ArrayList<>();
      for (int t = 0; t < 24; t++) {
        int task = t;
        fs.add(pool.submit(() -> {
          try (GraphStore own = task % 3 == 0 ? null : GraphStore.open(dir)) {
            GraphStore s = own == null ? shared : own;
            boolean ok = ref.train().userItems().equals(s.trainUserItems().toHeap())
                && ref.test().equals(s.testUserItems().toHeap());
            for (int u = 0; u < s.numUsers(); u++) {
              ok &= s.users().ordinal(s.users().externalId(u)) == u;
            }
            return ok;
          }
        }));
      }
      for (Future<Boolean> f : fs) {
        assertTrue(f.get());
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void missingDirectoryOrManifest() throws Exception {
    assertThrows(java.nio.file.NoSuchFileException.class, () -> GraphStore.open(tmp.resolve("nope")));
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    java.nio.file.NoSuchFileException e = assertThrows(java.nio.file.NoSuchFileException.class,
        () -> GraphStore.open(empty));
    assertEquals(empty.resolve(GraphStore.MANIFEST).toString(), e.getFile());
    assertFalse(Files.exists(empty.resolve(GraphStore.MANIFEST)));
  }
}
