package io.graphcf.tools;

import io.graphcf.graph.Dataset;
import io.graphcf.graph.LightGcnReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Resolves a {@code --data} argument: a graphcf store directory or a LightGCN-format directory. */
final class DataSources {
  private DataSources() {}

  static Dataset load(Path dir) throws IOException {
    if (Files.isRegularFile(dir.resolve("train.txt"))) {
      Path test = dir.resolve("test.txt");
      return new LightGcnReader().read(dir.resolve("train.txt"), Files.isRegularFile(test) ? test : null).toDataset();
    }
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(dir.toString(), null, "no such store or data directory");
    }
    throw new NoSuchFileException(dir.toString(), null, "not a store or a LightGCN-format directory");
  }
}
