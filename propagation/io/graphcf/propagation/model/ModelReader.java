package io.graphcf.propagation.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.graph.io.CorruptFileException;
import io.graphcf.graph.io.MappedFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * Opens a model directory written by {@link ModelWriter}: verifies {@code meta.bin} and every file
 * it lists (magic, version, length, checksum) before returning, and reads entries onto the heap.
 */
public final class ModelReader {
  private final Path dir;
  private final ObjectNode meta;

  private ModelReader(Path dir, ObjectNode meta) {
    this.dir = dir;
    this.meta = meta;
  }

  /** Opens and fully verifies {@code dir}. */
  public static ModelReader open(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(dir.toString(), null, "not a model directory");
    }
    Path metaPath = dir.resolve(ModelFormat.META_FILE);
    ObjectNode meta;
    try (MappedFile f = MappedFile.open(metaPath, ModelFormat.META_MAGIC, ModelFormat.VERSION)) {
      long n = f.getLong(f.payloadStart());
      f.checkRange(f.payloadStart() + 8, n, "meta json");
      byte[] json = new byte[(int) n];
      f.getBytes(f.payloadStart() + 8, json, 0, json.length);
      JsonNode node = ModelWriter.JSON.readTree(json);
      if (!(node instanceof ObjectNode) || !ModelFormat.NAME.equals(node.path("format").asText())) {
        throw new CorruptFileException(metaPath, "not a graphcf model (format '" + node.path("format").asText() + "')");
      }
      meta = (ObjectNode) node;
    }
    ModelReader r = new ModelReader(dir, meta);
    for (Iterator<Map.Entry<String, JsonNode>> it = meta.path("files").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String type = e.getValue().path("type").asText();
      if (type.equals("f32")) {
        r.matrix(e.getKey());
      } else {
        r.ints(e.getKey());
      }
    }
    return r;
  }

  public Path dir() {
    return dir;
  }

  /** The metadata (model, kind, hyperparameters, seed, data, metrics, timings, files). */
  public ObjectNode meta() {
    return meta;
  }

  /** Whether the model has an entry of that name. */
  public boolean has(String name) {
    return meta.path("files").has(name);
  }

  private JsonNode entry(String name) {
    JsonNode e = meta.path("files").get(name);
    if (e == null) {
      throw new IllegalArgumentException("model " + dir + " has no entry '" + name + "' (has "
          + meta.path("files").toString() + ")");
    }
    return e;
  }

  /** Reads and verifies a matrix entry onto the heap. */
  public FloatMatrix matrix(String name) throws IOException {
    JsonNode e = entry(name);
    Path p = dir.resolve(e.path("file").asText());
    try (MappedFile f = MappedFile.open(p, ModelFormat.MATRIX_MAGIC, ModelFormat.VERSION)) {
      long rows = f.getLong(f.payloadStart());
      long cols = f.getLong(f.payloadStart() + 8);
      if (rows != e.path("rows").asLong() || cols != e.path("cols").asLong() || rows * cols > Integer.MAX_VALUE - 8) {
        throw new CorruptFileException(p, "matrix shape " + rows + " x " + cols + " does not match meta "
            + e.path("rows").asLong() + " x " + e.path("cols").asLong());
      }
      f.checkRange(f.payloadStart() + 16, 4 * rows * cols, "matrix data");
      float[] data = new float[(int) (rows * cols)];
      f.getFloats(f.payloadStart() + 16, data, 0, data.length);
      return new FloatMatrix((int) rows, (int) cols, data);
    }
  }

  /** Reads and verifies an int-array entry onto the heap. */
  public int[] ints(String name) throws IOException {
    JsonNode e = entry(name);
    Path p = dir.resolve(e.path("file").asText());
    try (MappedFile f = MappedFile.open(p, ModelFormat.INTS_MAGIC, ModelFormat.VERSION)) {
      long n = f.getLong(f.payloadStart());
      if (n != e.path("length").asLong()) {
        throw new CorruptFileException(p, "length " + n + " does not match meta " + e.path("length").asLong());
      }
      f.checkRange(f.payloadStart() + 8, 4 * n, "int data");
      int[] data = new int[(int) n];
      f.getInts(f.payloadStart() + 8, data, 0, data.length);
      return data;
    }
  }
}
