package io.graphcf.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.graph.Dataset;
import io.graphcf.propagation.Workers;
import io.graphcf.propagation.eval.EmbeddingScorer;
import io.graphcf.propagation.eval.EvalResult;
import io.graphcf.propagation.eval.Evaluator;
import io.graphcf.propagation.eval.PairedComparison;
import io.graphcf.propagation.eval.PerUserMetrics;
import io.graphcf.propagation.eval.UserScorer;
import io.graphcf.propagation.model.FloatMatrix;
import io.graphcf.propagation.model.ModelReader;
import io.graphcf.propagation.popularity.MostPopular;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code graphcf eval}: full-ranking evaluation of a saved model on the test split of its store
 * (or of {@code --data}, which must hold the same data: the same fingerprint, or the same interactions
 * under the same ordinals, as a store and the text files it was imported from may): Recall,
 * Precision, NDCG and HitRate at 10, 20 and 50, as a table or as JSON. With {@code --against}, a
 * second model is evaluated on the same users and the two are compared user by user: the mean
 * difference of each metric and its paired standard error.
 */
@Command(name = "eval", description = "Evaluate a saved model (full ranking, train items masked) on a store's test split.")
public final class EvalCommand extends BaseCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--model", required = true, description = "A model directory written by graphcf train.")
  Path model;

  @Option(names = "--data", description = "The store (default: the store recorded in the model).")
  Path data;

  @Option(names = "--threads", description = "Worker threads (default: all cores).")
  Integer threads;

  @Option(names = "--json", description = "Print the metrics as one JSON object.")
  boolean json;

  @Option(names = "--against", paramLabel = "MODEL",
      description = "A second model, trained on the same data, to compare with --model user by user "
          + "(mean difference and its paired standard error).")
  Path against;

  @Override
  protected int execute() throws Exception {
    ModelReader reader = ModelReader.open(model);
    ObjectNode meta = reader.meta();
    Path dataDir = data;
    if (dataDir == null) {
      String store = meta.at("/data/store").asText(null);
      String source = meta.at("/data/source").asText(null);
      if (store == null && source == null) {
        throw new UsageException("model " + model + " records no store; pass --data");
      }
      dataDir = Path.of(store != null ? store : source);
    }
    TrainData td = TrainData.load(dataDir);
    checkSameData(meta, model, td, dataDir);
    ModelReader other = against == null ? null : ModelReader.open(against);
    if (other != null) {
      checkSameData(other.meta(), against, td, dataDir);
    }
    Dataset ds = td.dataset();
    if (ds.test().nnz() == 0) {
      throw new UsageException(dataDir + " has no test interactions to evaluate on");
    }
    int t = threads == null ? Workers.defaultThreads() : threads;
    if (t < 1) {
      throw new UsageException("--threads must be >= 1, got " + t);
    }
    try (Workers w = Workers.create(t)) {
      UserScorer scorer = scorer(reader, ds);
      if (other == null) {
        EvalResult r = Evaluator.evaluate(scorer, ds, TrainCommand.KS, w);
        print(r, meta.path("model").asText("?"));
      } else {
        PerUserMetrics a = Evaluator.evaluatePerUser(scorer, ds, TrainCommand.KS, w);
        PerUserMetrics b = Evaluator.evaluatePerUser(scorer(other, ds), ds, TrainCommand.KS, w);
        printComparison(a, b, meta.path("model").asText("?"), other.meta().path("model").asText("?"));
      }
    }
    return GraphCf.EXIT_OK;
  }

  private static void checkSameData(ObjectNode meta, Path model, TrainData td, Path dataDir) {
    if (!td.holdsDataOf(meta)) {
      throw new UsageException("model " + model + " was trained on data " + meta.at("/data/fingerprint").asText()
          + ", " + dataDir + " is " + td.fingerprint() + " and holds other interactions or ordinals");
    }
  }

  /** The scorer of a saved model, by its kind. Other kinds are added here as their models land. */
  static UserScorer scorer(ModelReader reader, Dataset ds) throws java.io.IOException {
    String kind = reader.meta().path("kind").asText();
    switch (kind) {
      case "embedding" -> {
        FloatMatrix u = reader.matrix("user_embedding");
        FloatMatrix i = reader.matrix("item_embedding");
        if (u.rows() != ds.numUsers() || i.rows() != ds.numItems() || u.cols() != i.cols()) {
          throw new IllegalArgumentException("model shape " + u.rows() + " users x " + i.rows() + " items (dim "
              + u.cols() + "/" + i.cols() + ") does not match data " + ds.numUsers() + " x " + ds.numItems());
        }
        return new EmbeddingScorer(u.data(), i.data(), u.rows(), i.rows(), u.cols());
      }
      case "popularity" -> {
        return MostPopular.load(reader);
      }
      case "filter" -> {
        return io.graphcf.propagation.filter.FilterModels.load(reader, ds.train());
      }
      default -> throw new IllegalArgumentException("model kind '" + kind + "' cannot be evaluated by this version "
          + "(known: embedding, popularity, filter)");
    }
  }

  private static final String[] METRICS = {"recall", "precision", "ndcg", "hit"};

  private void printComparison(PerUserMetrics a, PerUserMetrics b, String nameA, String nameB)
      throws java.io.IOException {
    PairedComparison c = PairedComparison.of(a, b);
    PrintWriter o = out();
    if (json) {
      ObjectNode n = JSON.createObjectNode();
      n.set("model", a.result().toJson());
      n.set("against", b.result().toJson());
      ObjectNode diff = n.putObject("difference");
      ObjectNode se = n.putObject("difference_std_error");
      for (int k : TrainCommand.KS) {
        for (int m = 0; m < METRICS.length; m++) {
          diff.put(METRICS[m] + "@" + k, c.difference(m, k));
          se.put(METRICS[m] + "@" + k, c.stdError(m, k));
        }
      }
      n.put("users", c.users());
      o.println(JSON.writeValueAsString(n));
      return;
    }
    o.printf(Locale.ROOT, "a = %s (%s), b = %s (%s), on the same %d test users%n", nameA, model, nameB, against,
        c.users());
    o.printf(Locale.ROOT, "%-14s%10s%10s%22s%8s%n", "metric", "a", "b", "a - b ± paired se", "z");
    for (int k : TrainCommand.KS) {
      for (int m = 0; m < METRICS.length; m++) {
        double d = c.difference(m, k);
        double se = c.stdError(m, k);
        o.printf(Locale.ROOT, "%-14s%10.4f%10.4f%22s%8s%n", METRICS[m] + "@" + k, a.result().mean(m, k),
            b.result().mean(m, k), String.format(Locale.ROOT, "%+.4f ± %.4f", d, se),
            se > 0 ? String.format(Locale.ROOT, "%.1f", d / se) : "-");
      }
    }
    // properties of the lists, not of the hits: no per-user pairing
    for (int k : TrainCommand.KS) {
      o.printf(Locale.ROOT, "%-14s%10.1f%10.1f%22s%n", "popularity@" + k, a.result().popularity(k),
          b.result().popularity(k), String.format(Locale.ROOT, "%+.1f", a.result().popularity(k)
              - b.result().popularity(k)));
    }
    for (int k : TrainCommand.KS) {
      o.printf(Locale.ROOT, "%-14s%10.4f%10.4f%22s%n", "coverage@" + k, a.result().coverage(k),
          b.result().coverage(k), String.format(Locale.ROOT, "%+.4f", a.result().coverage(k)
              - b.result().coverage(k)));
    }
  }

  private void print(EvalResult r, String modelName) throws java.io.IOException {
    PrintWriter o = out();
    if (json) {
      ObjectNode n = r.toJson();
      o.println(JSON.writeValueAsString(n));
      return;
    }
    o.printf(Locale.ROOT, "%s on %d test users (%.2f s); mean ± standard error over users%n", modelName, r.users(),
        r.seconds());
    o.printf(Locale.ROOT, "%-10s", "metric");
    for (int k : TrainCommand.KS) {
      o.printf(Locale.ROOT, "%18s", "@" + k);
    }
    o.println();
    String[] names = {"recall", "precision", "ndcg", "hit_rate"};
    for (int m = 0; m < names.length; m++) {
      o.printf(Locale.ROOT, "%-10s", names[m]);
      for (int k : TrainCommand.KS) {
        o.printf(Locale.ROOT, "%18s", String.format(Locale.ROOT, "%.4f ± %.4f", r.mean(m, k), r.stdError(m, k)));
      }
      o.println();
    }
    // properties of the lists: the mean training-interaction count of the listed items, the share of all
    // items listed for someone
    o.printf(Locale.ROOT, "%-10s", "popularity");
    for (int k : TrainCommand.KS) {
      o.printf(Locale.ROOT, "%18s", String.format(Locale.ROOT, "%.1f", r.popularity(k)));
    }
    o.println();
    o.printf(Locale.ROOT, "%-10s", "coverage");
    for (int k : TrainCommand.KS) {
      o.printf(Locale.ROOT, "%18s", String.format(Locale.ROOT, "%.4f", r.coverage(k)));
    }
    o.println();
  }
}
