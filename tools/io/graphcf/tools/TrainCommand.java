package io.graphcf.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.contrastive.LightGclConfig;
import io.graphcf.contrastive.LightGclTrainer;
import io.graphcf.graph.Dataset;
import io.graphcf.propagation.Workers;
import io.graphcf.propagation.eval.EvalResult;
import io.graphcf.propagation.eval.Evaluator;
import io.graphcf.propagation.lightgcn.LightGcnConfig;
import io.graphcf.propagation.lightgcn.LightGcnTrainer;
import io.graphcf.propagation.model.ModelReader;
import io.graphcf.propagation.model.ModelWriter;
import io.graphcf.propagation.popularity.MostPopular;
import io.graphcf.propagation.train.EpochTrainer;
import io.graphcf.propagation.train.TrainingLoop;
import io.graphcf.propagation.ultragcn.UltraGcnParams;
import io.graphcf.propagation.ultragcn.UltraGcnTrainer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * {@code graphcf train}: trains a model on a store and writes the model directory. Every
 * hyperparameter is a flag and may also come from {@code --config} (JSON object or properties file,
 * keys spelled like the flags without dashes, e.g. {@code eval-every}); flags override the file.
 * Gradient-trained models run through {@link TrainingLoop} (one JSON line per epoch on stdout, a
 * progress bar on stderr, checkpoints, {@code --resume}).
 */
@Command(name = "train", description = "Train a model (" + TrainCommand.MODELS + ") on a store and save it.")
public final class TrainCommand extends BaseCommand {

  /** The models {@code --model} accepts. */
  static final String MODELS = "lightgcn, mf, mostpop, lightgcl, ultragcn, gfcf, bspm";

  private static final List<String> MODEL_NAMES = List.of(MODELS.split(", "));
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Cut-offs every evaluation reports. */
  static final int[] KS = {10, 20, 50};
  private static final Set<String> KEYS = Set.of("model", "data", "out", "layers", "dim", "lr", "decay", "batch",
      "epochs", "eval-every", "patience", "metric", "checkpoint-every", "seed", "threads", "progress");
  /** Training-loop flags: every gradient-trained model reads them. */
  private static final Set<String> LOOP = Set.of("epochs", "eval-every", "patience", "metric", "checkpoint-every",
      "resume");
  /** The filter mixin's flags GF-CF reads; BSPM reads every other one of that mixin. */
  private static final Set<String> GFCF = Set.of("k", "alpha", "power-iters", "oversample");

  @Option(names = "--model", description = MODELS)
  String model;

  @Option(names = "--data", description = "A graphcf store (or a LightGCN-format directory with train.txt/test.txt).")
  Path data;

  @Option(names = "--out", description = "The model directory to write (replaced atomically).")
  Path out;

  @Option(names = "--config", description = "JSON or properties file with any of these options; flags override it.")
  Path config;

  @Option(names = "--layers", description = "Propagation layers K (default 3; mf uses 0).")
  Integer layers;

  @Option(names = "--dim", description = "Embedding width (default 64).")
  Integer dim;

  @Option(names = "--lr", description = "Adam learning rate (default 0.001). With --resume: the rate from then on "
      + "(weights and Adam state carry on), e.g. to decay it for a last stretch.")
  Float lr;

  @Option(names = "--decay", description = "L2 weight on the batch's ego embeddings (default 1e-4).")
  Float decay;

  @Option(names = "--batch", description = "BPR batch size (default 2048). With --resume: the size from then on, "
      + "like --lr.")
  Integer batch;

  @Option(names = "--epochs", description = "Last epoch to train (default 1000).")
  Integer epochs;

  @Option(names = "--eval-every", description = "Evaluate every N epochs and after the last (default 1; 0 = last only).")
  Integer evalEvery;

  @Option(names = "--patience", description = "Stop after N evaluations without improvement (default 0 = never).")
  Integer patience;

  @Option(names = "--metric", description = "Metric for early stopping (default recall@20).")
  String metric;

  @Option(names = "--checkpoint-every", description = "Save a resumable checkpoint into --out every N epochs (default 0 = end only).")
  Integer checkpointEvery;

  @Option(names = "--resume", description = "Continue from this checkpoint (a model directory saved by train; OUT "
      + "holds the best evaluated epoch, OUT.last the last epoch when that was not the best). Takes the "
      + "checkpoint's hyperparameters; --lr, --batch and LightGCL's loss flags (--lambda1, --tau, --lambda2, "
      + "--batch-decay, --edge-dropout, --infonce-negatives) may set new ones for the stretch to come.")
  Path resume;

  @Option(names = "--seed", description = "Seed of every random choice (default 2020).")
  Long seed;

  @Option(names = "--threads", description = "Worker threads (default: all cores).")
  Integer threads;

  @Option(names = "--progress", negatable = true, description = "Progress bar per epoch on stderr (default on).")
  Boolean progress;

  @Mixin
  FilterOptions filter = new FilterOptions();

  @Mixin
  LightGclOptions lightgcl = new LightGclOptions();

  @Mixin
  UltraGcnOptions ultragcn = new UltraGcnOptions();

  private Map<String, String> fileConfig = Map.of();

  @Override
  protected int execute() throws Exception {
    fileConfig = config == null ? Map.of() : readConfig(config, mixinKeys());
    applyConfigToModelOptions();
    String m = str(model, "model", null);
    Path dataDir = path(data, "data");
    Path outDir = path(out, "out");
    if (m == null) {
      throw new UsageException("--model is required (" + MODELS + ")");
    }
    if (m.equals("lightgcl") && decay != null) {
      throw new UsageException("--model lightgcl takes --lambda2 (L2 on all ego embeddings) and "
          + "--batch-decay (LightGCN's --decay, on the batch's), not --decay");
    }
    rejectOtherModelsFlags(m);
    TrainData td = TrainData.load(dataDir);
    int t = positive(integer(threads, "threads", Workers.defaultThreads()), "threads");
    try (Workers w = Workers.create(t)) {
      switch (m) {
        case "lightgcn", "mf" -> trainLightGcn(m, td, outDir, t, w);
        case "lightgcl" -> trainLightGcl(td, outDir, t, w);
        case "mostpop" -> trainMostPopular(td, outDir, t, w);
        case "gfcf", "bspm" -> FilterTraining.run(m, filter, td, outDir, lng(seed, "seed", 2020), t, w, out(), err());
        case "ultragcn" -> trainUltraGcn(td, outDir, t, w);
        default -> throw new UsageException("unknown model '" + m + "' (known: " + MODELS + ")");
      }
    }
    return GraphCf.EXIT_OK;
  }

  private void trainLightGcn(String m, TrainData td, Path outDir, int t, Workers w) throws IOException {
    LightGcnConfig c;
    if (resume != null) {
      c = LightGcnConfig.fromJson(checkpointHyperparameters(td, m));
    } else {
      LightGcnConfig d = LightGcnConfig.defaults();
      int k = integer(layers, "layers", m.equals("mf") ? 0 : d.layers());
      if (m.equals("mf") && k != 0) {
        throw new UsageException("--model mf has no layers, got --layers " + k);
      }
      if (m.equals("lightgcn") && k == 0) {
        throw new UsageException("--model lightgcn needs --layers >= 1 (use --model mf for 0), got 0");
      }
      c = new LightGcnConfig(integer(dim, "dim", d.dim()), k, flt(lr, "lr", d.lr()), flt(decay, "decay", d.decay()),
          integer(batch, "batch", d.batch()), lng(seed, "seed", d.seed()));
    }
    runLoop(new LightGcnTrainer(td.dataset().train(), c, w), td, outDir, t, w);
  }

  private void trainUltraGcn(TrainData td, Path outDir, int t, Workers w) throws IOException {
    UltraGcnParams p;
    try {
      if (resume != null) {
        if (ultragcn.any() || filter.preset != null) {
          throw new UsageException("--resume takes the model's hyperparameters from the checkpoint; drop the UltraGCN "
              + "flags and --preset");
        }
        p = UltraGcnParams.fromJson(checkpointHyperparameters(td, "ultragcn"));
      } else {
        p = ultragcn.params(filter.preset, dim, lr, batch, seed);
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    runLoop(new UltraGcnTrainer(td.dataset().train(), p, w), td, outDir, t, w);
  }

  /** LightGCL: the shared flags with LightGCL's defaults, plus {@link LightGclOptions}. */
  private void trainLightGcl(TrainData td, Path outDir, int t, Workers w) throws IOException {
    LightGclConfig c;
    if (resume != null) {
      // the loss's weights may change for a later stage, like --lr; the SVD view is the checkpoint's
      if (lightgcl.svdRank != null || filter.powerIters != null || filter.oversample != null) {
        throw new UsageException("--resume keeps the checkpoint's SVD view; drop --svd-rank, --power-iters and "
            + "--oversample");
      }
      c = lightgcl.apply(LightGclConfig.fromJson(checkpointHyperparameters(td, "lightgcl")), null, null);
    } else {
      LightGclConfig d = LightGclConfig.defaults();
      c = lightgcl.apply(d.withDim(integer(dim, "dim", d.dim())).withLayers(integer(layers, "layers", d.layers()))
          .withLr(flt(lr, "lr", d.lr())).withBatch(integer(batch, "batch", d.batch()))
          .withSeed(lng(seed, "seed", d.seed())), filter.powerIters, filter.oversample);
    }
    runLoop(new LightGclTrainer(td.dataset().train(), c, w), td, outDir, t, w);
  }

  /** Runs any epoch trainer through the shared loop; other gradient-trained models reuse this. */
  private void runLoop(EpochTrainer trainer, TrainData td, Path outDir, int t, Workers w) throws IOException {
    String watched = str(metric, "metric", "recall@20");
    TrainingLoop.Options o = new TrainingLoop.Options()
        .epochs(positive(integer(epochs, "epochs", 1000), "epochs"))
        .evalEvery(integer(evalEvery, "eval-every", 1))
        .patience(integer(patience, "patience", 0))
        .metric(watched)
        .checkpointEvery(integer(checkpointEvery, "checkpoint-every", 0))
        .progress(bool(progress, "progress", true));
    Dataset ds = td.dataset();
    TrainingLoop.Evaluation eval = ds.test().nnz() == 0 ? null : s -> Evaluator.evaluate(s, ds, KS, w).toJson();
    ObjectNode extra = JSON.createObjectNode().put("threads", t);
    TrainingLoop loop = new TrainingLoop(trainer, o, eval, td.meta(), extra, out(), progressStream());
    TrainingLoop.Result r = resume == null ? loop.run(outDir) : loop.resume(resume, outDir);
    int saved = r.meta().path("metrics").path("saved_epoch").asInt(r.lastEpoch());
    err().printf(Locale.ROOT, "saved %s epoch %d to %s after epoch %d%s%s%n", trainer.modelName(), saved, outDir,
        r.lastEpoch(), r.bestEpoch() > 0 ? String.format(Locale.ROOT, " (best %s %.4f at epoch %d%s)", watched,
            r.bestMetric(), r.bestEpoch(), r.stoppedEarly() ? ", stopped early" : "") : "",
        saved != r.lastEpoch() ? "; last epoch's state for --resume in " + TrainingLoop.lastDir(outDir) : "");
  }

  private ObjectNode checkpointHyperparameters(TrainData td, String m) throws IOException {
    ModelReader r = ModelReader.open(resume);
    ObjectNode meta = r.meta();
    if (!td.holdsDataOf(meta)) {
      throw new UsageException("checkpoint " + resume + " was trained on data " + meta.at("/data/fingerprint").asText()
          + ", --data is " + td.fingerprint() + " and holds other interactions or ordinals");
    }
    if (!meta.path("model").asText().equals(m)) {
      throw new UsageException("checkpoint " + resume + " holds model '" + meta.path("model").asText()
          + "', --model is '" + m + "'");
    }
    if (layers != null || dim != null || decay != null || seed != null) {
      throw new UsageException("--resume takes the model's hyperparameters from the checkpoint (all but --lr and "
          + "--batch); drop --layers, --dim, --decay and --seed");
    }
    ObjectNode hp = ((ObjectNode) meta.path("hyperparameters")).deepCopy();
    boolean ug = m.equals("ultragcn");
    // a schedule by hand: the weights, Adam's moments and its step count carry on
    if (lr != null || raw("lr") != null) {
      float v = flt(lr, "lr", 0f);
      if (!(v > 0) || !Float.isFinite(v)) {
        throw new UsageException("--lr must be > 0, got " + v);
      }
      hp.put(ug ? "learning_rate" : "lr", v);
    }
    if (batch != null || raw("batch") != null) {
      int v = integer(batch, "batch", 0);
      if (v < 1) {
        throw new UsageException("--batch must be >= 1, got " + v);
      }
      hp.put(ug ? "batch_size" : "batch", v);
    }
    return hp;
  }

  private void trainMostPopular(TrainData td, Path outDir, int t, Workers w) throws IOException {
    long t0 = System.nanoTime();
    MostPopular mp = MostPopular.fit(td.dataset().train());
    double fitSeconds = (System.nanoTime() - t0) / 1e9;
    ObjectNode meta = mp.meta();
    ((ObjectNode) meta.get("hyperparameters")).put("threads", t);
    meta.set("data", td.meta());
    ObjectNode line = JSON.createObjectNode();
    if (td.dataset().test().nnz() > 0) {
      EvalResult r = Evaluator.evaluate(mp, td.dataset(), KS, w);
      ObjectNode metrics = r.toJson();
      metrics.remove("eval_seconds");
      meta.set("metrics", metrics);
      line.setAll(metrics);
      line.put("eval_seconds", r.seconds());
      meta.putObject("timings").put("fit_seconds", fitSeconds).put("eval_seconds", r.seconds());
    } else {
      meta.putObject("metrics");
      meta.putObject("timings").put("fit_seconds", fitSeconds);
    }
    try (ModelWriter mw = ModelWriter.create(outDir)) {
      mp.save(mw);
      mw.commit(meta);
    }
    out().println(JSON.writeValueAsString(line));
    err().printf(Locale.ROOT, "saved mostpop to %s%n", outDir);
  }

  private PrintStream progressStream() {
    PrintWriter e = err();
    return new PrintStream(new OutputStream() {
      @Override
      public void write(int b) {
        e.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        e.write(new String(b, off, len, StandardCharsets.UTF_8));
        e.flush();
      }
    }, true, StandardCharsets.UTF_8);
  }

  /**
   * The model-specific flags {@code m} reads (long names without dashes): everything on the command line
   * but those every model takes: --model, --data, --out, --config, --threads, --seed (a deterministic model
   * honours any seed), --[no-]progress and --verbose.
   */
  private Set<String> flagsOf(String m) {
    Set<String> s = new TreeSet<>();
    switch (m) {
      case "lightgcn", "mf" -> {
        s.addAll(LOOP);
        s.addAll(Set.of("layers", "dim", "lr", "decay", "batch"));
      }
      case "lightgcl" -> {
        s.addAll(LOOP);
        s.addAll(Set.of("layers", "dim", "lr", "batch", "power-iters", "oversample"));
        s.addAll(mixinNames("lightgcl"));
      }
      case "ultragcn" -> {
        s.addAll(LOOP);
        s.addAll(Set.of("dim", "lr", "batch", "preset"));
        s.addAll(mixinNames("ultragcn"));
      }
      case "gfcf" -> s.addAll(GFCF);
      case "bspm" -> {
        s.addAll(mixinNames("filter"));
        s.removeAll(Set.of("k", "alpha"));
      }
      default -> {
        // mostpop reads none; an unknown model is reported by execute()
      }
    }
    return s;
  }

  private Set<String> mixinNames(String mixin) {
    return mixinOptions(mixin).keySet();
  }

  /**
   * A flag on the command line that model {@code m} does not read is an error rather than silently
   * ignored (a config file may carry keys for several models: those are not checked).
   */
  private void rejectOtherModelsFlags(String m) {
    if (!MODEL_NAMES.contains(m)) {
      return;
    }
    Set<String> own = flagsOf(m);
    Set<String> exempt = Set.of("model", "data", "out", "config", "threads", "seed", "progress", "verbose", "help",
        "version");
    ParseResult parsed = spec.commandLine().getParseResult();
    for (OptionSpec o : spec.options()) {
      String name = o.longestName().substring(2);
      if (!parsed.hasMatchedOption(o) || exempt.contains(name) || own.contains(name)) {
        continue;
      }
      List<String> users = new ArrayList<>();
      for (String other : MODEL_NAMES) {
        if (flagsOf(other).contains(name)) {
          users.add(other);
        }
      }
      throw new UsageException(o.longestName() + (users.isEmpty() ? " applies to no model"
          : " applies to --model " + String.join(", ", users) + (users.size() == 1 ? " only" : ""))
          + ", not " + m);
    }
  }

  // ---- option resolution: flag, else config file, else default ----

  /** Options of the model mixins (filters, LightGCL, UltraGCN): config keys beside {@link #KEYS}. */
  private Map<String, OptionSpec> mixinOptions() {
    return mixinOptions("filter", "lightgcl", "ultragcn");
  }

  /** The named mixins' options by long name without dashes. */
  private Map<String, OptionSpec> mixinOptions(String... mixins) {
    Map<String, OptionSpec> m = new HashMap<>();
    for (String mixin : mixins) {
      for (OptionSpec o : spec.mixins().get(mixin).options()) {
        m.put(o.longestName().substring(2), o);
      }
    }
    return m;
  }

  private Set<String> mixinKeys() {
    return mixinOptions().keySet();
  }

  /**
   * Sets every model-mixin option the command line left unset from the config file, converted to
   * the option's type (Integer, Long, Float, Double, Boolean or String).
   */
  private void applyConfigToModelOptions() {
    ParseResult parsed = spec.commandLine().getParseResult();
    for (Map.Entry<String, OptionSpec> e : mixinOptions().entrySet()) {
      String v = raw(e.getKey());
      OptionSpec o = e.getValue();
      if (v == null || parsed.hasMatchedOption(o)) {
        continue;
      }
      // parsed and reported by the same helpers as the shared options (the flag is absent here)
      Class<?> t = o.type();
      Object value;
      if (t == Integer.class || t == int.class) {
        value = integer(null, e.getKey(), 0);
      } else if (t == Long.class || t == long.class) {
        value = lng(null, e.getKey(), 0L);
      } else if (t == Float.class || t == float.class) {
        value = flt(null, e.getKey(), 0f);
      } else if (t == Double.class || t == double.class) {
        value = dbl(e.getKey());
      } else if (t == Boolean.class || t == boolean.class) {
        value = bool(null, e.getKey(), false);
      } else {
        value = v;
      }
      o.setValue(value);
    }
  }

  /** Reads a JSON or properties config; keys must be {@link #KEYS} or {@code extraKeys}. */
  static Map<String, String> readConfig(Path p, Set<String> extraKeys) throws IOException {
    Map<String, String> m = new HashMap<>();
    String text = Files.readString(p, StandardCharsets.UTF_8);
    if (text.stripLeading().startsWith("{")) {
      JsonNode n = JSON.readTree(text);
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isContainerNode()) {
          throw new UsageException(p + ": option '" + e.getKey() + "' must be a plain value, got " + e.getValue());
        }
        m.put(key(p, e.getKey(), extraKeys), e.getValue().asText());
      }
    } else {
      Properties props = new Properties();
      try (Reader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
        props.load(r);
      }
      for (String k : props.stringPropertyNames()) {
        m.put(key(p, k, extraKeys), props.getProperty(k).trim());
      }
    }
    return m;
  }

  private static String key(Path p, String k, Set<String> extraKeys) {
    String n = k.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    if (n.startsWith("--")) {
      n = n.substring(2);
    }
    if (!KEYS.contains(n) && !extraKeys.contains(n)) {
      TreeSet<String> known = new TreeSet<>(KEYS);
      known.addAll(extraKeys);
      throw new UsageException(p + ": unknown option '" + k + "' (known: " + known + ")");
    }
    return n;
  }

  private String raw(String key) {
    return fileConfig.get(key);
  }

  private String str(String flag, String key, String def) {
    return flag != null ? flag : raw(key) != null ? raw(key) : def;
  }

  private Path path(Path flag, String key) {
    if (flag != null) {
      return flag;
    }
    if (raw(key) != null) {
      return Path.of(raw(key));
    }
    throw new UsageException("--" + key + " is required");
  }

  private int integer(Integer flag, String key, int def) {
    if (flag != null) {
      return flag;
    }
    String v = raw(key);
    try {
      return v == null ? def : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new UsageException(config + ": option '" + key + "' must be an integer (got '" + v + "')");
    }
  }

  private long lng(Long flag, String key, long def) {
    if (flag != null) {
      return flag;
    }
    String v = raw(key);
    try {
      return v == null ? def : Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new UsageException(config + ": option '" + key + "' must be an integer (got '" + v + "')");
    }
  }

  private float flt(Float flag, String key, float def) {
    if (flag != null) {
      return flag;
    }
    String v = raw(key);
    try {
      return v == null ? def : Float.parseFloat(v);
    } catch (NumberFormatException e) {
      throw new UsageException(config + ": option '" + key + "' must be a number (got '" + v + "')");
    }
  }

  /** The config file's value of {@code key} as a double (only called when the file has it). */
  private double dbl(String key) {
    String v = raw(key);
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new UsageException(config + ": option '" + key + "' must be a number (got '" + v + "')");
    }
  }

  private boolean bool(Boolean flag, String key, boolean def) {
    if (flag != null) {
      return flag;
    }
    String v = raw(key);
    if (v == null) {
      return def;
    }
    if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
      throw new UsageException(config + ": option '" + key + "' must be true or false (got '" + v + "')");
    }
    return Boolean.parseBoolean(v);
  }

  private static int positive(int v, String name) {
    if (v < 1) {
      throw new UsageException("--" + name + " must be >= 1, got " + v);
    }
    return v;
  }
}
