package io.graphcf.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.graph.DelimitedReader;
import io.graphcf.graph.GraphStore;
import io.graphcf.graph.IdDictionary;
import io.graphcf.graph.ImportedSplit;
import io.graphcf.graph.InteractionLog;
import io.graphcf.graph.KCoreFilter;
import io.graphcf.graph.LightGcnReader;
import io.graphcf.graph.LineReader;
import io.graphcf.graph.Splitter;
import io.graphcf.graph.UnknownTestIds;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code graphcf import}: reads interaction text (the LightGCN format with its train/test files,
 * or a CSV/TSV log split here) and writes a graph store directory. Bad input stops with {@code
 * path:line: problem (got '...')} and exit code 2; the store at {@code --out} is replaced only
 * after the new one is complete, so a failed import leaves the previous store untouched.
 */
@Command(name = "import", sortOptions = false,
    description = "Import interactions (LightGCN text or a CSV/TSV log) into a graph store directory.",
    footer = {"", "Examples:",
        "  graphcf import --format lightgcn --train train.txt --test test.txt --out store",
        "  graphcf import --format csv --input ratings.csv --user-col userId --item-col movieId \\",
        "      --rating-col rating --min-rating 4 --time-col timestamp --split latest --out store"})
public final class ImportCommand extends BaseCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--format", required = true, description = "lightgcn, csv or tsv.")
  String format;

  @Option(names = "--train", description = "lightgcn: the training file (user item item ...).")
  Path train;

  @Option(names = "--test", description = "lightgcn: the test file (optional).")
  Path test;

  @Option(names = "--input", description = "csv/tsv: the interaction log.")
  Path input;

  @Option(names = "--out", required = true, description = "The store directory to create or replace.")
  Path out;

  @Option(names = "--user-col", description = "csv/tsv: user column, a header name or a 0-based index.")
  String userCol;

  @Option(names = "--item-col", description = "csv/tsv: item column, a header name or a 0-based index.")
  String itemCol;

  @Option(names = "--rating-col", description = "csv/tsv: rating or weight column (optional).")
  String ratingCol;

  @Option(names = "--min-rating", description = "csv/tsv: keep only lines rated at least this (implicit positives).")
  Double minRating;

  @Option(names = "--time-col", description = "csv/tsv: timestamp column, a number (needed by --split latest).")
  String timeCol;

  @Option(names = "--no-header", description = "csv/tsv: the first line is data; columns are 0-based indexes.")
  boolean noHeader;

  @Option(names = "--delimiter", description = "csv/tsv: field delimiter, one character or 'tab' (default: from"
      + " --format).")
  String delimiter;

  @Option(names = "--split", defaultValue = "none", description = "csv/tsv: none (all train), random (per user,"
      + " seeded) or latest (per user, by timestamp). Default ${DEFAULT-VALUE}.")
  String split;

  @Option(names = "--test-fraction", defaultValue = "0.2", description = "--split random: share of each user's items"
      + " held out (default ${DEFAULT-VALUE}).")
  double testFraction;

  @Option(names = "--seed", defaultValue = "42", description = "--split random: seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--unknown-test", description = "Test ids never seen in train: error|drop|keep (default: error for"
      + " lightgcn, drop for a split log).")
  String unknownTest;

  @Option(names = "--skip-bad-lines", description = "Count and skip malformed lines instead of stopping.")
  boolean skipBadLines;

  @Option(names = "--kcore", defaultValue = "0", description = "Keep only the k-core (users and items with at least"
      + " K interactions, repeated until stable); 0 keeps everything.")
  int kcore;

  @Option(names = "--max-line-bytes", defaultValue = "" + LineReader.DEFAULT_MAX_LINE_BYTES,
      description = "Longest accepted line (default ${DEFAULT-VALUE}).")
  int maxLineBytes;

  @Option(names = "--progress", negatable = true, description = "Show a progress bar on stderr for imports longer"
      + " than 2 s (default: when stderr is a console).")
  Boolean progress;

  @Override
  protected int execute() throws Exception {
    long t0 = System.nanoTime();
    IdDictionary.prepareAsync();
    boolean showProgress = progress != null ? progress : System.console() != null;
    try (ImportProgress p = new ImportProgress(showProgress, inputBytes(), err())) {
      return run(t0, p);
    }
  }

  private long inputBytes() {
    long n = 0;
    for (Path f : new Path[] {train, test, input}) {
      try {
        n += f != null && Files.isRegularFile(f) ? Files.size(f) : 0;
      } catch (java.io.IOException e) {
        // The reader reports the file properly.
      }
    }
    return n;
  }

  private int run(long t0, ImportProgress p) throws Exception {
    String fmt = format.toLowerCase(Locale.ROOT);
    if (kcore < 0) {
      throw new UsageException("--kcore must be >= 0, got " + kcore);
    }
    ArrayNode sources = JSON.createArrayNode();
    ObjectNode options = JSON.createObjectNode();
    options.put("format", fmt);
    options.put("kcore", kcore);
    options.put("skipBadLines", skipBadLines);
    ImportedSplit s;
    switch (fmt) {
      case "lightgcn": {
        if (train == null || input != null || userCol != null || itemCol != null || !split.equals("none")) {
          throw new UsageException("--format lightgcn takes --train [--test]; --input, --user-col, --item-col and"
              + " --split are for csv/tsv");
        }
        UnknownTestIds policy = policy(UnknownTestIds.ERROR);
        options.put("unknownTest", policy.name().toLowerCase(Locale.ROOT));
        requireFile(train);
        sources.add(GraphStore.describeSource("train", train));
        if (test != null) {
          requireFile(test);
          sources.add(GraphStore.describeSource("test", test));
        }
        s = new LightGcnReader(policy, skipBadLines, maxLineBytes).progress(p).read(train, test);
        p.phase("building");
        if (kcore > 0) {
          s = KCoreFilter.apply(s, kcore);
        }
        break;
      }
      case "csv":
      case "tsv": {
        if (input == null || train != null || test != null) {
          throw new UsageException("--format " + fmt + " takes --input (not --train/--test)");
        }
        if (userCol == null || itemCol == null) {
          throw new UsageException("--format " + fmt + " needs --user-col and --item-col");
        }
        if (minRating != null && ratingCol == null) {
          throw new UsageException("--min-rating needs --rating-col");
        }
        UnknownTestIds policy = policy(UnknownTestIds.DROP);
        if (policy == UnknownTestIds.ERROR) {
          throw new UsageException("--unknown-test error does not apply to a log split here (use drop or keep)");
        }
        requireFile(input);
        sources.add(GraphStore.describeSource("input", input));
        DelimitedReader.Options o = new DelimitedReader.Options()
            .delimiter(delimiterChar(fmt)).header(!noHeader).userColumn(userCol).itemColumn(itemCol)
            .ratingColumn(ratingCol).timeColumn(timeCol).minRating(minRating == null ? Double.NaN : minRating)
            .skipBadLines(skipBadLines).maxLineBytes(maxLineBytes);
        options.put("userCol", userCol).put("itemCol", itemCol).put("ratingCol", ratingCol)
            .put("minRating", minRating).put("timeCol", timeCol).put("header", !noHeader)
            .put("split", split).put("unknownTest", policy.name().toLowerCase(Locale.ROOT));
        InteractionLog log = new DelimitedReader(o).progress(p).read(input);
        p.phase("building");
        if (kcore > 0) {
          log = KCoreFilter.apply(log, kcore);
        }
        switch (split) {
          case "none":
            s = Splitter.none(log);
            break;
          case "random":
            if (!(testFraction >= 0 && testFraction < 1)) {
              throw new UsageException("--test-fraction must be in [0, 1), got " + testFraction);
            }
            options.put("testFraction", testFraction).put("seed", seed);
            s = Splitter.random(log, testFraction, seed, policy);
            break;
          case "latest":
            if (timeCol == null) {
              throw new UsageException("--split latest needs --time-col");
            }
            s = Splitter.latest(log, policy);
            break;
          default:
            throw new UsageException("unknown --split '" + split + "' (none, random or latest)");
        }
        if (log.belowThreshold > 0) {
          err().printf(Locale.ROOT, "graphcf: %,d lines rated below %s left out%n", log.belowThreshold, minRating);
        }
        break;
      }
      default:
        throw new UsageException("unknown --format '" + format + "' (lightgcn, csv or tsv)");
    }
    if (s.users.size() == 0 || s.trainUsers.isEmpty()) {
      throw new UsageException("nothing left to import" + (kcore > 0 ? " after the " + kcore + "-core filter" : ""));
    }
    long t1 = System.nanoTime();
    ObjectNode info = JSON.createObjectNode();
    info.set("sources", sources);
    info.set("options", options);
    info.putObject("timings").put("readSeconds", (t1 - t0) / 1e9);
    p.phase("writing store");
    GraphStore.write(s, out, info);
    long t2 = System.nanoTime();
    p.close();
    if (s.skippedLines > 0) {
      err().printf(Locale.ROOT, "graphcf: skipped %,d bad lines%n", s.skippedLines);
    }
    if (s.droppedTestPairs > 0) {
      err().printf(Locale.ROOT, "graphcf: dropped %,d test interactions with ids never seen in train%n",
          s.droppedTestPairs);
    }
    try (GraphStore store = GraphStore.open(out)) {
      out().printf(Locale.ROOT, "imported %,d users, %,d items, %,d train and %,d test interactions into %s"
          + " (fingerprint %s; read %.2f s, write %.2f s)%n", store.numUsers(), store.numItems(), store.trainNnz(),
          store.testNnz(), out, store.fingerprint(), (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    }
    return GraphCf.EXIT_OK;
  }

  private UnknownTestIds policy(UnknownTestIds dflt) {
    if (unknownTest == null) {
      return dflt;
    }
    switch (unknownTest.toLowerCase(Locale.ROOT)) {
      case "error":
        return UnknownTestIds.ERROR;
      case "drop":
        return UnknownTestIds.DROP;
      case "keep":
        return UnknownTestIds.KEEP;
      default:
        throw new UsageException("unknown --unknown-test '" + unknownTest + "' (error, drop or keep)");
    }
  }

  private char delimiterChar(String fmt) {
    if (delimiter == null) {
      return fmt.equals("tsv") ? '\t' : ',';
    }
    if (delimiter.equalsIgnoreCase("tab") || delimiter.equals("\\t")) {
      return '\t';
    }
    if (delimiter.length() != 1) {
      throw new UsageException("--delimiter must be one character or 'tab', got '" + delimiter + "'");
    }
    return delimiter.charAt(0);
  }

  private static void requireFile(Path p) throws NoSuchFileException {
    if (!Files.isRegularFile(p)) {
      throw new NoSuchFileException(p.toString(), null, "no such file");
    }
  }
}
