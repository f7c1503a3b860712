package io.graphcf.graph;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * Reads a delimited interaction log (CSV or TSV): one interaction per line with a user column, an
 * item column and optionally a rating (or weight) column and a timestamp column, chosen by header
 * name or by 0-based index. A rating threshold turns explicit ratings into implicit positives
 * (lines rated below it are left out and counted). Fields may be quoted RFC 4180 style ({@code
 * "a,b"}, {@code ""} for a quote, no line breaks inside); unquoted fields are trimmed. Blank lines
 * are ignored. Every problem is reported as {@code path:line: problem (got '...')}; with {@code
 * skipBadLines} a bad data line is counted and skipped instead (a bad header, BOM, invalid UTF-8 or
 * over-long line always stops the import).
 */
public final class DelimitedReader {
  /** Which columns to read and how; configure, then pass to the reader. */
  public static final class Options {
    char delimiter;
    boolean header = true;
    String userColumn;
    String itemColumn;
    String ratingColumn;
    String timeColumn;
    double minRating = Double.NaN;
    boolean skipBadLines;
    int maxLineBytes = LineReader.DEFAULT_MAX_LINE_BYTES;

    /** The field delimiter; {@code 0} (the default) chooses from the extension: .tsv/.tab tab, else comma. */
    public Options delimiter(char d) {
      this.delimiter = d;
      return this;
    }

    /** Whether the first line is a header (default true). Without one, columns must be indexes. */
    public Options header(boolean h) {
      this.header = h;
      return this;
    }

    /** User column: a header name or a 0-based index. */
    public Options userColumn(String c) {
      this.userColumn = c;
      return this;
    }

    /** Item column: a header name or a 0-based index. */
    public Options itemColumn(String c) {
      this.itemColumn = c;
      return this;
    }

    /** Optional rating/weight column (validated as a number; used by {@link #minRating}). */
    public Options ratingColumn(String c) {
      this.ratingColumn = c;
      return this;
    }

    /** Optional timestamp column (a number, e.g. epoch seconds; needed by the leave-latest split). */
    public Options timeColumn(String c) {
      this.timeColumn = c;
      return this;
    }

    /** Keep only lines with rating ≥ {@code r} (needs a rating column). NaN keeps every line. */
    public Options minRating(double r) {
      this.minRating = r;
      return this;
    }

    public Options skipBadLines(boolean s) {
      this.skipBadLines = s;
      return this;
    }

    public Options maxLineBytes(int n) {
      this.maxLineBytes = n;
      return this;
    }
  }

  private final Options o;
  private LongConsumer progress = b -> { };

  public DelimitedReader(Options options) {
    if (options.userColumn == null || options.itemColumn == null) {
      throw new IllegalArgumentException("a user column and an item column are required (got user="
          + options.userColumn + ", item=" + options.itemColumn + ")");
    }
    if (!Double.isNaN(options.minRating) && options.ratingColumn == null) {
      throw new IllegalArgumentException("a rating threshold (" + options.minRating + ") needs a rating column");
    }
    this.o = options;
  }

  /** Reports the bytes read so far every few thousand lines (for progress bars). */
  public DelimitedReader progress(LongConsumer listener) {
    this.progress = listener;
    return this;
  }

  /** The delimiter for {@code path}: the configured one, else from the extension. */
  public char delimiterFor(Path path) {
    if (o.delimiter != 0) {
      return o.delimiter;
    }
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".tsv") || name.endsWith(".tab") ? '\t' : ',';
  }

  /** Reads the whole log. */
  public InteractionLog read(Path path) throws IOException {
    char delim = delimiterFor(path);
    List<String> fields = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    int userIdx = -1;
    int itemIdx = -1;
    int ratingIdx = -1;
    int timeIdx = -1;
    InteractionLog log = new InteractionLog(o.timeColumn != null);
    boolean sawAnyLine = false;
    boolean resolved = false;
    try (LineReader r = new LineReader(path, o.maxLineBytes)) {
      String line;
      while ((line = r.readLine()) != null) {
        long lineNo = r.lineNumber();
        if (line.isBlank()) {
          continue;
        }
        sawAnyLine = true;
        if (!resolved) {
          List<String> header = null;
          if (o.header) {
            split(path, lineNo, line, delim, fields, sb);
            header = new ArrayList<>(fields);
          }
          userIdx = column(path, lineNo, line, header, o.userColumn, "user");
          itemIdx = column(path, lineNo, line, header, o.itemColumn, "item");
          ratingIdx = o.ratingColumn == null ? -1 : column(path, lineNo, line, header, o.ratingColumn, "rating");
          timeIdx = o.timeColumn == null ? -1 : column(path, lineNo, line, header, o.timeColumn, "timestamp");
          resolved = true;
          if (o.header) {
            continue;
          }
        }
        try {
          split(path, lineNo, line, delim, fields, sb);
          String user = field(path, lineNo, line, fields, userIdx, "user");
          String item = field(path, lineNo, line, fields, itemIdx, "item");
          if (user.isEmpty()) {
            throw new InputFormatException(path, lineNo, "empty user id", line);
          }
          if (item.isEmpty()) {
            throw new InputFormatException(path, lineNo, "empty item id", line);
          }
          double rating = Double.NaN;
          if (ratingIdx >= 0) {
            rating = number(path, lineNo, field(path, lineNo, line, fields, ratingIdx, "rating"), "rating");
          }
          double time = 0;
          if (timeIdx >= 0) {
            time = number(path, lineNo, field(path, lineNo, line, fields, timeIdx, "timestamp"), "timestamp");
          }
          if (!Double.isNaN(o.minRating) && !(rating >= o.minRating)) {
            log.belowThreshold++;
          } else {
            log.add(user, item, time);
          }
        } catch (InputFormatException e) {
          if (!o.skipBadLines) {
            throw e;
          }
          log.skippedLines++;
        }
        if ((lineNo & 4095) == 0) {
          progress.accept(r.bytesRead());
        }
      }
      progress.accept(r.bytesRead());
    }
    if (!sawAnyLine) {
      throw new InputFormatException(path, "no interactions: the file is empty or has only blank lines");
    }
    if (log.size() == 0) {
      String why = log.belowThreshold > 0 ? " (" + log.belowThreshold + " lines rated below " + o.minRating + ")"
          : log.skippedLines > 0 ? " (" + log.skippedLines + " bad lines skipped)"
          : o.header ? " (a header but no data lines)" : "";
      throw new InputFormatException(path, "no interactions" + why);
    }
    return log;
  }

  private static int column(Path path, long lineNo, String line, List<String> header, String spec, String role) {
    if (header != null) {
      int at = header.indexOf(spec);
      if (at >= 0) {
        return at;
      }
    }
    if (!spec.isEmpty() && spec.chars().allMatch(c -> c >= '0' && c <= '9') && spec.length() < 9) {
      int idx = Integer.parseInt(spec);
      if (header != null && idx >= header.size()) {
        throw new InputFormatException(path, lineNo, role + " column index " + idx + " is past the header's "
            + header.size() + " columns", line);
      }
      return idx;
    }
    if (header == null) {
      throw new IllegalArgumentException(role + " column '" + spec + "' must be a 0-based index: " + path
          + " is read without a header");
    }
    throw new InputFormatException(path, lineNo, "no " + role + " column named '" + spec + "' in the header", line);
  }

  private static String field(Path path, long lineNo, String line, List<String> fields, int idx, String role) {
    if (idx >= fields.size()) {
      throw new InputFormatException(path, lineNo, "missing " + role + " column (index " + idx + "): the line has "
          + fields.size() + " field" + (fields.size() == 1 ? "" : "s"), line);
    }
    return fields.get(idx);
  }

  /** A plain decimal number: optional sign, digits with an optional fraction, optional exponent. */
  static double number(Path path, long lineNo, String s, String role) {
    int n = s.length();
    int p = 0;
    if (p < n && (s.charAt(p) == '-' || s.charAt(p) == '+')) {
      p++;
    }
    int digits = 0;
    while (p < n && Character.isDigit(s.charAt(p)) && s.charAt(p) < 128) {
      p++;
      digits++;
    }
    if (p < n && s.charAt(p) == '.') {
      p++;
      while (p < n && s.charAt(p) >= '0' && s.charAt(p) <= '9') {
        p++;
        digits++;
      }
    }
    if (digits > 0 && p < n && (s.charAt(p) == 'e' || s.charAt(p) == 'E')) {
      int q = p + 1;
      if (q < n && (s.charAt(q) == '-' || s.charAt(q) == '+')) {
        q++;
      }
      int expDigits = 0;
      while (q < n && s.charAt(q) >= '0' && s.charAt(q) <= '9') {
        q++;
        expDigits++;
      }
      if (expDigits > 0) {
        p = q;
      }
    }
    if (digits == 0 || p != n) {
      throw new InputFormatException(path, lineNo, role + " is not a number", s);
    }
    return Double.parseDouble(s);
  }

  /** Splits {@code line} into {@code out}; quoted fields per RFC 4180 without embedded line breaks. */
  static void split(Path path, long lineNo, String line, char delim, List<String> out, StringBuilder sb) {
    out.clear();
    int n = line.length();
    int p = 0;
    while (true) {
      int q = p;
      while (q < n && (line.charAt(q) == ' ' || (line.charAt(q) == '\t' && delim != '\t'))) {
        q++;
      }
      if (q < n && line.charAt(q) == '"') {
        sb.setLength(0);
        q++;
        while (true) {
          if (q >= n) {
            throw new InputFormatException(path, lineNo, "unterminated quoted field", line);
          }
          char c = line.charAt(q);
          if (c == '"') {
            if (q + 1 < n && line.charAt(q + 1) == '"') {
              sb.append('"');
              q += 2;
            } else {
              q++;
              break;
            }
          } else {
            sb.append(c);
            q++;
          }
        }
        while (q < n && line.charAt(q) == ' ') {
          q++;
        }
        if (q < n && line.charAt(q) != delim) {
          throw new InputFormatException(path, lineNo, "text after a closing quote", line);
        }
        out.add(sb.toString());
        if (q >= n) {
          return;
        }
        p = q + 1;
      } else {
        int e = line.indexOf(delim, p);
        int end = e < 0 ? n : e;
        out.add(line.substring(p, end).strip());
        if (e < 0) {
          return;
        }
        p = e + 1;
      }
    }
  }
}
