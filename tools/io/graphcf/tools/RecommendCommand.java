package io.graphcf.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.index.RecommendOptions;
import io.graphcf.index.Recommender;
import io.graphcf.index.ScoredItem;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code graphcf recommend}: top-k items for a user (or, with {@code --items}, for a new user folded
 * in from those items), one {@code itemId<TAB>score} line per item, best first; {@code --json} for
 * machines.
 */
@Command(name = "recommend", description = "Recommend items for a user of a trained model (itemId<TAB>score, best"
    + " first).")
public final class RecommendCommand extends BaseCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--model", required = true, paramLabel = "MODEL", description = "The model directory.")
  Path model;

  @Option(names = "--store", paramLabel = "STORE", description = "The graph store (default: the one in the model's"
      + " metadata).")
  Path store;

  @Option(names = "--user", paramLabel = "ID", description = "External user id.")
  String user;

  @Option(names = "--items", split = ",", paramLabel = "ID", description = "Recent items of a user the model has"
      + " never seen (comma-separated); replaces --user.")
  List<String> items;

  @Option(names = "--similar", paramLabel = "ID", description = "Items similar to this item instead of a user.")
  String similar;

  @Option(names = {"-k", "--k"}, defaultValue = "20", description = "Number of items (default ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--exact", description = "Exact search (full scan) even if the model has an index.")
  boolean exact;

  @Option(names = "--include-seen", description = "Do not exclude the user's training items.")
  boolean includeSeen;

  @Option(names = "--exclude", split = ",", paramLabel = "ID", description = "Items never to return.")
  List<String> exclude;

  @Option(names = "--ef", defaultValue = "0", description = "HNSW beam width (default: max(k, the beam tuned by `index build`)).")
  int ef;

  @Option(names = "--json", description = "Print JSON: {\"user\":..., \"items\":[{\"item\":..., \"score\":...}]}.")
  boolean json;

  @Override
  protected int execute() throws Exception {
    int modes = (user != null ? 1 : 0) + (items != null ? 1 : 0) + (similar != null ? 1 : 0);
    if (modes != 1) {
      throw new UsageException("give exactly one of --user ID, --items ID,ID,... or --similar ID");
    }
    if (k < 1) {
      throw new UsageException("-k must be >= 1, got " + k);
    }
    RecommendOptions opts = RecommendOptions.defaults().exact(exact).excludeSeen(!includeSeen).ef(ef);
    if (exclude != null) {
      opts = opts.exclude(exclude);
    }
    List<ScoredItem> got;
    try (Recommender rec = Recommender.open(model, store)) {
      if (user != null) {
        got = rec.recommend(user, k, opts);
      } else if (items != null) {
        got = rec.recommendForItems(items, k, opts);
      } else {
        got = rec.similarItems(similar, k);
      }
    }
    if (json) {
      ObjectNode o = JSON.createObjectNode();
      if (user != null) {
        o.put("user", user);
      } else if (items != null) {
        ArrayNode a = o.putArray("recentItems");
        items.forEach(a::add);
      } else {
        o.put("similarTo", similar);
      }
      ArrayNode a = o.putArray("items");
      for (ScoredItem s : got) {
        a.addObject().put("item", s.itemId()).put("score", s.score());
      }
      out().println(JSON.writeValueAsString(o));
    } else {
      for (ScoredItem s : got) {
        out().println(s.itemId() + "\t" + s.score());
      }
    }
    return GraphCf.EXIT_OK;
  }
}
