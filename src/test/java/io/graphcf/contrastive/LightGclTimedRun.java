package io.graphcf.contrastive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.graph.Dataset;
import io.graphcf.graph.LightGcnReader;
import io.graphcf.graph.LineReader;
import io.graphcf.graph.UnknownTestIds;
import io.graphcf.propagation.Workers;
import io.graphcf.propagation.eval.EvalResult;
import io.graphcf.propagation.eval.Evaluator;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * A time-boxed LightGCL run for measurements on large sets (not a test): trains with the reference
 * defaults for whole epochs, or for the first {@code maxSteps} batches of each epoch, prints one
 * JSON line per epoch (wall and process-CPU seconds, per step, loss parts, Recall/NDCG@20) on stdout.
 *
 * <p>{@code java ... io.graphcf.contrastive.LightGclTimedRun DATA_DIR EPOCHS MAX_STEPS LAMBDA1 THREADS}
 * (MAX_STEPS 0 = whole epochs).
 */
public final class LightGclTimedRun {
  private LightGclTimedRun() {}

  /** CPU seconds of the whole process (all threads), so that a busy shared machine can be seen. */
  private static double cpuSeconds() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean b ? b.getProcessCpuTime() / 1e9 : Double.NaN;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Paths.get(args[0]);
    int epochs = Integer.parseInt(args[1]);
    int maxSteps = Integer.parseInt(args[2]);
    float lambda1 = Float.parseFloat(args[3]);
    int threads = Integer.parseInt(args[4]);
    ObjectMapper json = new ObjectMapper();
    Dataset data = new LightGcnReader(UnknownTestIds.ERROR, false, LineReader.DEFAULT_MAX_LINE_BYTES)
        .read(dir.resolve("train.txt"), dir.resolve("test.txt")).toDataset();
    LightGclConfig cfg = LightGclConfig.defaults().withLambda1(lambda1);
    try (Workers w = Workers.create(threads)) {
      long t0 = System.nanoTime();
      LightGclTrainer t = new LightGclTrainer(data.train(), cfg, w);
      t.svd(); // computed on first use: time it with the set-up
      ObjectNode head = json.createObjectNode();
      head.put("data", dir.toString()).put("users", data.numUsers()).put("items", data.numItems())
          .put("train", data.train().nnz()).put("threads", threads)
          .put("steps_per_epoch", t.stepsPerEpoch()).put("svd_seconds", (System.nanoTime() - t0) / 1e9);
      head.set("hyperparameters", t.hyperparameters());
      System.out.println(json.writeValueAsString(head));
      int limit = maxSteps <= 0 ? Integer.MAX_VALUE : maxSteps;
      for (int epoch = 1; epoch <= epochs; epoch++) {
        long s = System.nanoTime();
        double cpu0 = cpuSeconds();
        double loss = t.trainSteps(epoch, limit);
        double sec = (System.nanoTime() - s) / 1e9;
        double cpu = cpuSeconds() - cpu0;
        long steps = Math.min(limit, t.stepsPerEpoch());
        EvalResult r = Evaluator.evaluate(t.scorer(), data, new int[] {20}, w);
        ObjectNode line = json.createObjectNode();
        line.put("epoch", epoch).put("steps", steps).put("train_seconds", sec).put("seconds_per_step", sec / steps)
            .put("train_cpu_seconds", cpu).put("cpu_seconds_per_step", cpu / steps)
            .put("loss", loss).put("recall@20", r.recall(20)).put("ndcg@20", r.ndcg(20))
            .put("eval_seconds", r.seconds());
        line.set("loss_parts", t.lossParts());
        System.out.println(json.writeValueAsString(line));
      }
    }
  }
}
