package io.graphcf.index;

/**
 * Package-private dot-product kernels on flat row-major float arrays: {@link SimdDot} when the
 * Vector API is present, else four independent scalar accumulators that break the floating-point
 * dependency chain; no allocation.
 */
final class VectorOps {
  /** Whether {@link SimdDot} runs (module present, not disabled by {@code -Dgraphcf.vector=false}). */
  static final boolean SIMD = simdAvailable();

  private VectorOps() {}

  private static boolean simdAvailable() {
    if (!Boolean.parseBoolean(System.getProperty("graphcf.vector", "true"))) {
      return false;
    }
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() && SimdDot.usable();
  }

  /** x · y over {@code dim} floats from {@code xOff} and {@code yOff}. */
  static float dot(float[] x, int xOff, float[] y, int yOff, int dim) {
    if (SIMD && dim >= 8) {
      return SimdDot.dot(x, xOff, y, yOff, dim);
    }
    return scalarDot(x, xOff, y, yOff, dim);
  }

  /** The scalar reference of {@link #dot}: four independent accumulators. */
  static float scalarDot(float[] x, int xOff, float[] y, int yOff, int dim) {
    float s0 = 0f;
    float s1 = 0f;
    float s2 = 0f;
    float s3 = 0f;
    int k = 0;
    int end4 = dim & ~3;
    // s = Σ_k x_k y_k, four lanes
    for (; k < end4; k += 4) {
      s0 += x[xOff + k] * y[yOff + k];
      s1 += x[xOff + k + 1] * y[yOff + k + 1];
      s2 += x[xOff + k + 2] * y[yOff + k + 2];
      s3 += x[xOff + k + 3] * y[yOff + k + 3];
    }
    for (; k < dim; k++) {
      s0 += x[xOff + k] * y[yOff + k];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** Σ_k q[k] · codes[off + k] over {@code dim} signed bytes (see {@link ScalarQuantizer}). */
  static float dotCodes(float[] q, byte[] codes, int off, int dim) {
    if (SIMD && dim >= 8 && SimdDot.bytesUsable()) {
      return SimdDot.dotCodes(q, codes, off, dim);
    }
    return scalarDotCodes(q, codes, off, dim);
  }

  /** The scalar reference of {@link #dotCodes}: four independent accumulators. */
  static float scalarDotCodes(float[] q, byte[] codes, int off, int dim) {
    float s0 = 0f;
    float s1 = 0f;
    float s2 = 0f;
    float s3 = 0f;
    int k = 0;
    int end4 = dim & ~3;
    // s = Σ_k q_k c_k, four lanes
    for (; k < end4; k += 4) {
      s0 += q[k] * codes[off + k];
      s1 += q[k + 1] * codes[off + k + 1];
      s2 += q[k + 2] * codes[off + k + 2];
      s3 += q[k + 3] * codes[off + k + 3];
    }
    for (; k < dim; k++) {
      s0 += q[k] * codes[off + k];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** out[j] = q · items[row0 + j] for j in [0, n). */
  static void dotRows(float[] q, int qOff, float[] items, int row0, int n, int dim, float[] out) {
    for (int j = 0; j < n; j++) {
      out[j] = dot(q, qOff, items, (row0 + j) * dim, dim);
    }
  }

  /**
   * Four queries against {@code n} item rows: out[r * n + j] = q_r · items[row0 + j]. Each item
   * element is loaded once and used four times (register blocking).
   */
  static void dotRows4(float[] q, int q0, float[] items, int row0, int n, int dim, float[] out) {
    int q1 = q0 + dim;
    int q2 = q1 + dim;
    int q3 = q2 + dim;
    for (int j = 0; j < n; j++) {
      int base = (row0 + j) * dim;
      float a0 = 0f;
      float a1 = 0f;
      float a2 = 0f;
      float a3 = 0f;
      // a_r = Σ_k q_r[k] x_j[k]
      for (int k = 0; k < dim; k++) {
        float x = items[base + k];
        a0 += q[q0 + k] * x;
        a1 += q[q1 + k] * x;
        a2 += q[q2 + k] * x;
        a3 += q[q3 + k] * x;
      }
      out[j] = a0;
      out[n + j] = a1;
      out[2 * n + j] = a2;
      out[3 * n + j] = a3;
    }
  }

  /** ‖x_row‖². */
  static float squaredNorm(float[] x, int off, int dim) {
    return dot(x, off, x, off, dim);
  }
}
