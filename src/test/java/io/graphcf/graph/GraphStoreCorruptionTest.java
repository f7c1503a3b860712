package io.graphcf.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.graphcf.graph.io.CorruptFileException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every checksummed file of a store: a flipped byte or a truncation is reported naming the file. */
class GraphStoreCorruptionTest {
  @TempDir
  Path tmp;

  @TempDir
  static Path shared;

  private static Path pristine;

  /** One store written once (Chronicle Map creation is the slow part); each test corrupts a copy. */
  @BeforeAll
  static void writePristine() throws IOException {
    pristine = shared.resolve("pristine");
    GraphStore.write(RandomGraphs.split(3), pristine, null);
  }

  private Path store() throws IOException {
    Path dir = tmp.resolve("store");
    try (java.util.stream.Stream<Path> files = Files.walk(pristine)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.copy(p, dir.resolve(pristine.relativize(p).toString()));
      }
    }
    return dir;
  }

  private static Path file(Path dir, String name) {
    return name.equals(GraphStore.MANIFEST) ? dir.resolve(name) : dir.resolve("base").resolve(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {GraphStore.MANIFEST, "users.ids", "items.ids", "train-ui.csr", "train-iu.csr",
      "test-ui.csr"})
  void flippedByteInTheMiddleIsReported(String name) throws Exception {
    Path dir = store();
    Path f = file(dir, name);
    byte[] b = Files.readAllBytes(f);
    b[b.length / 2] ^= 0x10;
    Files.write(f, b);
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> GraphStore.open(dir));
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    assertEquals(f, e.path());
    assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {GraphStore.MANIFEST, "users.ids", "items.ids", "train-ui.csr", "train-iu.csr",
      "test-ui.csr"})
  void truncationIsReported(String name) throws Exception {
    Path dir = store();
    Path f = file(dir, name);
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 5);
    }
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> GraphStore.open(dir));
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.truncate(3);
    }
    e = assertThrows(CorruptFileException.class, () -> GraphStore.open(dir));
    assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void aFileFromAnotherStoreIsReported() throws Exception {
    Path dir = store();
    Path other = tmp.resolve("other");
    GraphStore.write(RandomGraphs.split(4), other, null);
    Files.copy(other.resolve("base/test-ui.csr"), dir.resolve("base/test-ui.csr"), StandardCopyOption.REPLACE_EXISTING);
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> GraphStore.open(dir));
    assertTrue(e.getMessage().contains("test-ui.csr does not belong to this store"), e.getMessage());
    assertEquals(dir.resolve(GraphStore.MANIFEST), e.path());
  }

  @Test
  void wrongMagicIsReported() throws Exception {
    Path dir = store();
    // A valid container of the wrong kind in place of a CSR file.
    Files.copy(dir.resolve("base/users.ids"), dir.resolve("base/train-ui.csr"), StandardCopyOption.REPLACE_EXISTING);
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> GraphStore.open(dir));
    assertTrue(e.getMessage().startsWith(dir.resolve("base/train-ui.csr") + " at offset 0: bad magic"),
        e.getMessage());
  }

  @Test
  void forwardMapsAreCheckedByCountAndSamples() throws Exception {
    Path dir = store();
    Path other = tmp.resolve("other");
    GraphStore.write(RandomGraphs.split(5), other, null);
    Files.copy(other.resolve("base/users.fwd"), dir.resolve("base/users.fwd"), StandardCopyOption.REPLACE_EXISTING);
    try (GraphStore s = GraphStore.open(dir)) { // the forward map is verified on first use
      CorruptFileException e = assertThrows(CorruptFileException.class, () -> s.users().openForward());
      assertTrue(e.getMessage().startsWith(dir.resolve("base/users.fwd").toString()), e.getMessage());
    }
    Path items = dir.resolve("base/items.fwd");
    try (FileChannel ch = FileChannel.open(items, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() / 2);
    }
    CorruptFileException t = assertThrows(CorruptFileException.class, () -> GraphStore.open(dir));
    assertTrue(t.getMessage().startsWith(items + ": forward map is ") && t.getMessage().endsWith("(truncated)"),
        t.getMessage());
    Files.delete(dir.resolve("base/items.fwd"));
    java.nio.file.NoSuchFileException m = assertThrows(java.nio.file.NoSuchFileException.class,
        () -> GraphStore.open(dir));
    assertEquals(dir.resolve("base/items.fwd").toString(), m.getFile());
  }

  @Test
  void unknownSegmentKindsAreRefused() throws Exception {
    Path dir = store();
    com.fasterxml.jackson.databind.node.ObjectNode m;
    try (GraphStore s = GraphStore.open(dir)) {
      m = s.manifest();
    }
    ((com.fasterxml.jackson.databind.node.ArrayNode) m.get("segments")).addObject().put("name", "d1")
        .put("kind", "delta").put("dir", "d1");
    byte[] json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(m);
    try (io.graphcf.graph.io.BinaryFileWriter w = io.graphcf.graph.io.BinaryFileWriter.create(
        dir.resolve(GraphStore.MANIFEST), GraphStore.MANIFEST_MAGIC, GraphStore.FORMAT_VERSION)) {
      w.putLong(json.length).putBytes(json, 0, json.length);
      w.commit();
    }
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> GraphStore.open(dir));
    assertTrue(e.getMessage().contains("unsupported segments"), e.getMessage());
  }
}
