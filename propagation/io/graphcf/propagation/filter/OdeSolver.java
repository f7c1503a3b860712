package io.graphcf.propagation.filter;

import java.util.Locale;

/**
 * The fixed-grid ODE solvers BSPM's reference code calls through torchdiffeq's {@code odeint} on
 * the grid {@code linspace(0, T, K+1)}: {@code euler} (y₁ = y₀ + h f(y₀)) and {@code rk4}, which in
 * torchdiffeq is the 3/8-rule Runge–Kutta step ({@code rk4_alt_step_func}):
 * k₁ = f(y₀), k₂ = f(y₀ + h k₁/3), k₃ = f(y₀ + h(k₂ − k₁/3)), k₄ = f(y₀ + h(k₁ − k₂ + k₃)),
 * y₁ = y₀ + h(k₁ + 3k₂ + 3k₃ + k₄)/8. The right-hand sides here are autonomous and linear.
 */
public enum OdeSolver {
  EULER("euler", 1),
  RK4("rk4", 5);

  private final String flag;
  private final int buffers;

  OdeSolver(String flag, int buffers) {
    this.flag = flag;
    this.buffers = buffers;
  }

  /** The reference's spelling ({@code euler}, {@code rk4}). */
  public String flag() {
    return flag;
  }

  /** Parses {@code euler} or {@code rk4} (case-insensitive). */
  public static OdeSolver parse(String s) {
    for (OdeSolver o : values()) {
      if (o.flag.equalsIgnoreCase(s.trim())) {
        return o;
      }
    }
    throw new IllegalArgumentException("unknown ODE solver '" + s + "' (known: euler, rk4)");
  }

  /** Work buffers of the state's length that {@link #integrate} needs. */
  int buffers() {
    return buffers;
  }

  /**
   * One step's amplification on y' = λy: y₁ = φ(hλ)·y₀ with φ(z) = 1 + z (Euler) or the degree-4
   * Taylor polynomial of e^z (every 4-stage 4th-order explicit method, the 3/8 rule included).
   */
  double amplification(double z) {
    return this == EULER ? 1 + z : 1 + z + z * z / 2 + z * z * z / 6 + z * z * z * z / 24;
  }

  /** dx = f(x) for a state of {@code len} floats. */
  interface Rhs {
    void eval(float[] x, float[] dx);
  }

  /** Receives the state after each step (1-based), e.g. for BSPM's t-point combination. */
  interface Point {
    void at(int step, float[] y);
  }

  /**
   * Integrates y' = f(y) from {@code y0} over [0, time] in {@code steps} equal steps into {@code y}
   * (which must not be {@code y0}; y0 is not modified and is the first state f sees). {@code work}
   * holds {@link #buffers()} arrays of at least {@code len} floats.
   */
  void integrate(Rhs f, float[] y0, int len, double time, int steps, float[] y, float[][] work, Point points) {
    if (y == y0) {
      throw new IllegalArgumentException("y must not alias y0");
    }
    float h = (float) (time / steps);
    float[] cur = y0;
    for (int s = 1; s <= steps; s++) {
      if (this == EULER) {
        float[] k1 = work[0];
        f.eval(cur, k1);
        // y₁ = y₀ + h f(y₀)
        for (int q = 0; q < len; q++) {
          y[q] = cur[q] + h * k1[q];
        }
      } else {
        float[] k1 = work[0];
        float[] k2 = work[1];
        float[] k3 = work[2];
        float[] k4 = work[3];
        float[] tmp = work[4];
        float third = 1f / 3f;
        f.eval(cur, k1);
        // y₀ + h k₁/3
        for (int q = 0; q < len; q++) {
          tmp[q] = cur[q] + h * k1[q] * third;
        }
        f.eval(tmp, k2);
        // y₀ + h (k₂ − k₁/3)
        for (int q = 0; q < len; q++) {
          tmp[q] = cur[q] + h * (k2[q] - k1[q] * third);
        }
        f.eval(tmp, k3);
        // y₀ + h (k₁ − k₂ + k₃)
        for (int q = 0; q < len; q++) {
          tmp[q] = cur[q] + h * (k1[q] - k2[q] + k3[q]);
        }
        f.eval(tmp, k4);
        // y₁ = y₀ + h (k₁ + 3(k₂ + k₃) + k₄) / 8
        for (int q = 0; q < len; q++) {
          y[q] = cur[q] + (k1[q] + 3f * (k2[q] + k3[q]) + k4[q]) * h * 0.125f;
        }
      }
      cur = y;
      if (points != null) {
        points.at(s, y);
      }
    }
  }

  @Override
  public String toString() {
    return flag.toUpperCase(Locale.ROOT);
  }
}
