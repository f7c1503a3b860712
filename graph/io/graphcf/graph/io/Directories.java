package io.graphcf.graph.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Directory-level commit for multi-file outputs (a graph store, a model): everything is written
 * into a hidden temporary sibling, then {@link #swapIntoPlace(Path, Path)} replaces the target. A
 * failure before the swap leaves the previous target untouched; the swap itself is two renames in
 * one parent directory (old aside, new in), so a crash between them leaves the old directory under
 * its {@code .NAME.old-*} name rather than a mixture of old and new files.
 */
public final class Directories {
  private Directories() {}

  /**
   * Creates an empty hidden sibling {@code .NAME.tag-RANDOM} of {@code target} (creating the
   * parent if needed) for staging.
   */
  public static Path createStagingSibling(Path target, String tag) throws IOException {
    Path abs = target.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    if (parent == null) {
      throw new IllegalArgumentException("cannot stage next to the root directory: " + target);
    }
    Files.createDirectories(parent);
    for (int attempt = 0; ; attempt++) {
      Path p = parent.resolve("." + abs.getFileName() + "." + tag + "-"
          + Long.toHexString(ThreadLocalRandom.current().nextLong()));
      try {
        return Files.createDirectory(p);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        if (attempt > 8) {
          throw e;
        }
      }
    }
  }

  /**
   * Replaces {@code target} by {@code staged} (both in the same parent): the old directory, if
   * any, is moved aside first and deleted only after the new one is in place. Readers that already
   * mapped files of the old directory keep working (the files are unlinked, not overwritten).
   */
  public static void swapIntoPlace(Path staged, Path target) throws IOException {
    Path abs = target.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    Path old = null;
    if (Files.exists(abs)) {
      old = parent.resolve("." + abs.getFileName() + ".old-"
          + Long.toHexString(ThreadLocalRandom.current().nextLong()));
      Files.move(abs, old, StandardCopyOption.ATOMIC_MOVE);
    }
    try {
      Files.move(staged, abs, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      if (old != null) {
        // Put the previous directory back so that a failed swap changes nothing.
        Files.move(old, abs, StandardCopyOption.ATOMIC_MOVE);
      }
      throw e;
    }
    BinaryFileWriter.syncDirectory(parent);
    if (old != null) {
      deleteRecursively(old);
    }
  }

  /** Deletes a directory tree if it exists (used for abandoned staging directories). */
  public static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** fsyncs a regular file written by a third-party library (Chronicle Map) before the swap. */
  public static void syncFile(Path file) throws IOException {
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
        java.nio.file.StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }
}
