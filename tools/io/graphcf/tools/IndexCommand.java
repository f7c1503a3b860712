package io.graphcf.tools;

import io.graphcf.index.BeamTuner;
import io.graphcf.index.HnswIndex;
import io.graphcf.index.ModelIndex;
import io.graphcf.index.MipsTransform;
import io.graphcf.propagation.Workers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code graphcf index build}: the HNSW index of a model's item embedding, written into the model directory. */
@Command(name = "index", description = "Manage the approximate-search index of a model.",
    subcommands = {IndexCommand.Build.class, CommandLine.HelpCommand.class})
public final class IndexCommand extends BaseCommand {
  @Override
  protected int execute() {
    throw new UsageException("missing subcommand: graphcf index build --model MODEL");
  }

  /** {@code graphcf index build --model MODEL [--m --ef-construction --seed --threads --ef-search --target-recall]}. */
  @Command(name = "build", description = "Build the HNSW index over the model's item embedding and write it"
      + " atomically as items.hnsw in the model directory (Recommender and `graphcf recommend` then use it).")
  public static final class Build extends BaseCommand {
    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "The model directory.")
    Path model;

    @Option(names = "--m", defaultValue = "" + HnswIndex.DEFAULT_M,
        description = "Edges per node above level 0; level 0 keeps 2m (default ${DEFAULT-VALUE}).")
    int m;

    @Option(names = "--ef-construction", defaultValue = "" + HnswIndex.DEFAULT_EF_CONSTRUCTION,
        description = "Beam width while building (default ${DEFAULT-VALUE}).")
    int efConstruction;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the node levels (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", description = "Build threads (default: all cores). The graph does not depend on it.")
    Integer threads;

    @Option(names = "--transform", defaultValue = "NORM_AUGMENTED", description = "MIPS treatment: NORM_AUGMENTED"
        + " (Bachrach et al. transform, default), NONE (inner-product graph) or ANGULAR (cosine graph).")
    MipsTransform transform;

    @Option(names = "--store", paramLabel = "STORE", description = "The graph store the model was trained on, whose"
        + " training items tuning excludes (default: the one named in the model's metadata).")
    Path store;

    @Option(names = "--ef-search", defaultValue = "0", description = "Default search beam stored in the index"
        + " (default 0: tuned, see --target-recall).")
    int efSearch;

    @Option(names = "--target-recall", defaultValue = "0.95", description = "Tune the default beam to the smallest"
        + " whose recall@k against exact search on sampled users (their training items excluded when the model's"
        + " store is found; less two standard errors) reaches this (default ${DEFAULT-VALUE}).")
    double targetRecall;

    @Option(names = "--tune-users", defaultValue = "500", description = "Users sampled for tuning (default"
        + " ${DEFAULT-VALUE}).")
    int tuneUsers;

    @Option(names = "--tune-k", defaultValue = "20", description = "The k of the tuned recall (default ${DEFAULT-VALUE}).")
    int tuneK;

    @Override
    protected int execute() throws Exception {
      if (!Files.isDirectory(model)) {
        throw new UsageException(model + ": not a model directory");
      }
      ModelIndex.Beam beam;
      try {
        beam = new ModelIndex.Beam(efSearch, targetRecall, tuneUsers, tuneK, seed);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
      int t = threads == null ? Workers.defaultThreads() : threads;
      long t0 = System.nanoTime();
      ModelIndex.Built built = ModelIndex.build(model, HnswIndex.builder().m(m).efConstruction(efConstruction)
          .seed(seed).threads(t).transform(transform), beam, t, store);
      double secs = (System.nanoTime() - t0) / 1e9;
      err().println(String.format(Locale.ROOT, "wrote %s (%d bytes) in %.1f s (m=%d, efConstruction=%d, seed=%d,"
          + " threads=%d)", built.file(), Files.size(built.file()), secs, m, efConstruction, seed, t));
      BeamTuner.Result r = built.tuning();
      if (r != null) {
        err().println(String.format(Locale.ROOT, "search beam %d: recall@%d %.4f on %d sampled users, %s (lower"
            + " bound %.4f, target %.3f%s)", r.ef(), r.k(), r.recall(), Math.min(tuneUsers, built.numUsers()),
            built.seenExcluded() ? "their training items excluded" : "nothing excluded (no graph store matching the model)",
            r.lowerBound(), targetRecall, r.reached() ? "" : ", NOT reached at the largest beam"));
      } else {
        err().println("search beam " + built.searchBeam() + " (fixed)");
      }
      return GraphCf.EXIT_OK;
    }
  }
}
