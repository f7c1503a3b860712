package io.graphcf.graph.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A graphcf file failed verification on open: wrong magic, unsupported version, bad length or a
 * checksum mismatch. The message names the file and, where it applies, the byte offset.
 */
public final class CorruptFileException extends IOException {
  private static final long serialVersionUID = 1L;

  private final Path path;

  public CorruptFileException(Path path, String problem) {
    super(path + ": " + problem);
    this.path = path;
  }

  public CorruptFileException(Path path, long offset, String problem) {
    super(path + " at offset " + offset + ": " + problem);
    this.path = path;
  }

  /** The file that failed verification. */
  public Path path() {
    return path;
  }
}
