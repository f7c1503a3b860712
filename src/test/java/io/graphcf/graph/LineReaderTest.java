package io.graphcf.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineReaderTest {
  @TempDir
  Path tmp;

  /** Random files (both line endings, non-ASCII, lines longer than the 64 KiB read chunk) vs a split reference. */
  @Test
  void matchesSplitReference() throws Exception {
    for (long seed = 0; seed < 30; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      List<String> lines = new ArrayList<>();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      int n = r.nextInt(50);
      for (int k = 0; k < n; k++) {
        int len = r.nextInt(10) == 0 ? 60_000 + r.nextInt(80_000) : r.nextInt(40);
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < len; c++) {
          int t = r.nextInt(20);
          sb.append(t == 0 ? 'é' : t == 1 ? '\u4e2d' : t == 2 ? ' ' : (char) ('a' + r.nextInt(26)));
        }
        lines.add(sb.toString());
        bytes.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
        boolean last = k == n - 1;
        if (!last || r.nextBoolean()) {
          bytes.writeBytes(r.nextBoolean() ? "\r\n".getBytes(StandardCharsets.US_ASCII) : new byte[] {'\n'});
        }
      }
      Path p = tmp.resolve("f" + seed);
      Files.write(p, bytes.toByteArray());
      try (LineReader lr = new LineReader(p)) {
        for (int k = 0; k < n; k++) {
          String got = lr.readLine();
          // An empty last line without a terminator is no line at all.
          if (k == n - 1 && lines.get(k).isEmpty() && got == null) {
            break;
          }
          assertEquals(lines.get(k), got, "seed " + seed + ", line " + (k + 1));
          assertEquals(k + 1, lr.lineNumber());
        }
        assertNull(lr.readLine(), "seed " + seed);
        assertEquals(bytes.size(), lr.bytesRead(), "seed " + seed);
      }
    }
  }

  @Test
  void invalidUtf8AndLongLineAcrossChunks() throws Exception {
    Path bad = tmp.resolve("bad");
    Files.write(bad, new byte[] {'o', 'k', '\n', 'a', (byte) 0xC3, '\n'});
    try (LineReader lr = new LineReader(bad)) {
      assertEquals("ok", lr.readLine());
      InputFormatException e = assertThrows(InputFormatException.class, lr::readLine);
      assertEquals(bad + ":2: invalid UTF-8", e.getMessage());
    }
    Path big = tmp.resolve("big");
    Files.writeString(big, "x\n" + "y".repeat(200_000) + "\n");
    try (LineReader lr = new LineReader(big, 150_000)) {
      assertEquals("x", lr.readLine());
      InputFormatException e = assertThrows(InputFormatException.class, lr::readLine);
      assertEquals(big + ":2: line longer than 150000 bytes (got '" + "y".repeat(40) + "')", e.getMessage());
    }
  }
}
