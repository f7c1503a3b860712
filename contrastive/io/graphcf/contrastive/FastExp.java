package io.graphcf.contrastive;

/**
 * A float exp for the InfoNCE softmax, about 4× faster than {@link Math#exp} on the hot path:
 * exp(x) = 2^n · 2^f with t = x·log2(e), n = ⌊t⌋, f = t − n ∈ [0, 1), and 2^f by a degree-5
 * polynomial (Cephes {@code exp2f} coefficients). Relative error below 4e-6 for x ≥ −87; smaller
 * arguments return about 1e-38 instead of underflowing (only ever added to sums ≥ 1 here).
 */
final class FastExp {
  private FastExp() {}

  static float exp(float x) {
    // 2^(x log2 e), t clamped to the normal range of float
    float t = Math.min(Math.max(x * 1.44269504f, -126f), 127f);
    float fl = (float) Math.floor(t);
    float f = t - fl;
    float p = 1.8775767e-3f;
    p = p * f + 8.9893397e-3f;
    p = p * f + 5.5826318e-2f;
    p = p * f + 2.4015361e-1f;
    p = p * f + 6.9315308e-1f;
    p = p * f + 9.9999994e-1f;
    return p * Float.intBitsToFloat(((int) fl + 127) << 23);
  }
}
