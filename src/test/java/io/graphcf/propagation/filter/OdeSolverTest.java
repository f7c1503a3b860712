package io.graphcf.propagation.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The solvers against their closed forms on x' = −xA (A symmetric): Euler's step is x(I − hA), an
 * RK4 step (any 4-stage 4th-order method on a linear autonomous ODE) is x·T₄(−hA) with T₄ the
 * degree-4 Taylor polynomial of the exponential; K steps apply the step matrix K times.
 */
class OdeSolverTest {
  static final int N = 5;

  static double[][] randomSymmetric(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] a = new double[N][N];
    for (int i = 0; i < N; i++) {
      for (int j = 0; j <= i; j++) {
        a[i][j] = a[j][i] = r.nextDouble() - 0.3;
      }
    }
    return a;
  }

  static double[] rowTimes(double[] x, double[][] m) {
    double[] y = new double[N];
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < N; j++) {
        y[j] += x[i] * m[i][j];
      }
    }
    return y;
  }

  /** x·T(−hA) = Σ_{p=0..deg} x(−hA)^p / p!. */
  static double[] taylor(double[] x, double[][] a, double h, int degree) {
    double[] term = x.clone();
    double[] sum = x.clone();
    for (int p = 1; p <= degree; p++) {
      term = rowTimes(term, a);
      for (int j = 0; j < N; j++) {
        term[j] *= -h / p;
        sum[j] += term[j];
      }
    }
    return sum;
  }

  @Test
  void stepsEqualTheirClosedForms() {
    for (long seed = 1; seed <= 5; seed++) {
      double[][] a = randomSymmetric(seed);
      SplittableRandom r = new SplittableRandom(seed + 100);
      float[] x0 = new float[N];
      double[] x0d = new double[N];
      for (int j = 0; j < N; j++) {
        x0[j] = (float) r.nextGaussian();
        x0d[j] = x0[j];
      }
      OdeSolver.Rhs f = (x, dx) -> {
        // dx = −x A
        for (int j = 0; j < N; j++) {
          double s = 0;
          for (int i = 0; i < N; i++) {
            s += x[i] * a[i][j];
          }
          dx[j] = (float) -s;
        }
      };
      for (OdeSolver solver : OdeSolver.values()) {
        int degree = solver == OdeSolver.EULER ? 1 : 4;
        for (int steps : new int[] {1, 3}) {
          double time = 0.9;
          double h = time / steps;
          double[] expected = x0d;
          for (int s = 0; s < steps; s++) {
            expected = taylor(expected, a, h, degree);
          }
          float[] y = new float[N];
          float[][] work = new float[solver.buffers()][N];
          int[] calls = new int[1];
          solver.integrate(f, x0, N, time, steps, y, work, (step, state) -> calls[0]++);
          assertEquals(steps, calls[0]);
          for (int j = 0; j < N; j++) {
            assertEquals(expected[j], y[j], 1e-5 * (1 + Math.abs(expected[j])),
                solver + " seed=" + seed + " steps=" + steps + " component " + j);
          }
        }
      }
    }
  }

  @Test
  void amplificationIsTheScalarStep() {
    // y' = λy with λ = −1.3: one step multiplies by φ(hλ)
    float[] y0 = {2f};
    for (OdeSolver solver : OdeSolver.values()) {
      float[] y = new float[1];
      solver.integrate((x, dx) -> dx[0] = -1.3f * x[0], y0, 1, 0.7, 1, y, new float[solver.buffers()][1], null);
      assertEquals(2 * solver.amplification(-1.3 * 0.7), y[0], 1e-6, solver.toString());
    }
    assertEquals(0.0, OdeSolver.EULER.amplification(-1.0), 0.0);
    assertEquals(OdeSolver.RK4, OdeSolver.parse("RK4"));
    assertThrows(IllegalArgumentException.class, () -> OdeSolver.parse("dopri5"));
  }
}
