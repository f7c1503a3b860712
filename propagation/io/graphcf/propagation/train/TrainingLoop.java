package io.graphcf.propagation.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.propagation.eval.UserScorer;
import io.graphcf.propagation.model.FloatMatrix;
import io.graphcf.propagation.model.ModelReader;
import io.graphcf.propagation.model.ModelWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Drives any {@link EpochTrainer}: epochs, evaluation every N epochs, early stopping on one metric
 * with a patience counted in evaluations, checkpoints every N epochs and exact resume, a progress bar
 * per epoch on stderr, one JSON line per epoch on stdout, and at the end the model directory (final
 * embeddings, resume state, metadata) plus a PNG chart of loss and the metric against epochs.
 *
 * <p>Best versus last: when evaluation runs, the model directory a run ends with holds the parameters
 * of the best evaluated epoch (by {@link Options#metric}), not the last one. While training, each new
 * best is saved as a full checkpoint to the sibling {@code OUT.best} and the periodic checkpoints go to
 * {@code OUT} itself; at the end the best snapshot is copied into {@code OUT} (its metadata records
 * {@code saved_epoch}, {@code best_epoch} and {@code last_epoch}) and the last epoch's resumable state
 * is kept in the sibling {@code OUT.last} ({@link #lastDir}); {@code OUT.best} is removed. Resuming
 * {@code OUT} continues from the best epoch; resuming {@code OUT.last} continues the run where it ended.
 * When the best epoch is the last (or nothing was evaluated) {@code OUT} is the last epoch and no
 * sibling remains.
 *
 * <p>A checkpoint is the whole model directory written through {@link ModelWriter} (atomic swap),
 * with metadata {@code state}: the last finished epoch, best metric and epoch, evaluations without
 * improvement, the history of epoch lines, and the trainer's own state. Every saved model, the final
 * one included, can therefore be resumed. Trainers draw epoch e's randomness from (seed, e) only, so a
 * resumed run reproduces an uninterrupted one bit for bit.
 */
public final class TrainingLoop {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The chart written into the model directory. */
  public static final String CHART_FILE = "training.png";

  /** Evaluates a scorer; returns metrics keyed like {@code "recall@20"}, plus {@code "seconds"} if known. */
  @FunctionalInterface
  public interface Evaluation {
    ObjectNode evaluate(UserScorer scorer);
  }

  /** Loop settings; fluent, checked by {@link TrainingLoop}'s constructor. */
  public static final class Options {
    int epochs = 1000;
    int evalEvery = 1;
    int patience = 0;
    String metric = "recall@20";
    int checkpointEvery = 0;
    boolean progress = true;
    boolean chart = true;

    /** Last epoch to run (counting from 1, including epochs done before a resume). */
    public Options epochs(int v) {
      epochs = v;
      return this;
    }

    /** Evaluate every {@code v} epochs (and after the last); 0 evaluates only after the last. */
    public Options evalEvery(int v) {
      evalEvery = v;
      return this;
    }

    /** Stop after {@code v} evaluations without improvement of {@link #metric}; 0 never stops early. */
    public Options patience(int v) {
      patience = v;
      return this;
    }

    /** The metric early stopping watches, e.g. {@code "recall@20"} (higher is better). */
    public Options metric(String v) {
      metric = v;
      return this;
    }

    /** Save a resumable checkpoint every {@code v} epochs; 0 saves only at the end. */
    public Options checkpointEvery(int v) {
      checkpointEvery = v;
      return this;
    }

    /** Show a progress bar per epoch on the progress stream. */
    public Options progress(boolean v) {
      progress = v;
      return this;
    }

    /** Write {@value #CHART_FILE} into the model directory at the end. */
    public Options chart(boolean v) {
      chart = v;
      return this;
    }

    ObjectNode toJson() {
      ObjectNode n = JSON.createObjectNode();
      n.put("epochs", epochs).put("eval_every", evalEvery).put("patience", patience).put("metric", metric)
          .put("checkpoint_every", checkpointEvery);
      return n;
    }
  }

  /** What a run ended with. */
  public record Result(int lastEpoch, ObjectNode metrics, int bestEpoch, double bestMetric, boolean stoppedEarly,
      ArrayNode history, ObjectNode meta) {}

  private final EpochTrainer trainer;
  private final Options options;
  private final Evaluation evaluation;
  private final ObjectNode data;
  private final ObjectNode extraHyperparameters;
  private final PrintWriter out;
  private final PrintStream progressStream;

  /**
   * @param evaluation null to train without evaluating (no test set)
   * @param data the metadata {@code data} object (store path, fingerprint, counts)
   * @param extraHyperparameters merged into the trainer's hyperparameters (e.g. threads); may be null
   * @param out where the JSON lines go
   * @param progressStream where the progress bar goes (stderr); may be null
   */
  public TrainingLoop(EpochTrainer trainer, Options options, Evaluation evaluation, ObjectNode data,
      ObjectNode extraHyperparameters, PrintWriter out, PrintStream progressStream) {
    if (options.epochs < 1) {
      throw new IllegalArgumentException("epochs must be >= 1, got " + options.epochs);
    }
    if (options.evalEvery < 0 || options.patience < 0 || options.checkpointEvery < 0) {
      throw new IllegalArgumentException("eval-every, patience and checkpoint-every must be >= 0, got "
          + options.evalEvery + ", " + options.patience + ", " + options.checkpointEvery);
    }
    this.trainer = trainer;
    this.options = options;
    this.evaluation = evaluation;
    this.data = data == null ? JSON.createObjectNode() : data;
    this.extraHyperparameters = extraHyperparameters;
    this.out = out;
    this.progressStream = progressStream;
  }

  /** Trains from scratch and writes the model to {@code modelDir}. */
  public Result run(Path modelDir) throws IOException {
    return loop(modelDir, new Progress());
  }

  /**
   * Continues from a checkpoint (any model directory saved by this loop for the same model): restores
   * the trainer's parameters and optimiser state and the loop's counters and history, then runs the
   * remaining epochs and writes the model to {@code modelDir} (which may be the checkpoint itself).
   */
  public Result resume(Path checkpoint, Path modelDir) throws IOException {
    ModelReader reader = ModelReader.open(checkpoint);
    ObjectNode meta = reader.meta();
    String model = meta.path("model").asText();
    if (!model.equals(trainer.modelName())) {
      throw new IllegalArgumentException("checkpoint " + checkpoint + " holds model '" + model + "', expected '"
          + trainer.modelName() + "'");
    }
    JsonNode state = meta.get("state");
    if (!(state instanceof ObjectNode) || !state.has("epoch")) {
      throw new IllegalArgumentException("checkpoint " + checkpoint + " has no resume state");
    }
    JsonNode ts = state.get("trainer");
    trainer.restore(reader, ts instanceof ObjectNode ? (ObjectNode) ts : JSON.createObjectNode());
    Progress p = new Progress();
    p.epoch = state.path("epoch").asInt();
    p.bestEpoch = state.path("best_epoch").asInt(0);
    p.best = state.path("best_metric").asDouble(Double.NEGATIVE_INFINITY);
    p.badEvals = state.path("bad_evals").asInt(0);
    p.trainSeconds = state.path("train_seconds").asDouble(0);
    p.evalSeconds = state.path("eval_seconds").asDouble(0);
    p.evals = state.path("evals").asInt(0);
    p.stoppedEarly = state.path("stopped_early").asBoolean(false);
    p.lastEvaluatedEpoch = state.path("evaluated_epoch").asInt(-1);
    if (state.get("history") instanceof ArrayNode) {
      p.history = (ArrayNode) state.get("history");
    }
    if (meta.get("metrics") instanceof ObjectNode) {
      p.lastMetrics = (ObjectNode) meta.get("metrics");
    }
    return loop(modelDir, p);
  }

  /** The loop's own counters; saved in the metadata {@code state}. */
  private static final class Progress {
    int epoch;
    int bestEpoch;
    double best = Double.NEGATIVE_INFINITY;
    int badEvals;
    int evals;
    double trainSeconds;
    double evalSeconds;
    boolean stoppedEarly;
    ArrayNode history = JSON.createArrayNode();
    ObjectNode lastMetrics;
    int lastEvaluatedEpoch = -1;
  }

  private Result loop(Path modelDir, Progress p) throws IOException {
    int evalEvery = options.evalEvery;
    while (p.epoch < options.epochs && !p.stoppedEarly) {
      int e = p.epoch + 1;
      long cpu0 = processCpuNanos();
      long[] gc0 = gcTotals();
      long t0 = System.nanoTime();
      double loss;
      try (ProgressBar bar = progressBar(e)) {
        trainer.progressListener(bar == null ? null : bar::stepBy);
        loss = trainer.trainEpoch(e);
      } finally {
        trainer.progressListener(null);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      long cpu = processCpuNanos() - cpu0;
      long[] gc1 = gcTotals();
      if (!Double.isFinite(loss)) {
        throw new IllegalStateException("training diverged: epoch " + e + " loss " + loss);
      }
      p.epoch = e;
      p.trainSeconds += seconds;
      ObjectNode line = JSON.createObjectNode();
      line.put("epoch", e).put("loss", loss);
      boolean last = e == options.epochs;
      if (evaluation != null && ((evalEvery > 0 && e % evalEvery == 0) || last)) {
        evaluate(p, line);
      }
      line.put("seconds", seconds);
      if (cpu0 >= 0) {
        // On a shared machine wall time depends on the neighbours; the process's CPU time does not.
        line.put("cpu_seconds", cpu / 1e9);
      }
      // garbage a hot loop should not make: hundreds of collections per epoch meant boxed vectors once
      line.put("gc_count", gc1[0] - gc0[0]).put("gc_seconds", (gc1[1] - gc0[1]) / 1e3);
      p.history.add(line);
      out.println(JSON.writeValueAsString(line));
      out.flush();
      if (p.bestEpoch == e && !last) {
        // a new best: keep its full, resumable state until the run ends
        save(bestDir(modelDir), p);
      }
      if (!last && !p.stoppedEarly && options.checkpointEvery > 0 && e % options.checkpointEvery == 0) {
        save(modelDir, p);
      }
    }
    if (evaluation != null && p.lastEvaluatedEpoch != p.epoch && p.history.size() > 0) {
      // Resumed past the end from an unevaluated checkpoint: the final metrics must describe the saved model.
      evaluate(p, (ObjectNode) p.history.get(p.history.size() - 1));
    }
    ObjectNode meta;
    Path best = bestDir(modelDir);
    if (evaluation != null && p.bestEpoch > 0 && p.bestEpoch != p.epoch && Files.isDirectory(best)) {
      save(lastDir(modelDir), p);
      meta = promoteBest(best, modelDir, p);
    } else {
      meta = save(modelDir, p);
      ModelWriter.deleteRecursively(lastDir(modelDir));
    }
    ModelWriter.deleteRecursively(best);
    if (options.chart) {
      TrainingLoopChart.write(p.history, options.metric, modelDir.resolve(CHART_FILE), trainer.modelName());
    }
    ObjectNode savedMetrics = meta.get("metrics") instanceof ObjectNode ? (ObjectNode) meta.get("metrics")
        : p.lastMetrics;
    return new Result(p.epoch, savedMetrics, p.bestEpoch, p.best, p.stoppedEarly, p.history, meta);
  }

  /** Where the last epoch's resumable state goes when {@code modelDir} ends up holding an earlier, best epoch. */
  public static Path lastDir(Path modelDir) {
    return sibling(modelDir, ".last");
  }

  /** Where the best evaluated epoch waits while the run goes on. */
  static Path bestDir(Path modelDir) {
    return sibling(modelDir, ".best");
  }

  private static Path sibling(Path dir, String suffix) {
    Path abs = dir.toAbsolutePath().normalize();
    return abs.resolveSibling(abs.getFileName() + suffix);
  }

  /**
   * Copies the best snapshot's entries into {@code modelDir} with its metadata completed: the best
   * epoch's metrics and resume state, the whole run's timings and epoch counts.
   */
  private ObjectNode promoteBest(Path best, Path modelDir, Progress p) throws IOException {
    ModelReader r = ModelReader.open(best);
    ObjectNode meta = r.meta().deepCopy();
    meta.remove("files");
    meta.remove("format");
    meta.remove("formatVersion");
    ObjectNode metrics = (ObjectNode) meta.get("metrics");
    metrics.put("saved_epoch", p.bestEpoch).put("last_epoch", p.epoch).put("best_epoch", p.bestEpoch);
    meta.set("timings", timings(p));
    meta.put("last_checkpoint", lastDir(modelDir).toString());
    try (ModelWriter w = ModelWriter.create(modelDir)) {
      for (Iterator<String> it = r.meta().path("files").fieldNames(); it.hasNext();) {
        String name = it.next();
        if (r.meta().path("files").path(name).path("type").asText().equals("f32")) {
          FloatMatrix m = r.matrix(name);
          w.putMatrix(name, m.data(), m.rows(), m.cols());
        } else {
          w.putInts(name, r.ints(name));
        }
      }
      w.commit(meta);
    }
    return meta;
  }

  private void evaluate(Progress p, ObjectNode line) {
    long t0 = System.nanoTime();
    ObjectNode m = evaluation.evaluate(trainer.scorer());
    double s = (System.nanoTime() - t0) / 1e9;
    p.evalSeconds += s;
    p.evals++;
    p.lastEvaluatedEpoch = p.epoch;
    ObjectNode metrics = m.deepCopy();
    metrics.remove("seconds");
    metrics.remove("eval_seconds");
    p.lastMetrics = metrics;
    line.setAll(metrics);
    line.put("eval_seconds", s);
    JsonNode v = metrics.get(options.metric);
    if (v == null || !v.isNumber()) {
      throw new IllegalArgumentException("metric '" + options.metric + "' is not among the evaluation's metrics "
          + metrics);
    }
    double value = v.asDouble();
    if (value > p.best) {
      p.best = value;
      p.bestEpoch = p.epoch;
      p.badEvals = 0;
    } else {
      p.badEvals++;
      if (options.patience > 0 && p.badEvals >= options.patience) {
        p.stoppedEarly = true;
      }
    }
  }

  private ProgressBar progressBar(int epoch) {
    long steps = trainer.stepsPerEpoch();
    if (!options.progress || progressStream == null || steps <= 0) {
      return null;
    }
    return new ProgressBarBuilder().setTaskName("epoch " + epoch).setInitialMax(steps)
        .setConsumer(new ConsoleProgressBarConsumer(progressStream)).setUpdateIntervalMillis(500)
        .clearDisplayOnFinish().build();
  }

  private ObjectNode save(Path modelDir, Progress p) throws IOException {
    ObjectNode meta = JSON.createObjectNode();
    meta.put("model", trainer.modelName());
    meta.put("kind", "embedding");
    ObjectNode hp = trainer.hyperparameters().deepCopy();
    hp.setAll(options.toJson());
    if (extraHyperparameters != null) {
      hp.setAll(extraHyperparameters);
    }
    meta.set("hyperparameters", hp);
    meta.set("data", data);
    ObjectNode metrics = p.lastMetrics == null ? JSON.createObjectNode() : p.lastMetrics.deepCopy();
    if (p.bestEpoch > 0) {
      metrics.put("best_" + options.metric, p.best);
      metrics.put("best_epoch", p.bestEpoch);
    }
    metrics.put("evaluated_epoch", p.lastEvaluatedEpoch >= 0 ? p.lastEvaluatedEpoch : p.epoch);
    metrics.put("saved_epoch", p.epoch).put("last_epoch", p.epoch);
    meta.set("metrics", metrics);
    meta.set("timings", timings(p));
    ObjectNode state = JSON.createObjectNode();
    state.put("epoch", p.epoch).put("best_epoch", p.bestEpoch).put("bad_evals", p.badEvals).put("evals", p.evals)
        .put("train_seconds", p.trainSeconds).put("eval_seconds", p.evalSeconds)
        .put("stopped_early", p.stoppedEarly).put("evaluated_epoch", p.lastEvaluatedEpoch);
    if (p.bestEpoch > 0) {
      state.put("best_metric", p.best);
    }
    state.set("history", p.history.deepCopy());
    state.set("trainer", trainer.state());
    meta.set("state", state);
    try (ModelWriter w = ModelWriter.create(modelDir)) {
      trainer.save(w);
      w.commit(meta);
    }
    return meta;
  }

  private static ObjectNode timings(Progress p) {
    ObjectNode timings = JSON.createObjectNode();
    timings.put("epochs", p.epoch);
    timings.put("train_seconds", p.trainSeconds);
    timings.put("seconds_per_epoch", p.epoch == 0 ? 0 : p.trainSeconds / p.epoch);
    timings.put("eval_seconds_total", p.evalSeconds);
    timings.put("eval_seconds", p.evals == 0 ? 0 : p.evalSeconds / p.evals);
    timings.put("peak_heap_bytes", peakHeapBytes());
    return timings;
  }

  /** CPU time of this process (all threads), or -1 if the JVM does not report it. */
  public static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
    }
    return -1;
  }

  /** Collections and their accumulated milliseconds since the JVM started, summed over all collectors. */
  public static long[] gcTotals() {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, gc.getCollectionCount());
      millis += Math.max(0, gc.getCollectionTime());
    }
    return new long[] {count, millis};
  }

  /** Sum of the peak usage of the heap's memory pools since the JVM started. */
  static long peakHeapBytes() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }
}
