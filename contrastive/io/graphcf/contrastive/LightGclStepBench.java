package io.graphcf.contrastive;

import com.sun.management.OperatingSystemMXBean;
import io.graphcf.graph.Dataset;
import io.graphcf.propagation.Workers;
import io.graphcf.propagation.train.TrainingLoop;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code graphcf bench lightgcl-step}: LightGCL training steps at the reference defaults (or with
 * in-batch InfoNCE negatives) on a real set, in process-CPU seconds per step (the machine is shared:
 * CPU seconds, not wall time), with the InfoNCE's arithmetic (8·d FLOP per entry of the distinct-rows ×
 * all-nodes, or × batch-nodes, score matrices: two score passes and two gradient products) set against
 * the FMA peak of one core measured in the same run by a register-only loop of 12 independent vector
 * FMA chains. The ratio is a lower bound on the InfoNCE's share of peak, since the step's CPU seconds
 * also hold the propagation, BPR, backward pass and Adam.
 */
public final class LightGclStepBench {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private LightGclStepBench() {}

  private static double cpuSeconds() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }

  private static double threadCpuSeconds() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1e9;
  }

  /** Runs one warm-up step and {@code steps} timed steps, and prints the figures to {@code out}. */
  public static void run(PrintWriter out, Dataset data, int threads, int steps, long seed,
      LightGclConfig.Negatives negatives) {
    LightGclConfig cfg = LightGclConfig.defaults().withSeed(seed).withNegatives(negatives);
    double peak = fmaPeakPerCpuSecond();
    try (Workers w = Workers.create(threads)) {
      double c0 = cpuSeconds();
      LightGclTrainer t = new LightGclTrainer(data.train(), cfg, w);
      t.svd(); // computed on first use: time it here, not in the first step
      double svd = cpuSeconds() - c0;
      t.trainSteps(1, 1);
      long s0 = t.infoNceScores();
      double c1 = cpuSeconds();
      long[] gc0 = TrainingLoop.gcTotals();
      long w0 = System.nanoTime();
      t.trainSteps(2, steps);
      double cpu = (cpuSeconds() - c1) / steps;
      long[] gc1 = TrainingLoop.gcTotals();
      double wall = (System.nanoTime() - w0) / 1e9 / steps;
      double gflop = 8.0 * cfg.dim() * (t.infoNceScores() - s0) / steps / 1e9;
      out.printf("lightgcl-step: %,d users x %,d items, %,d train edges, batch %d, d %d, InfoNCE negatives: %s, "
          + "%d threads, %d timed steps (SVD rank %d: %.1f CPU-s)%n", data.numUsers(), data.numItems(),
          data.train().nnz(), cfg.batch(), cfg.dim(), negatives.key(), threads, steps, cfg.svdRank(), svd);
      out.printf("  step: %.2f process-CPU s (%.2f s wall on this shared machine)%n", cpu, wall);
      out.printf("  InfoNCE: %.1f GFLOP per step -> %.1f GFLOP per CPU-s over the whole step%n", gflop, gflop / cpu);
      out.printf("  FMA peak, 1 thread, same run: %.1f GFLOP per CPU-s -> whole step at %.0f%% of peak%n", peak,
          100.0 * gflop / cpu / peak);
      // a step allocates nothing in its loops: many collections mean boxed vectors somewhere
      out.printf("  garbage collections in the timed steps: %d (%.2f s)%n", gc1[0] - gc0[0], (gc1[1] - gc0[1]) / 1e3);
      out.printf("  projected epoch (%d steps): %.0f CPU-s, %.0f s on %d idle cores%n", t.stepsPerEpoch(),
          cpu * t.stepsPerEpoch(), cpu * t.stepsPerEpoch() / threads, threads);
      out.flush();
    }
  }

  /** GFLOP per thread-CPU second of 12 independent vector FMA chains (no memory traffic), best of 3. */
  static double fmaPeakPerCpuSecond() {
    long iters = 20_000_000L;
    fmaLoop(1_000_000L);
    double best = 0;
    for (int r = 0; r < 3; r++) {
      double c0 = threadCpuSeconds();
      float sink = fmaLoop(iters);
      double c = threadCpuSeconds() - c0;
      if (sink != sink) {
        throw new IllegalStateException("NaN");
      }
      best = Math.max(best, iters * 12.0 * S.length() * 2 / 1e9 / c);
    }
    return best;
  }

  private static float fmaLoop(long iters) {
    FloatVector x = FloatVector.broadcast(S, 0.999f);
    FloatVector y = FloatVector.broadcast(S, 1e-6f);
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector a4 = a0;
    FloatVector a5 = a0;
    FloatVector a6 = a0;
    FloatVector a7 = a0;
    FloatVector a8 = a0;
    FloatVector a9 = a0;
    FloatVector a10 = a0;
    FloatVector a11 = a0;
    // a ← a·x + y, twelve independent chains
    for (long i = 0; i < iters; i++) {
      a0 = a0.fma(x, y);
      a1 = a1.fma(x, y);
      a2 = a2.fma(x, y);
      a3 = a3.fma(x, y);
      a4 = a4.fma(x, y);
      a5 = a5.fma(x, y);
      a6 = a6.fma(x, y);
      a7 = a7.fma(x, y);
      a8 = a8.fma(x, y);
      a9 = a9.fma(x, y);
      a10 = a10.fma(x, y);
      a11 = a11.fma(x, y);
    }
    return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11).lane(0);
  }
}
