package io.graphcf.propagation.ultragcn;

import io.graphcf.graph.Dataset;
import io.graphcf.propagation.Workers;
import io.graphcf.propagation.train.TrainingLoop;
import java.io.PrintWriter;

/**
 * {@code graphcf bench ultragcn-step}: UltraGCN training steps at the reference Gowalla configuration
 * (batch 512, 1500 negatives per positive, d 64, K 10) on a real data set, with the Vector API
 * negative-pair kernel against the scalar kernel on the same batches and negatives, interleaved
 * round by round so that a busy machine's load hits both alike. Prints wall and process-CPU
 * milliseconds per step, the split between the batch objective and the two dense Adam steps,
 * negative pairs per CPU microsecond, the ratio, and the mean batch loss of both kernels (they sum
 * in different orders, so they agree to rounding, not to the bit).
 */
public final class UltraGcnStepBench {
  private static final int ROUNDS = 4;

  private UltraGcnStepBench() {}

  /** What one kernel did over the interleaved rounds. */
  private static final class Tally {
    final String name;
    final UltraGcnTrainer trainer;
    long wall;
    long cpu;
    double loss;

    Tally(String name, UltraGcnTrainer trainer) {
      this.name = name;
      this.trainer = trainer;
    }
  }

  /**
   * Runs {@code steps} timed steps per kernel ({@value #ROUNDS} rounds of the first {@code steps}/{@value #ROUNDS}
   * batches of an epoch, after a quarter of one round as warm-up) and prints the figures to {@code out};
   * returns the relative difference of the two kernels' mean batch losses.
   */
  public static double run(PrintWriter out, Dataset data, int dim, int threads, int steps, long seed) {
    UltraGcnParams p = UltraGcnParams.gowalla().dim(dim).seed(seed);
    try (Workers w = Workers.create(threads)) {
      long c0 = System.nanoTime();
      ItemItemConstraint ii = ItemItemConstraint.compute(data.train(), p.neighbours(), w);
      double iiSeconds = (System.nanoTime() - c0) / 1e9;
      Tally simd = new Tally("Vector API", new UltraGcnTrainer(data.train(), p, ii, w, true));
      Tally scalar = new Tally("scalar", new UltraGcnTrainer(data.train(), p, ii, w, false));
      long perEpoch = simd.trainer.stepsPerEpoch();
      int per = (int) Math.max(1, Math.min(perEpoch, steps / ROUNDS));
      int warm = (int) Math.max(1, Math.min(perEpoch, per / 4));
      out.printf("ultragcn-step: %,d users x %,d items, %,d train edges; reference Gowalla configuration: batch %d, "
          + "%d negatives, d %d, K %d; %d threads (item-item top-%d lists: %.1f s)%n", data.numUsers(),
          data.numItems(), data.train().nnz(), p.batchSize(), p.negatives(), dim, p.neighbours(), threads,
          p.neighbours(), iiSeconds);
      Tally[] both = {simd, scalar};
      for (Tally t : both) {
        t.trainer.trainSteps(1, warm); // JIT warm-up
      }
      long[][] phases0 = {simd.trainer.phaseNanos(), scalar.trainer.phaseNanos()};
      for (int r = 0; r < ROUNDS; r++) {
        for (Tally t : both) {
          long cpu0 = TrainingLoop.processCpuNanos();
          long w0 = System.nanoTime();
          t.loss += t.trainer.trainSteps(2 + r, per) / ROUNDS;
          t.wall += System.nanoTime() - w0;
          t.cpu += TrainingLoop.processCpuNanos() - cpu0;
        }
      }
      double n = (double) ROUNDS * per;
      // negative pairs per step: the round's positives (its last batch may be short) times N
      double pairs = (double) Math.min((long) per * p.batchSize(), data.train().nnz()) / per * p.negatives();
      out.printf("  interleaved, %d rounds x %d steps per kernel (the same batches and negatives for both):%n", ROUNDS,
          per);
      out.printf("  %-12s %14s %14s %14s %10s %22s%n", "kernel", "wall ms/step", "CPU ms/step", "objective ms",
          "Adam ms", "neg. pairs per CPU-us");
      for (int k = 0; k < 2; k++) {
        Tally t = both[k];
        long[] ph = t.trainer.phaseNanos();
        out.printf("  %-12s %14.2f %14.2f %14.2f %10.2f %22.1f%n", t.name, t.wall / 1e6 / n, t.cpu / 1e6 / n,
            (ph[0] - phases0[k][0]) / 1e6 / n, (ph[1] - phases0[k][1]) / 1e6 / n, pairs * n / (t.cpu / 1e3));
      }
      out.printf("  scalar / Vector API: %.2f wall, %.2f CPU; an epoch of %,d steps at the Vector API rate: %.1f s "
          + "wall%n", (double) scalar.wall / simd.wall, (double) scalar.cpu / simd.cpu, perEpoch,
          simd.wall / 1e9 / n * perEpoch);
      double rel = Math.abs(simd.loss - scalar.loss) / Math.max(Math.abs(scalar.loss), Double.MIN_NORMAL);
      out.printf("  mean batch loss: Vector API %.9g, scalar %.9g (relative difference %.2e)%n", simd.loss,
          scalar.loss, rel);
      out.flush();
      return rel;
    }
  }
}
