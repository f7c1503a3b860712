package io.graphcf.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.graph.Dataset;
import io.graphcf.propagation.NormalizedAdjacency;
import io.graphcf.propagation.Propagation;
import io.graphcf.propagation.Workers;
import io.graphcf.propagation.lightgcn.LightGcnConfig;
import io.graphcf.propagation.lightgcn.LightGcnTrainer;
import io.graphcf.propagation.train.TrainingLoop;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code graphcf bench lightgcn-step}: LightGCN training steps at the reference defaults (batch 2048,
 * 3 layers, lr 1e-3) on a real data set. Prints wall and process-CPU milliseconds per step, the
 * trainer's per-phase split, the epoch these steps extrapolate to, and the step's cost in units of one
 * full Â·X product timed in the same run — the ratio that survives a busy machine.
 */
final class LightGcnStepBench {
  private LightGcnStepBench() {}

  static void run(PrintWriter out, Dataset d, int dim, int threads, int steps, int repeats, long seed) {
    LightGcnConfig c = LightGcnConfig.defaults().withDim(dim).withSeed(seed);
    try (Workers w = Workers.create(threads)) {
      LightGcnTrainer t = new LightGcnTrainer(d.train(), c, w);
      int n = (int) Math.min(steps, t.stepsPerEpoch());
      out.printf("lightgcn-step: %,d users x %,d items, %,d train edges, dim %d, %d layers, batch %d, %d threads, "
          + "%d steps of %d per epoch%n", d.numUsers(), d.numItems(), d.train().nnz(), dim, c.layers(), c.batch(),
          threads, n, t.stepsPerEpoch());
      t.trainSteps(1, n); // warm-up (JIT), epoch 1's first steps
      t.resetPhaseTimings();
      t.profileCpu(true);
      long cpu0 = TrainingLoop.processCpuNanos();
      long t0 = System.nanoTime();
      t.trainSteps(2, n);
      double wallMs = (System.nanoTime() - t0) / 1e6 / n;
      double cpuMs = (TrainingLoop.processCpuNanos() - cpu0) / 1e6 / n;
      ObjectNode ph = t.phaseTimings(); // of the timed steps only
      double[] full = fullProductMs(d, dim, w, repeats, seed);
      double fullMs = full[0];
      double fullCpuMs = full[1];
      out.printf("  step           %8.2f ms wall  %8.2f ms process CPU  (epoch of %d steps: %.1f s wall)%n", wallMs,
          cpuMs, t.stepsPerEpoch(), wallMs * t.stepsPerEpoch() / 1e3);
      out.printf("  full Â·X       %8.2f ms wall  %8.2f ms process CPU (median and mean of %d, same run)%n", fullMs,
          fullCpuMs, repeats);
      out.printf("  step / full product: %.2f wall, %.2f CPU%n", wallMs / fullMs, cpuMs / fullCpuMs);
      // Same run, interleaved so that the neighbours' load hits both alike: Adam fused into the last
      // backward product against the separate pass over a stored gradient, on the same batches.
      long[] cpu = new long[2];
      long[] wall = new long[2];
      int rounds = 6;
      int per = Math.max(1, n / 4);
      for (int r = 0; r < rounds; r++) {
        for (int v = 0; v < 2; v++) {
          t.fuseOptimiser(v == 0);
          long c0 = TrainingLoop.processCpuNanos();
          long w0 = System.nanoTime();
          t.trainSteps(3 + r, per);
          wall[v] += System.nanoTime() - w0;
          cpu[v] += TrainingLoop.processCpuNanos() - c0;
        }
      }
      t.fuseOptimiser(true);
      double abSteps = (double) rounds * per;
      out.printf("  interleaved A/B, %d x %d steps each:%n", rounds, per);
      out.printf("    Adam fused into the last product   %8.2f ms wall  %8.2f ms CPU per step%n", wall[0] / 1e6 / abSteps,
          cpu[0] / 1e6 / abSteps);
      out.printf("    Adam as a separate pass            %8.2f ms wall  %8.2f ms CPU per step  (separate / fused: "
          + "%.3f wall, %.3f CPU)%n", wall[1] / 1e6 / abSteps, cpu[1] / 1e6 / abSteps, (double) wall[1] / wall[0],
          (double) cpu[1] / cpu[0]);
      out.printf("  %-28s %12s %12s%n", "phase", "wall ms/step", "CPU ms/step");
      for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = ph.fields(); it.hasNext();) {
        Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e = it.next();
        if (e.getKey().endsWith("_cpu_seconds")) {
          continue;
        }
        if (e.getKey().endsWith("_seconds")) {
          String phase = e.getKey().substring(0, e.getKey().length() - "_seconds".length());
          out.printf("  %-28s %12.2f %12.2f%n", phase, e.getValue().asDouble() * 1e3 / n,
              ph.path(phase + "_cpu_seconds").asDouble() * 1e3 / n);
        } else {
          out.printf("  %-28s %s%n", e.getKey(), e.getValue().isDouble()
              ? String.format("%.3f", e.getValue().asDouble()) : e.getValue().toString());
        }
      }
    }
  }

  /** Median wall and mean process-CPU milliseconds of one full Â·X (both halves in one pass) on random input. */
  private static double[] fullProductMs(Dataset d, int dim, Workers w, int repeats, long seed) {
    NormalizedAdjacency a = NormalizedAdjacency.of(d.train(), w.threads());
    SplittableRandom r = new SplittableRandom(seed);
    float[] xu = new float[d.numUsers() * dim];
    float[] xi = new float[d.numItems() * dim];
    for (int k = 0; k < xu.length; k++) {
      xu[k] = (float) r.nextGaussian();
    }
    for (int k = 0; k < xi.length; k++) {
      xi[k] = (float) r.nextGaussian();
    }
    float[] yu = new float[xu.length];
    float[] yi = new float[xi.length];
    for (int k = 0; k < 3; k++) {
      Propagation.propagate(a, xu, xi, dim, yu, yi, w);
    }
    double[] ms = new double[repeats];
    long cpu0 = TrainingLoop.processCpuNanos();
    for (int k = 0; k < repeats; k++) {
      long t0 = System.nanoTime();
      Propagation.propagate(a, xu, xi, dim, yu, yi, w);
      ms[k] = (System.nanoTime() - t0) / 1e6;
    }
    double cpuMs = (TrainingLoop.processCpuNanos() - cpu0) / 1e6 / repeats;
    Arrays.sort(ms);
    return new double[] {ms[repeats / 2], cpuMs};
  }
}
