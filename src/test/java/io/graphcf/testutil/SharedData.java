package io.graphcf.testutil;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.graphcf.graph.Dataset;
import io.graphcf.graph.LightGcnReader;
import io.graphcf.graph.UnknownTestIds;
import io.graphcf.graph.LineReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The real benchmark data beside the project ({@code ../shared/data}), or the sample kept inside it
 * ({@code data/}). Tests that need a shared set skip with a clear message when it is absent.
 */
public final class SharedData {
  private static final ConcurrentHashMap<String, Dataset> CACHE = new ConcurrentHashMap<>();

  private SharedData() {}

  /** {@code ../shared/data/NAME}, or a skipped test if it is not there. */
  public static Path dir(String name) {
    Path root = Paths.get(System.getProperty("graphcf.sharedData", "../shared/data"));
    Path d = root.resolve(name);
    assumeTrue(Files.isRegularFile(d.resolve("train.txt")),
        "skipped: shared dataset " + d.toAbsolutePath() + " is absent (expected beside the project root)");
    return d;
  }

  /** The sample dataset kept inside the project (Amazon-Electronics, see data/README.md). */
  public static Path sample() {
    return Paths.get("data/amazon-electronics");
  }

  /** A shared dataset read into memory once per test JVM. */
  public static Dataset load(String name) {
    Path d = dir(name);
    return CACHE.computeIfAbsent(name, n -> {
      try {
        UnknownTestIds policy = n.equals("lastfm") ? UnknownTestIds.DROP : UnknownTestIds.ERROR;
        return new LightGcnReader(policy, false, LineReader.DEFAULT_MAX_LINE_BYTES)
            .read(d.resolve("train.txt"), d.resolve("test.txt")).toDataset();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }
}
