package io.graphcf.propagation.train;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD form of {@link Adam#updateRange}: C2 does not vectorise the scalar loop there, whose
 * gradient sits at a different offset (a small block) than the parameters and moments (measured 7×
 * slower per element than {@link Adam#step}, whose arrays share one index). Separate multiplies and
 * adds (no FMA) and a correctly rounded square root keep the bits of the scalar loop. Loaded only
 * when {@code jdk.incubator.vector} is present.
 */
final class AdamVector {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private AdamVector() {}

  /** Returns how many leading elements it updated (a multiple of the vector length); the caller does the rest. */
  static int update(float[] p, int off, float[] g, int gOff, int len, float[] m, float[] v, float b1, float b2,
      float c1, float c2, float e, float stepSize, float invSqrtBc2) {
    int n = len - len % L;
    for (int k = 0; k < n; k += L) {
      int q = off + k;
      FloatVector gk = FloatVector.fromArray(S, g, gOff + k);
      // m ← β1 m + (1 − β1) g;  v ← β2 v + (1 − β2) g²;  θ ← θ − (lr/(1 − β1^t)) m / (sqrt(v) / sqrt(1 − β2^t) + ε)
      FloatVector mk = FloatVector.fromArray(S, m, q).mul(b1).add(gk.mul(c1));
      FloatVector vk = FloatVector.fromArray(S, v, q).mul(b2).add(gk.mul(c2).mul(gk));
      mk.intoArray(m, q);
      vk.intoArray(v, q);
      FloatVector den = vk.sqrt().mul(invSqrtBc2).add(e);
      FloatVector.fromArray(S, p, q).sub(mk.mul(stepSize).div(den)).intoArray(p, q);
    }
    return n;
  }
}
