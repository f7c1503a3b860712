package io.graphcf.graph;

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
  private final byte[] chunk = new byte[1 << 16];
  private int chunkPos;
  private int chunkLen;
  private long consumed;
  private byte[] buf = new byte[256];
  private long lineNumber;
  private boolean eof;

  public LineReader(Path path, int maxLineBytes) throws IOException {
    this.path = path;
    this.maxLineBytes = maxLineBytes;
    if (!Files.isRegularFile(path)) {
      throw new NoSuchFileException(path.toString(), null, "no such file");
    }
    this.in = Files.newInputStream(path);
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

  /** Bytes consumed so far (terminators included), for progress reporting. */
  public long bytesRead() {
    return consumed;
  }

  private boolean fill() throws IOException {
    int n = in.read(chunk, 0, chunk.length);
    if (n <= 0) {
      return false;
    }
    chunkPos = 0;
    chunkLen = n;
    return true;
  }

  /** The next line without its terminator, or {@code null} at end of file. */
  public String readLine() throws IOException {
    if (eof) {
      return null;
    }
    int n = 0;
    boolean newline = false;
    while (true) {
      if (chunkPos == chunkLen && !fill()) {
        break;
      }
      // Scan the buffered chunk for the terminator and copy the run in one go.
      int start = chunkPos;
      int end = start;
      int lim = chunkLen;
      byte[] c = chunk;
      while (end < lim && c[end] != '\n') {
        end++;
      }
      int run = end - start;
      if (n + run > maxLineBytes) {
        int have = Math.min(n, 40);
        byte[] head = Arrays.copyOf(buf, Math.max(have, 0));
        if (have < 40) {
          int extra = Math.min(40 - have, run);
          head = Arrays.copyOf(head, have + extra);
          System.arraycopy(c, start, head, have, extra);
        }
        throw new InputFormatException(path, lineNumber + 1, "line longer than " + maxLineBytes + " bytes",
            new String(head, StandardCharsets.UTF_8));
      }
      if (n + run > buf.length) {
        buf = Arrays.copyOf(buf, (int) Math.min(Math.max(2L * buf.length, n + run), maxLineBytes));
      }
      System.arraycopy(c, start, buf, n, run);
      n += run;
      consumed += run;
      chunkPos = end;
      if (end < lim) {
        chunkPos++;
        consumed++;
        newline = true;
        break;
      }
    }
    if (!newline) {
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
    boolean ascii = true;
    for (int k = 0; k < n; k++) {
      if (buf[k] < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new String(buf, 0, n, StandardCharsets.ISO_8859_1);
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
