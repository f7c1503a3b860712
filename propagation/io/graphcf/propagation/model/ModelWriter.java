package io.graphcf.propagation.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.graph.io.BinaryFileWriter;
import io.graphcf.graph.io.Directories;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a model directory. Files go to a temporary sibling directory; {@link #commit(ObjectNode)}
 * writes {@code meta.json} last (listing every file), then swaps the directory into place. If the
 * write fails or is abandoned, the previous model at the target (if any) is untouched.
 */
public final class ModelWriter implements Closeable {
  static final ObjectMapper JSON = new ObjectMapper();

  private final Path target;
  private final Path temp;
  private final ObjectNode files = JSON.createObjectNode();
  private boolean finished;

  private ModelWriter(Path target) throws IOException {
    this.target = target.toAbsolutePath();
    this.temp = Directories.createStagingSibling(this.target, "tmp");
  }

  /** Starts a model that will become directory {@code target} on commit. */
  public static ModelWriter create(Path target) throws IOException {
    return new ModelWriter(target);
  }

  /** Saves a dense row-major matrix as {@code name.f32}. */
  public ModelWriter putMatrix(String name, float[] data, int rows, int cols) throws IOException {
    if (data.length != (long) rows * cols) {
      throw new IllegalArgumentException(name + ": data length " + data.length + " != " + rows + " x " + cols);
    }
    String file = checkName(name) + ".f32";
    try (BinaryFileWriter w = BinaryFileWriter.create(temp.resolve(file), ModelFormat.MATRIX_MAGIC,
        ModelFormat.VERSION)) {
      w.putLong(rows).putLong(cols).putFloats(data, 0, data.length);
      w.commit();
    }
    files.putObject(name).put("file", file).put("type", "f32").put("rows", rows).put("cols", cols);
    return this;
  }

  /** Saves an int array as {@code name.i32}. */
  public ModelWriter putInts(String name, int[] data) throws IOException {
    String file = checkName(name) + ".i32";
    try (BinaryFileWriter w = BinaryFileWriter.create(temp.resolve(file), ModelFormat.INTS_MAGIC,
        ModelFormat.VERSION)) {
      w.putLong(data.length).putInts(data, 0, data.length);
      w.commit();
    }
    files.putObject(name).put("file", file).put("type", "i32").put("length", data.length);
    return this;
  }

  private String checkName(String name) {
    if (!name.matches("[A-Za-z0-9_.-]+") || name.equals("meta")) {
      throw new IllegalArgumentException("bad model entry name '" + name + "'");
    }
    if (files.has(name)) {
      throw new IllegalArgumentException("model entry '" + name + "' written twice");
    }
    return name;
  }

  /**
   * Writes {@code meta.json} (the given metadata plus the file list and format version) and swaps
   * the directory into place.
   */
  public void commit(ObjectNode meta) throws IOException {
    if (finished) {
      throw new IllegalStateException("already committed or closed: " + target);
    }
    ObjectNode m = meta.deepCopy();
    m.put("format", ModelFormat.NAME);
    m.put("formatVersion", ModelFormat.VERSION);
    m.set("files", files);
    byte[] json = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m);
    try (BinaryFileWriter w = BinaryFileWriter.create(temp.resolve(ModelFormat.META_FILE), ModelFormat.META_MAGIC,
        ModelFormat.VERSION)) {
      w.putLong(json.length).putBytes(json, 0, json.length);
      w.commit();
    }
    // A human-readable copy; the checksummed meta file is authoritative.
    Files.writeString(temp.resolve("meta.json"), new String(json, StandardCharsets.UTF_8));
    finished = true;
    Directories.swapIntoPlace(temp, target);
  }

  /** Deletes a directory tree (kept for callers of the model API; see {@link Directories}). */
  public static void deleteRecursively(Path dir) throws IOException {
    Directories.deleteRecursively(dir);
  }

  @Override
  public void close() throws IOException {
    if (!finished) {
      finished = true;
      Directories.deleteRecursively(temp);
    }
  }
}
