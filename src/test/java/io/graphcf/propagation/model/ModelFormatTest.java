package io.graphcf.propagation.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.graph.io.CorruptFileException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFormatTest {
  @TempDir
  Path dir;

  private static ObjectNode meta(String model) {
    ObjectNode m = ModelWriter.JSON.createObjectNode();
    m.put("model", model).put("kind", "embedding");
    m.putObject("hyperparameters").put("seed", 2020).put("dim", 3);
    return m;
  }

  private Path writeModel(Path target, float scale) throws IOException {
    float[] users = {1, 2, 3, 4, 5, 6};
    float[] items = {scale, 0, 0, 0, scale, 0, 0, 0, scale, 1, 1, 1};
    try (ModelWriter w = ModelWriter.create(target)) {
      w.putMatrix("user_embedding", users, 2, 3).putMatrix("item_embedding", items, 4, 3);
      w.putInts("order", new int[] {3, 1, 2});
      w.commit(meta("lightgcn"));
    }
    return target;
  }

  @Test
  void roundTrip() throws IOException {
    Path m = writeModel(dir.resolve("model"), 2f);
    ModelReader r = ModelReader.open(m);
    assertEquals("lightgcn", r.meta().path("model").asText());
    assertEquals(2020, r.meta().path("hyperparameters").path("seed").asInt());
    FloatMatrix items = r.matrix("item_embedding");
    assertEquals(4, items.rows());
    assertEquals(3, items.cols());
    assertEquals(2f, items.data()[4]);
    assertArrayEquals(new int[] {3, 1, 2}, r.ints("order"));
    assertTrue(r.has("user_embedding"));
    assertFalse(r.has("nothing"));
  }

  @Test
  void commitReplacesPreviousModelAndAbandonKeepsIt() throws IOException {
    Path m = writeModel(dir.resolve("model"), 2f);
    writeModel(m, 5f);
    assertEquals(5f, ModelReader.open(m).matrix("item_embedding").data()[0]);
    try (ModelWriter w = ModelWriter.create(m)) {
      w.putMatrix("user_embedding", new float[] {9}, 1, 1);
      // abandoned before commit
    }
    assertEquals(5f, ModelReader.open(m).matrix("item_embedding").data()[0]);
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(1, s.count(), "temporary or old directories left behind");
    }
  }

  @Test
  void corruptEntryIsRefusedOnOpen() throws IOException {
    Path m = writeModel(dir.resolve("model"), 2f);
    Path f = m.resolve("item_embedding.f32");
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.seek(40);
      raf.write(0x7F);
    }
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> ModelReader.open(m));
    assertTrue(e.getMessage().contains("item_embedding.f32"), e.getMessage());
  }

  @Test
  void missingEntryFileIsRefused() throws IOException {
    Path m = writeModel(dir.resolve("model"), 2f);
    Files.delete(m.resolve("order.i32"));
    IOException e = assertThrows(IOException.class, () -> ModelReader.open(m));
    assertTrue(e.getMessage().contains("order.i32"), e.getMessage());
  }
}
