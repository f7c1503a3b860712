package io.graphcf.index;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The inner product with the JDK 17 incubating Vector API: two vector accumulators of fused
 * multiply-adds (dim 64 on AVX2 = 8 FMAs), a fixed-order pairwise lane sum, a scalar tail. Loaded
 * only through {@link VectorOps} when {@code jdk.incubator.vector} is in the boot layer (every
 * graphcf JVM adds it). The lane sum is built from lane permutations and adds, exact IEEE
 * operations in every JIT tier, instead of {@code reduceLanes(ADD)}, whose rounding may change once
 * C2 intrinsifies it (see {@code io.graphcf.propagation.VectorMath}); so the same query gives the
 * same scores and order in the interpreter, C1 and C2. Rounding differs from the scalar loop by
 * ~1e-7 relative.
 */
final class SimdDot {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  // lane i ↔ lane i ^ d; (… & (L − 1)) keeps the unused wider shuffles in range
  private static final VectorShuffle<Float> SWAP1 = VectorShuffle.fromOp(S, i -> (i ^ 1) & (L - 1));
  private static final VectorShuffle<Float> SWAP2 = VectorShuffle.fromOp(S, i -> (i ^ 2) & (L - 1));
  private static final VectorShuffle<Float> SWAP4 = VectorShuffle.fromOp(S, i -> (i ^ 4) & (L - 1));
  private static final VectorShuffle<Float> SWAP8 = VectorShuffle.fromOp(S, i -> (i ^ 8) & (L - 1));

  /** Bytes with as many lanes as {@link #S} (64 bits for 8 float lanes); null when no such shape. */
  private static final VectorSpecies<Byte> B = L >= 8 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(8 * L))
      : null;

  private SimdDot() {}

  static boolean bytesUsable() {
    return B != null;
  }

  /**
   * Σ_k q_k c_k with the bytes widened to floats lane by lane (B2F), two accumulators, the same
   * fixed-order lane sum as {@link #dot}.
   */
  static float dotCodes(float[] q, byte[] c, int off, int dim) {
    int k = 0;
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = FloatVector.zero(S);
    for (; k + 2 * L <= dim; k += 2 * L) {
      FloatVector c0 = (FloatVector) ByteVector.fromArray(B, c, off + k).convertShape(VectorOperators.B2F, S, 0);
      FloatVector c1 = (FloatVector) ByteVector.fromArray(B, c, off + k + L).convertShape(VectorOperators.B2F, S, 0);
      a0 = FloatVector.fromArray(S, q, k).fma(c0, a0);
      a1 = FloatVector.fromArray(S, q, k + L).fma(c1, a1);
    }
    if (k + L <= dim) {
      FloatVector c0 = (FloatVector) ByteVector.fromArray(B, c, off + k).convertShape(VectorOperators.B2F, S, 0);
      a0 = FloatVector.fromArray(S, q, k).fma(c0, a0);
      k += L;
    }
    // the lane sum written out here, not in a helper taking the vector: C2 may leave such a helper out
    // of line and box the vector at the call (it did to LightGCL's exp loop; see VectorMath)
    FloatVector v = a0.add(a1);
    if (L >= 16) {
      v = v.add(v.rearrange(SWAP8));
    }
    if (L >= 8) {
      v = v.add(v.rearrange(SWAP4));
    }
    v = v.add(v.rearrange(SWAP2));
    v = v.add(v.rearrange(SWAP1));
    float s = v.lane(0);
    for (; k < dim; k++) {
      s += q[k] * c[off + k];
    }
    return s;
  }

  static boolean usable() {
    return L >= 4 && L <= 16;
  }

  static float dot(float[] x, int xOff, float[] y, int yOff, int dim) {
    int k = 0;
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = FloatVector.zero(S);
    // s = Σ_k x_k y_k, two vector lanes of FMAs
    for (; k + 2 * L <= dim; k += 2 * L) {
      a0 = FloatVector.fromArray(S, x, xOff + k).fma(FloatVector.fromArray(S, y, yOff + k), a0);
      a1 = FloatVector.fromArray(S, x, xOff + k + L).fma(FloatVector.fromArray(S, y, yOff + k + L), a1);
    }
    if (k + L <= dim) {
      a0 = FloatVector.fromArray(S, x, xOff + k).fma(FloatVector.fromArray(S, y, yOff + k), a0);
      k += L;
    }
    // the lane sum written out here, not in a helper taking the vector: C2 may leave such a helper out
    // of line and box the vector at the call (it did to LightGCL's exp loop; see VectorMath)
    FloatVector v = a0.add(a1);
    if (L >= 16) {
      v = v.add(v.rearrange(SWAP8));
    }
    if (L >= 8) {
      v = v.add(v.rearrange(SWAP4));
    }
    v = v.add(v.rearrange(SWAP2));
    v = v.add(v.rearrange(SWAP1));
    float s = v.lane(0);
    for (; k < dim; k++) {
      s += x[xOff + k] * y[yOff + k];
    }
    return s;
  }
}
