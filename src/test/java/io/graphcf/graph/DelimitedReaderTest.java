package io.graphcf.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DelimitedReaderTest {
  @TempDir
  Path tmp;

  private Path write(String name, String text) throws Exception {
    Path p = tmp.resolve(name);
    Files.write(p, text.getBytes(StandardCharsets.UTF_8));
    return p;
  }

  private static DelimitedReader.Options cols(String u, String i) {
    return new DelimitedReader.Options().userColumn(u).itemColumn(i);
  }

  private static InputFormatException fails(DelimitedReader.Options o, Path p) {
    return assertThrows(InputFormatException.class, () -> new DelimitedReader(o).read(p));
  }

  @Test
  void headerNamesQuotesTrimAndThreshold() throws Exception {
    Path p = write("r.csv", "ts,userId,movieId,rating\r\n"
        + "10,u1,\"m,1\",5\r\n"
        + "11, u2 ,m2,3.5\r\n"
        + "\r\n"
        + "12,\"u\"\"3\",m2,4e0\r\n"
        + "13,u1,m2,1\r\n");
    InteractionLog log = new DelimitedReader(cols("userId", "movieId").ratingColumn("rating").timeColumn("ts")
        .minRating(4)).read(p);
    // Kept: (u1, "m,1") rated 5 and (u"3, m2) rated 4; u2's 3.5 and u1's 1 fall below 4.
    assertEquals(2, log.size());
    assertEquals(2, log.belowThreshold);
    assertEquals(List.of("u1", "u\"3"), log.users.ids());
    assertEquals(List.of("m,1", "m2"), log.items.ids());
    assertEquals(12.0, log.timeOf.getDouble(1));
  }

  @Test
  void indexesWithoutHeaderAndTabFromExtension() throws Exception {
    Path p = write("r.tsv", "a\tx\t1\nb\ty\t2\na\ty\t3\n");
    InteractionLog log = new DelimitedReader(cols("0", "1").header(false).timeColumn("2")).read(p);
    assertEquals(3, log.size());
    assertEquals(List.of("a", "b"), log.users.ids());
    assertEquals(0, log.userOf.getInt(2));
    assertEquals(1, log.itemOf.getInt(2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DelimitedReader(cols("user", "1").header(false)).read(p));
    assertTrue(e.getMessage().contains("must be a 0-based index"), e.getMessage());
  }

  @Test
  void badInputMessages() throws Exception {
    Path empty = write("empty.csv", "");
    assertEquals(empty + ": no interactions: the file is empty or has only blank lines",
        fails(cols("u", "i"), empty).getMessage());

    Path headerOnly = write("h.csv", "u,i\n");
    assertEquals(headerOnly + ": no interactions (a header but no data lines)",
        fails(cols("u", "i"), headerOnly).getMessage());

    Path noCol = write("c.csv", "user,item\nu1,i1\n");
    assertEquals(noCol + ":1: no rating column named 'stars' in the header (got 'user,item')",
        fails(cols("user", "item").ratingColumn("stars"), noCol).getMessage());

    Path missing = write("m.csv", "user,item,t\nu1,i1,5\nu2,i2\n");
    assertEquals(missing + ":3: missing timestamp column (index 2): the line has 2 fields (got 'u2,i2')",
        fails(cols("user", "item").timeColumn("t"), missing).getMessage());

    Path time = write("t.csv", "user,item,t\nu1,i1,2020-01-01\n");
    assertEquals(time + ":2: timestamp is not a number (got '2020-01-01')",
        fails(cols("user", "item").timeColumn("t"), time).getMessage());

    Path rating = write("r.csv", "user,item,r\nu1,i1,NaN\n");
    assertEquals(rating + ":2: rating is not a number (got 'NaN')",
        fails(cols("user", "item").ratingColumn("r"), rating).getMessage());

    Path quote = write("q.csv", "user,item\nu1,\"i1\n");
    assertEquals(quote + ":2: unterminated quoted field (got 'u1,\"i1')", fails(cols("user", "item"), quote).getMessage());

    Path emptyId = write("e.csv", "user,item\n,i1\n");
    assertEquals(emptyId + ":2: empty user id (got ',i1')", fails(cols("user", "item"), emptyId).getMessage());

    Path bom = write("b.csv", "\uFEFFuser,item\nu1,i1\n");
    assertEquals(bom + ":1: file starts with a UTF-8 byte-order mark; save it without BOM (got '\\uFEFF')",
        fails(cols("user", "item"), bom).getMessage());

    Path longLine = write("l.csv", "user,item\nu1," + "x".repeat(100) + "\n");
    assertEquals(longLine + ":2: line longer than 64 bytes (got 'u1," + "x".repeat(37) + "')",
        fails(cols("user", "item").maxLineBytes(64), longLine).getMessage());
  }

  @Test
  void skipBadLinesCounts() throws Exception {
    Path p = write("s.csv", "user,item,t\nu1,i1,1\nu2\nu3,i3,x\nu4,i4,4\n");
    InteractionLog log = new DelimitedReader(cols("user", "item").timeColumn("t").skipBadLines(true)).read(p);
    assertEquals(2, log.size());
    assertEquals(2, log.skippedLines);
    assertEquals(List.of("u1", "u4"), log.users.ids());
  }
}
