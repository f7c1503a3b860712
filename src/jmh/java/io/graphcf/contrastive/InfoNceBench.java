package io.graphcf.contrastive;

import io.graphcf.propagation.Workers;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * LightGCL's fused InfoNCE ({@link InfoNce}), single-threaded, at two levels in the same run:
 * <ul>
 *   <li>{@code call}: one whole {@link InfoNce#lossAndGradient} at the shapes of a Gowalla step,
 *       {@code rows x nodes} = 3,500 distinct batch users against all 29,858 users (the reference's
 *       all-nodes denominator) and against the batch's 3,500 users ({@code --infonce-negatives batch});
 *       8·d FLOP per (row, node): two score passes and the two gradient products;</li>
 *   <li>{@code scoreTile}, {@code gradRows}, {@code gradNodes}: its three register-tiled micro-kernels
 *       on one {@link InfoNce#ROWS} × {@link InfoNce#TILE} tile with every operand in cache,
 *       2·d·ROWS·TILE FLOP each;</li>
 * </ul>
 * GFLOP/s = FLOP per op / time per op; for the FMA ceiling use {@code graphcf bench lightgcl-step}
 * (a register-only loop measured in the same process; as a JMH method the same loop measured below
 * the kernels themselves in one run, so it is not offered here). Inputs are seeded N(0, 0.1) rows,
 * d = 64. These are short, warm measurements: they do not show what C2 does to the kernels over a
 * long training run (see {@link InfoNce}). Run:
 * {@code java <flags> -cp 'target/graphcf.jar:target/lib/*' org.openjdk.jmh.Main InfoNceBench}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class InfoNceBench {
  static final int DIM = 64;

  static float[] gaussian(SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      // Box–Muller, std 0.1
      double u = 1.0 - r.nextDouble();
      x[i] = (float) (0.1 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble()));
    }
    return x;
  }

  /** A whole call: distinct batch rows against {@code nodes} nodes. */
  @State(Scope.Thread)
  public static class Call {
    @Param({"3500x29858", "3500x3500"})
    public String shape;

    int rows;
    int nodes;
    int[] ids;
    float[] weights;
    float[] g;
    float[] e;
    float[] gradG;
    float[] gradE;
    InfoNce infoNce;
    Workers workers;

    @Setup(Level.Trial)
    public void setup() {
      String[] p = shape.split("x");
      rows = Integer.parseInt(p[0]);
      nodes = Integer.parseInt(p[1]);
      SplittableRandom r = new SplittableRandom(2020);
      g = gaussian(r, nodes * DIM);
      e = gaussian(r, nodes * DIM);
      gradG = new float[nodes * DIM];
      gradE = new float[nodes * DIM];
      // rows distinct nodes drawn without replacement (a partial Fisher–Yates shuffle)
      int[] perm = new int[nodes];
      for (int i = 0; i < nodes; i++) {
        perm[i] = i;
      }
      ids = new int[rows];
      weights = new float[rows];
      for (int b = 0; b < rows; b++) {
        int j = b + r.nextInt(nodes - b);
        int t = perm[b];
        perm[b] = perm[j];
        perm[j] = t;
        ids[b] = perm[b];
        weights[b] = 0.2f / rows;
      }
      infoNce = new InfoNce(DIM);
      workers = Workers.create(1);
      double loss = call();
      if (!Double.isFinite(loss) || loss <= 0) {
        throw new IllegalStateException("InfoNCE loss " + loss);
      }
    }

    double call() {
      return infoNce.lossAndGradient(ids, weights, rows, g, e, nodes, 0.2f, gradG, gradE, workers);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      workers.close();
    }
  }

  /** One in-cache tile for the micro-kernels, packed as {@link InfoNce} packs it. */
  @State(Scope.Thread)
  public static class Tile {
    final int rows = InfoNce.ROWS;
    final int nc = InfoNce.TILE;
    final int dp = (DIM + 2 * FloatVector.SPECIES_PREFERRED.length() - 1)
        / (2 * FloatVector.SPECIES_PREFERRED.length()) * (2 * FloatVector.SPECIES_PREFERRED.length());
    float[] panels;
    float[] rowBlocks;
    float[] nodeGroups;
    float[] nodeBlocks;
    float[] tile;
    float[] q;
    float[] partial;
    float[] gradE;
    float[] spill;

    @Setup(Level.Trial)
    public void setup() {
      SplittableRandom r = new SplittableRandom(2021);
      float[] g = gaussian(r, rows * DIM);
      float[] e = gaussian(r, nc * DIM);
      panels = new float[rows * DIM];
      InfoNce.pack(g, rows, DIM, panels);
      rowBlocks = new float[rows * dp];
      InfoNce.packBlocks(g, 0, rows, DIM, dp, rowBlocks);
      nodeGroups = new float[nc * DIM];
      InfoNce.packGroups(e, 0, nc, DIM, nodeGroups);
      nodeBlocks = new float[nc * dp];
      InfoNce.packBlocks(e, 0, nc, DIM, dp, nodeBlocks);
      tile = new float[nc * rows];
      q = gaussian(r, nc * rows);
      partial = new float[rows * dp];
      gradE = new float[nc * DIM];
      spill = new float[6 * dp];
    }
  }

  @Benchmark
  public double call(Call s) {
    return s.call();
  }

  @Benchmark
  public float[] scoreTile(Tile s) {
    InfoNce.scoreTile(s.panels, 0, s.rows, s.nodeGroups, s.nc, DIM, s.tile);
    return s.tile;
  }

  @Benchmark
  public float[] gradRows(Tile s) {
    InfoNce.gradRows(s.q, s.nc, s.rows, s.nodeBlocks, s.dp, s.partial, 0, s.spill);
    return s.partial;
  }

  @Benchmark
  public float[] gradNodes(Tile s) {
    InfoNce.gradNodes(s.q, s.nc, s.rows, s.rowBlocks, s.rows, 0, DIM, s.dp, s.gradE, 0, s.spill);
    return s.gradE;
  }


}
