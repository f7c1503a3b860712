package io.graphcf.bench;

import io.graphcf.propagation.DenseKernels;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code C = A · Bᵀ} for a block of users against many items — the shape of full-ranking scoring
 * (LightGCN, He et al. SIGIR 2020: score = e_u · e_i) — single-threaded, four ways in the same run:
 * {@link DenseKernels#multTransB} (SIMD through {@code jdk.incubator.vector}), the same entry point
 * forced onto its scalar code ({@code -Dgraphcf.vector=false}), {@link DenseKernels#multTransB}
 * against items packed once ({@code PackedRows}, what the evaluator's scorer does), EJML's
 * {@code CommonOps_FDRM.multTransB}, and a naive triple loop (the baseline). Shapes are odd on
 * purpose: 61 rows of A (not a multiple of the 4-row tile) × 4,099 rows of B (not a multiple of the
 * 16-column micro-panel), dims 33 and 64.
 *
 * <p>Forks and warm-up: one fork per method and parameter set, so one variant's JIT profile cannot
 * affect another's. One product takes ~1–40 ms, so 1-second iterations hold 25–1000 operations;
 * three warm-up iterations are enough for C2 to compile and vectorise (steady state after the
 * first), five measured iterations. On a shared, busy machine compare the variants' ratio to the
 * naive loop and to EJML within one run, not absolute times across runs. Setup checks every variant
 * once against a double-precision triple loop and fails if any entry is off.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DenseKernelsBench {
  @Param({"33", "64"})
  public int dim;

  @Param({"61"})
  public int rowsA;

  @Param({"4099"})
  public int rowsB;

  private float[] a;
  private float[] b;
  private float[] out;
  private DenseKernels.PackedRows packed;
  private FMatrixRMaj ea;
  private FMatrixRMaj eb;
  private FMatrixRMaj ec;

  @Setup(Level.Trial)
  public void setup() {
    SplittableRandom r = new SplittableRandom(42);
    a = new float[rowsA * dim];
    b = new float[rowsB * dim];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (0.1 * r.nextGaussian());
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) (0.1 * r.nextGaussian());
    }
    out = new float[rowsA * rowsB];
    packed = DenseKernels.pack(b, 0, rowsB, dim);
    ea = new FMatrixRMaj(rowsA, dim, true, a);
    eb = new FMatrixRMaj(rowsB, dim, true, b);
    ec = new FMatrixRMaj(rowsA, rowsB);
    check("multTransB", ours());
    check("packed", oursPacked());
    check("naive", naive());
    check("ejml", ejml().data);
  }

  private void check(String name, float[] c) {
    for (int i = 0; i < rowsA; i++) {
      for (int j = 0; j < rowsB; j++) {
        double ref = 0;
        double mag = 0;
        for (int k = 0; k < dim; k++) {
          double p = (double) a[i * dim + k] * b[j * dim + k];
          ref += p;
          mag += Math.abs(p);
        }
        if (Math.abs(c[i * rowsB + j] - ref) > 1e-5 * mag + 1e-7) {
          throw new IllegalStateException(name + " wrong at (" + i + "," + j + "): " + c[i * rowsB + j] + " vs " + ref);
        }
      }
    }
  }

  @Benchmark
  public float[] ours() {
    DenseKernels.multTransB(a, 0, rowsA, b, 0, rowsB, dim, out);
    return out;
  }

  @Benchmark
  @Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--add-modules=jdk.incubator.vector", "-Dgraphcf.vector=false"})
  public float[] oursScalar() {
    DenseKernels.multTransB(a, 0, rowsA, b, 0, rowsB, dim, out);
    return out;
  }

  @Benchmark
  public float[] oursPacked() {
    DenseKernels.multTransB(a, 0, rowsA, packed, out);
    return out;
  }

  @Benchmark
  public FMatrixRMaj ejml() {
    CommonOps_FDRM.multTransB(ea, eb, ec);
    return ec;
  }

  @Benchmark
  public float[] naive() {
    for (int i = 0; i < rowsA; i++) {
      for (int j = 0; j < rowsB; j++) {
        float s = 0f;
        for (int k = 0; k < dim; k++) {
          s += a[i * dim + k] * b[j * dim + k];
        }
        out[i * rowsB + j] = s;
      }
    }
    return out;
  }
}
