package io.graphcf.graph;

import java.nio.file.Path;

/**
 * Bad text input: the message reads {@code path:line: problem (got 'token')}. The CLI maps it to
 * exit code 2.
 */
public final class InputFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Path path;
  private final long line;

  public InputFormatException(Path path, long line, String problem, String got) {
    super(path + ":" + line + ": " + problem + (got == null ? "" : " (got '" + abbreviate(got) + "')"));
    this.path = path;
    this.line = line;
  }

  public InputFormatException(Path path, String problem) {
    super(path + ": " + problem);
    this.path = path;
    this.line = 0;
  }

  static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  public Path path() {
    return path;
  }

  /** 1-based line number, or 0 when the problem concerns the whole file. */
  public long line() {
    return line;
  }
}
