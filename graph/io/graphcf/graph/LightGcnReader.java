package io.graphcf.graph;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * Reads the LightGCN text format: one line per user, {@code user item item ...}, whitespace
 * separated, {@code \n} or {@code \r\n} endings; {@code train.txt} and {@code test.txt} ship the
 * split. Tokens are external ids (strings); ordinals are assigned by first appearance, train first.
 */
public final class LightGcnReader {
  private final UnknownTestIds unknownTest;
  private final boolean skipBadLines;
  private final int maxLineBytes;
  private LongConsumer progress = b -> { };
  private long progressBase;

  public LightGcnReader(UnknownTestIds unknownTest, boolean skipBadLines, int maxLineBytes) {
    this.unknownTest = unknownTest;
    this.skipBadLines = skipBadLines;
    this.maxLineBytes = maxLineBytes;
  }

  public LightGcnReader() {
    this(UnknownTestIds.ERROR, false, LineReader.DEFAULT_MAX_LINE_BYTES);
  }

  /**
   * Reports the bytes read so far (over both files) to {@code listener} every few thousand lines;
   * for progress bars. Returns this reader.
   */
  public LightGcnReader progress(LongConsumer listener) {
    this.progress = listener;
    return this;
  }

  /** Reads a train file and an optional test file ({@code null} for none). */
  public ImportedSplit read(Path train, Path test) throws IOException {
    ImportedSplit s = new ImportedSplit();
    progressBase = 0;
    readFile(train, s, true);
    if (test != null) {
      readFile(test, s, false);
    }
    if (s.trainUsers.isEmpty()) {
      throw new InputFormatException(train, "no interactions: the file is empty or has only blank lines");
    }
    return s;
  }

  private void readFile(Path path, ImportedSplit s, boolean isTrain) throws IOException {
    try (LineReader r = new LineReader(path, maxLineBytes)) {
      String line;
      boolean any = false;
      while ((line = r.readLine()) != null) {
        try {
          any |= parseLine(path, r.lineNumber(), line, s, isTrain);
          if ((r.lineNumber() & 4095) == 0) {
            progress.accept(progressBase + r.bytesRead());
          }
        } catch (InputFormatException e) {
          if (!skipBadLines) {
            throw e;
          }
          s.skippedLines++;
        }
      }
      if (!any && isTrain) {
        throw new InputFormatException(path, "no interactions: the file is empty or has only blank lines");
      }
      progressBase += r.bytesRead();
      progress.accept(progressBase);
    }
  }

  private boolean parseLine(Path path, long lineNo, String line, ImportedSplit s, boolean isTrain) {
    int n = line.length();
    int p = skipSpace(line, 0);
    if (p == n) {
      return false; // blank line
    }
    int e = skipToken(line, p);
    String user = line.substring(p, e);
    p = skipSpace(line, e);
    if (p == n) {
      throw new InputFormatException(path, lineNo, "a user with no items: expected 'user item item ...'", line);
    }
    checkToken(path, lineNo, user);
    // Check all tokens before interning anything, so that a bad line (skipped under
    // --skip-bad-lines) leaves no trace in the dictionaries.
    int start = p;
    while (p < n) {
      e = skipToken(line, p);
      checkToken(path, lineNo, line.substring(p, e));
      p = skipSpace(line, e);
    }
    p = start;
    int u;
    if (isTrain) {
      u = s.users.intern(user);
    } else {
      u = s.users.get(user);
      if (u < 0) {
        u = unknown(path, lineNo, "test user '" + user + "' never appears in the training file", user, s.users);
      }
    }
    while (p < n) {
      e = skipToken(line, p);
      String item = line.substring(p, e);
      p = skipSpace(line, e);
      if (isTrain) {
        s.trainUsers.add(u);
        s.trainItems.add(s.items.intern(item));
      } else {
        int i = s.items.get(item);
        if (i < 0) {
          i = unknown(path, lineNo, "test item '" + item + "' never appears in the training file", item, s.items);
        }
        if (u >= 0 && i >= 0) {
          s.testUsers.add(u);
          s.testItems.add(i);
        } else {
          s.droppedTestPairs++;
        }
      }
    }
    return true;
  }

  private int unknown(Path path, long lineNo, String problem, String id, IdMapBuilder ids) {
    switch (unknownTest) {
      case KEEP:
        return ids.intern(id);
      case DROP:
        return -1;
      default:
        throw new InputFormatException(path, lineNo, problem
            + " (use --unknown-test drop|keep to accept it)", id);
    }
  }

  /** LightGCN ids are non-negative integers; anything else is a malformed line. */
  private static void checkToken(Path path, long lineNo, String token) {
    for (int k = 0; k < token.length(); k++) {
      char c = token.charAt(k);
      if (c < '0' || c > '9') {
        throw new InputFormatException(path, lineNo, "malformed id: LightGCN format ids are non-negative integers",
            token);
      }
    }
  }

  private static int skipSpace(String s, int p) {
    while (p < s.length() && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) {
      p++;
    }
    return p;
  }

  private static int skipToken(String s, int p) {
    while (p < s.length() && s.charAt(p) != ' ' && s.charAt(p) != '\t') {
      p++;
    }
    return p;
  }
}
