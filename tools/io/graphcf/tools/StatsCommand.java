package io.graphcf.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.graphcf.graph.GraphStats;
import io.graphcf.graph.GraphStore;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code graphcf stats}: counts, density, degree percentiles, connected components and k-core
 * sizes of a store's training graph; a table by default, JSON with {@code --json} (keys {@code
 * users, items, train, test, density, degrees, components, kcore}).
 */
@Command(name = "stats", description = "Print statistics of a graph store: users, items, interactions, density,"
    + " degree percentiles, components, k-core sizes.")
public final class StatsCommand extends BaseCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(index = "0", paramLabel = "STORE", description = "The store directory.")
  Path store;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Option(names = "--kcore", split = ",", defaultValue = "5,10", description = "k-core sizes to report"
      + " (default ${DEFAULT-VALUE}).")
  List<Integer> kcore;

  @Option(names = "--jgrapht", description = "Compute components and cores with JGraphT on the graph view (slower;"
      + " same numbers).")
  boolean jgrapht;

  @Option(names = "--verify-ids", description = "Also check every id of both dictionaries against its Chronicle Map"
      + " (open checks a sample).")
  boolean verifyIds;

  @Override
  protected int execute() throws Exception {
    int[] ks = new int[kcore.size()];
    for (int i = 0; i < ks.length; i++) {
      ks[i] = kcore.get(i);
      if (ks[i] < 0) {
        throw new UsageException("--kcore values must be >= 0, got " + ks[i]);
      }
    }
    long t0 = System.nanoTime();
    try (GraphStore s = GraphStore.open(store)) {
      double openMs = (System.nanoTime() - t0) / 1e6;
      if (verifyIds) {
        s.users().verifyAll();
        s.items().verifyAll();
      }
      GraphStats st = jgrapht ? GraphStats.computeWithJGraphT(s, ks) : GraphStats.compute(s, ks);
      if (json) {
        out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(st.toJson()));
      } else {
        out().printf(java.util.Locale.ROOT, "store %s (fingerprint %s; opened and verified in %.1f ms)%n", s.dir(),
            s.fingerprint(), openMs);
        out().print(st.toTable());
      }
    }
    return GraphCf.EXIT_OK;
  }
}
