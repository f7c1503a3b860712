package io.graphcf.propagation.filter;

import io.graphcf.propagation.DenseKernels;

/**
 * The low-rank scoring product out (nb × numItems) = P (nb × k) · Wᵀ with a fixed item factor W
 * (numItems × k): the α·(r D_I^-1/2 V̄)(D_I^1/2 V̄)ᵀ term of GF-CF and the rP term of BSPM. W is packed
 * once, at model construction, into panels of {@link #PANEL} items stored k-major
 * ({@code packed[(panel·k + c)·PANEL + j]}), so that a SIMD micro-kernel keeps a 4 users × 16 items
 * tile of the output in registers over the whole k loop and reads each panel (k × 16 floats, 16 KiB at
 * k = 256) from L1 for every group of four users. Without {@code jdk.incubator.vector} it falls back
 * to {@link DenseKernels#multTransB} on the unpacked W.
 */
final class LowRankScores {
  static final int PANEL = 16;
  private static final boolean VECTOR = vectorAvailable();

  private final int numItems;
  private final int k;
  private final float[] w;
  private final float[] packed;

  LowRankScores(float[] w, int numItems, int k) {
    this(w, numItems, k, VECTOR);
  }

  /** With {@code simd == false} the fallback path (tests run both). */
  LowRankScores(float[] w, int numItems, int k, boolean simd) {
    if (simd && !VECTOR) {
      throw new IllegalStateException("jdk.incubator.vector is not available in this JVM");
    }
    this.numItems = numItems;
    this.k = k;
    this.w = w;
    this.packed = simd ? pack(w, numItems, k) : null;
  }

  static boolean simdAvailable() {
    return VECTOR;
  }

  private static boolean vectorAvailable() {
    try {
      return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() && LowRankVector.usable();
    } catch (LinkageError e) {
      return false;
    }
  }

  static float[] pack(float[] w, int numItems, int k) {
    int panels = (numItems + PANEL - 1) / PANEL;
    float[] p = new float[panels * k * PANEL];
    for (int j = 0; j < numItems; j++) {
      int base = (j / PANEL) * k * PANEL + j % PANEL;
      for (int c = 0; c < k; c++) {
        p[base + c * PANEL] = w[j * k + c];
      }
    }
    return p;
  }

  /** out[b·numItems + j] = Σ_c p[b·k + c] · W[j·k + c] for b < nb (overwrites). */
  void multiply(float[] p, int nb, float[] out) {
    multiply(p, nb, 0, numItems, out, 0, numItems);
  }

  /**
   * The items {@code [itemFrom, itemTo)} only: out[off + b·stride + j − itemFrom] = Σ_c p[b·k + c] ·
   * W[j·k + c] for b < nb (overwrites); {@code itemFrom} is a multiple of {@link #PANEL}.
   */
  void multiply(float[] p, int nb, int itemFrom, int itemTo, float[] out, int off, int stride) {
    assert itemFrom % PANEL == 0 && itemFrom <= itemTo && itemTo <= numItems : itemFrom + ".." + itemTo;
    if (packed != null) {
      LowRankVector.multiply(p, nb, k, packed, itemFrom, itemTo, out, off, stride, new float[4 * PANEL]);
      return;
    }
    int w = itemTo - itemFrom;
    float[] tmp = off == 0 && stride == w ? out : new float[nb * w];
    DenseKernels.multTransB(p, 0, nb, this.w, itemFrom, w, k, tmp);
    if (tmp != out) {
      for (int b = 0; b < nb; b++) {
        System.arraycopy(tmp, b * w, out, off + b * stride, w);
      }
    }
  }
}
