package io.graphcf.graph;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a UTF-8 text file line by line for import: accepts {@code \n} and {@code \r\n} endings,
 * refuses a byte-order mark, invalid UTF-8 and lines longer than a limit, with
 * {@code path:line: problem} errors. Never holds more than one line in memory.
 */
public final class LineReader implements Closeable {
  /** Default longest accepted line, in bytes. */
  public static final int DEFAULT_MAX_LINE_BYTES = 1 << 24;

  private final Path path;
  private final InputStream in;
  private final int maxLineBytes;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private byte[] buf = new byte[256];
  private long lineNumber;
  private boolean eof;

  public LineReader(Path path, int maxLineBytes) throws IOException {
    this.path = path;
    this.maxLineBytes = maxLineBytes;
    if (!Files.isRegularFile(path)) {
      throw new NoSuchFileException(path.toString(), null, "no such file");
    }
    this.in = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
  }

  public LineReader(Path path) throws IOException {
    this(path, DEFAULT_MAX_LINE_BYTES);
  }

  public Path path() {
    return path;
  }

  /** The 1-based number of the line last returned. */
  public long lineNumber() {
    return lineNumber;
  }

  /** The next line without its terminator, or {@code null} at end of file. */
  public String readLine() throws IOException {
    if (eof) {
      return null;
    }
    int n = 0;
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (n == maxLineBytes) {
        throw new InputFormatException(path, lineNumber + 1, "line longer than " + maxLineBytes + " bytes",
            new String(buf, 0, Math.min(n, 40), StandardCharsets.UTF_8));
      }
      if (n == buf.length) {
        buf = Arrays.copyOf(buf, Math.min(Math.max(2 * n, 16), maxLineBytes));
      }
      buf[n++] = (byte) b;
    }
    if (b < 0) {
      eof = true;
      if (n == 0) {
        return null;
      }
    }
    lineNumber++;
    if (n > 0 && buf[n - 1] == '\r') {
      n--;
    }
    if (lineNumber == 1 && n >= 3 && (buf[0] & 0xFF) == 0xEF && (buf[1] & 0xFF) == 0xBB && (buf[2] & 0xFF) == 0xBF) {
      throw new InputFormatException(path, 1, "file starts with a UTF-8 byte-order mark; save it without BOM",
          "\\uFEFF");
    }
    try {
      CharBuffer cb = decoder.decode(ByteBuffer.wrap(buf, 0, n));
      return cb.toString();
    } catch (CharacterCodingException e) {
      throw new InputFormatException(path, lineNumber, "invalid UTF-8", null);
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
