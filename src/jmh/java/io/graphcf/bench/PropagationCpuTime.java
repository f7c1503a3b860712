package io.graphcf.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The propagation benchmark's load-robust companion: on a machine shared by many busy processes,
 * wall-clock figures mostly measure the scheduler. This runs one product on ONE thread, ours
 * ({@code Propagation.propagate}) and EJML's single-threaded {@code CommonOps_FSCC.mult}, alternately,
 * and measures the calling thread's CPU time, which excludes the time spent waiting for a core (it
 * still includes cache and memory contention). Prints min and median per variant and their ratio.
 *
 * <p>Run: {@code java <bin/graphcf flags> -cp 'target-kernels/graphcf.jar:target-kernels/lib/*'
 * io.graphcf.bench.PropagationCpuTime [reps]} from the project root (Gowalla in ../shared/data).
 */
public final class PropagationCpuTime {
  private PropagationCpuTime() {}

  public static void main(String[] args) throws Exception {
    int reps = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    PropagationBench b = new PropagationBench();
    b.dim = 64;
    b.threads = 1; // Workers of one thread run every task inline on this thread
    b.setup();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    double[] ours = new double[reps];
    double[] ejml = new double[reps];
    for (int warm = 0; warm < 10; warm++) {
      b.propagate();
      b.ejmlSingleThread();
    }
    for (int r = 0; r < reps; r++) {
      long t0 = mx.getCurrentThreadCpuTime();
      b.propagate();
      long t1 = mx.getCurrentThreadCpuTime();
      b.ejmlSingleThread();
      long t2 = mx.getCurrentThreadCpuTime();
      ours[r] = (t1 - t0) / 1e6;
      ejml[r] = (t2 - t1) / 1e6;
    }
    b.tearDown();
    Arrays.sort(ours);
    Arrays.sort(ejml);
    System.out.printf("machine: %d cores, %s %s%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"));
    System.out.printf("Gowalla A·X, d=64, one thread, CPU ms over %d reps after 10 warm-up reps%n", reps);
    System.out.printf("ours (propagate)     min %8.2f  median %8.2f%n", ours[0], ours[reps / 2]);
    System.out.printf("EJML CommonOps_FSCC  min %8.2f  median %8.2f%n", ejml[0], ejml[reps / 2]);
    System.out.printf("ratio EJML/ours      min %8.2f  median %8.2f%n", ejml[0] / ours[0], ejml[reps / 2] / ours[reps / 2]);
  }
}
