package io.graphcf.propagation.train;

import io.graphcf.propagation.Workers;
import io.graphcf.propagation.model.ModelReader;
import io.graphcf.propagation.model.ModelWriter;
import java.io.IOException;

/**
 * Adam (Kingma &amp; Ba, 2015) over one flat parameter array, with PyTorch's semantics: every
 * step decays the moments of every parameter (a dense gradient with zeros for untouched rows), and
 * bias correction uses the step count. The moments are part of the model's saved state so that
 * training resumes exactly.
 */
public final class Adam {
  private static final int CHUNK = 1 << 14;
  /** Whether {@link #updateRange} runs {@link AdamVector} (the same switch as the propagation kernels). */
  private static final boolean VECTOR = io.graphcf.propagation.Propagation.vectorKernels();

  private final float lr;
  private final float beta1;
  private final float beta2;
  private final float eps;
  private final float[] m;
  private final float[] v;
  private long step;
  /** Coefficients of the step begun by {@link #beginFusedStep()}. */
  private float fusedStepSize;
  private float fusedInvSqrtBc2;

  public Adam(int size, float lr, float beta1, float beta2, float eps) {
    if (!(lr > 0)) {
      throw new IllegalArgumentException("lr must be > 0, got " + lr);
    }
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.m = new float[size];
    this.v = new float[size];
  }

  /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8. */
  public Adam(int size, float lr) {
    this(size, lr, 0.9f, 0.999f, 1e-8f);
  }

  /** Applies one step to {@code params} with gradient {@code grad} (same length). */
  public void step(float[] params, float[] grad, Workers workers) {
    beginStep(params, grad);
    // θ ← θ − lr · m̂ / (sqrt(v̂) + ε), m̂ = m / (1 − β1^t), v̂ = v / (1 − β2^t)
    float stepSize = stepSize();
    float invSqrtBc2 = invSqrtBiasCorrection2();
    int n = m.length;
    workers.run(tasks(), t -> update(params, grad, t * CHUNK, Math.min(n, (t + 1) * CHUNK), stepSize, invSqrtBc2));
  }

  /** Checks shapes and advances the step count (bias corrections use the new count). */
  private void beginStep(float[] params, float[] grad) {
    if (params.length != m.length || grad.length != m.length) {
      throw new IllegalArgumentException("size mismatch: optimiser=" + m.length + ", params=" + params.length
          + ", grad=" + grad.length);
    }
    step++;
  }

  /** lr / (1 − β1^t). */
  private float stepSize() {
    return lr / (float) (1.0 - Math.pow(beta1, step));
  }

  /** 1 / sqrt(1 − β2^t). */
  private float invSqrtBiasCorrection2() {
    return (float) (1.0 / Math.sqrt((float) (1.0 - Math.pow(beta2, step))));
  }

  private int tasks() {
    return (m.length + CHUNK - 1) / CHUNK;
  }

  private void update(float[] p, float[] g, int from, int to, float stepSize, float invSqrtBc2) {
    float b1 = beta1;
    float b2 = beta2;
    float c1 = 1f - b1;
    float c2 = 1f - b2;
    float e = eps;
    float[] mm = m;
    float[] vv = v;
    for (int k = from; k < to; k++) {
      float gk = g[k];
      float mk = b1 * mm[k] + c1 * gk;
      float vk = b2 * vv[k] + c2 * gk * gk;
      mm[k] = mk;
      vv[k] = vk;
      p[k] -= stepSize * mk / ((float) Math.sqrt(vk) * invSqrtBc2 + e);
    }
  }

  /**
   * One step on the gradient {@code grad + l2·params} (PyTorch's {@code weight_decay}: the gradient
   * of an added {@code l2·‖θ‖²/2} over every parameter) that consumes {@code grad}: it is all zeros
   * afterwards, ready for the next batch. One pass over the arrays instead of three.
   */
  public void stepWithL2(float[] params, float[] grad, float l2, Workers workers) {
    beginStep(params, grad);
    float stepSize = stepSize();
    float invSqrtBc2 = invSqrtBiasCorrection2();
    int n = m.length;
    workers.run(tasks(), t -> updateL2(params, grad, l2, t * CHUNK, Math.min(n, (t + 1) * CHUNK), stepSize,
        invSqrtBc2));
  }

  private void updateL2(float[] p, float[] g, float l2, int from, int to, float stepSize, float invSqrtBc2) {
    float b1 = beta1;
    float b2 = beta2;
    float c1 = 1f - b1;
    float c2 = 1f - b2;
    float e = eps;
    float[] mm = m;
    float[] vv = v;
    for (int k = from; k < to; k++) {
      // g = ∇ + l2·θ; θ ← θ − lr · m̂ / (sqrt(v̂) + ε)
      float pk = p[k];
      float gk = g[k] + l2 * pk;
      g[k] = 0f;
      float mk = b1 * mm[k] + c1 * gk;
      float vk = b2 * vv[k] + c2 * gk * gk;
      mm[k] = mk;
      vv[k] = vk;
      p[k] = pk - stepSize * mk / ((float) Math.sqrt(vk) * invSqrtBc2 + e);
    }
  }

  /**
   * Starts a step whose gradient arrives in pieces through {@link #updateRange} — fused into the pass
   * that computes it, so that no full-size gradient array is written and read back — instead of as
   * one array. The caller must cover every parameter exactly once before the next step (PyTorch's
   * dense semantics: zero-gradient rows still decay their moments). Same arithmetic as {@link #step}.
   */
  public void beginFusedStep() {
    step++;
    fusedStepSize = stepSize();
    fusedInvSqrtBc2 = invSqrtBiasCorrection2();
  }

  /**
   * The step begun by {@link #beginFusedStep()} on {@code params[off .. off+len)} with gradient
   * {@code grad[gOff .. gOff+len)}; ranges of one step may be updated concurrently if disjoint.
   */
  public void updateRange(float[] params, int off, float[] grad, int gOff, int len) {
    float b1 = beta1;
    float b2 = beta2;
    float c1 = 1f - b1;
    float c2 = 1f - b2;
    float e = eps;
    float stepSize = fusedStepSize;
    float invSqrtBc2 = fusedInvSqrtBc2;
    float[] mm = m;
    float[] vv = v;
    int k0 = VECTOR ? AdamVector.update(params, off, grad, gOff, len, mm, vv, b1, b2, c1, c2, e, stepSize,
        invSqrtBc2) : 0;
    // θ ← θ − lr · m̂ / (sqrt(v̂) + ε), as update()
    for (int k = k0; k < len; k++) {
      int q = off + k;
      float gk = grad[gOff + k];
      float mk = b1 * mm[q] + c1 * gk;
      float vk = b2 * vv[q] + c2 * gk * gk;
      mm[q] = mk;
      vv[q] = vk;
      params[q] -= stepSize * mk / ((float) Math.sqrt(vk) * invSqrtBc2 + e);
    }
  }

  /** Steps taken so far. */
  public long steps() {
    return step;
  }

  /** First moments; part of the saved state. */
  public float[] firstMoment() {
    return m;
  }

  /** Second moments; part of the saved state. */
  public float[] secondMoment() {
    return v;
  }

  /** Restores the state saved from {@link #firstMoment()}, {@link #secondMoment()}, {@link #steps()}. */
  public void restore(float[] first, float[] second, long steps) {
    if (first.length != m.length || second.length != v.length) {
      throw new IllegalArgumentException("optimiser state size mismatch: expected " + m.length + ", got "
          + first.length + " and " + second.length);
    }
    System.arraycopy(first, 0, m, 0, m.length);
    System.arraycopy(second, 0, v, 0, v.length);
    this.step = steps;
  }

  /** Saves the moments as model entries {@code PREFIX_m} and {@code PREFIX_v} ({@code rows × cols}). */
  public void save(ModelWriter writer, String prefix, int rows, int cols) throws IOException {
    writer.putMatrix(prefix + "_m", m, rows, cols);
    writer.putMatrix(prefix + "_v", v, rows, cols);
  }

  /** Restores moments written by {@link #save(ModelWriter, String, int, int)}, at step {@code steps}. */
  public void restore(ModelReader reader, String prefix, long steps) throws IOException {
    restore(reader.matrix(prefix + "_m").data(), reader.matrix(prefix + "_v").data(), steps);
  }
}
