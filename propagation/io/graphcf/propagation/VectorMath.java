package io.graphcf.propagation;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector math that gives the same bits in every JIT tier. On JDK 17, {@code reduceLanes(ADD)} and
 * the SVML-backed {@code lanewise(EXP/LOG1P)} may round differently once C2 intrinsifies them than
 * in the interpreter's Java fallback, so a kernel using them depends on JIT timing and a model is
 * not reproducible for a seed. Lane stores, adds, multiplies and FMAs are exact IEEE operations in
 * every tier; everything here is built from those. Load only when {@code jdk.incubator.vector} is
 * present.
 *
 * <p>Two JDK 17 C2 traps met in this project's kernels, both silent (right results, several times
 * slower, allocation per call): a vector passed to or returned from a method that C2 does not inline
 * (its inlining budget runs out in large kernels) is boxed; and {@code convert(F2I)} and
 * {@code rearrange} ran their Java fallbacks. Keep vectors inside one small method, and check a new
 * kernel's JFR allocation samples.
 */
public final class VectorMath {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final float LOG2E = 1.44269504f;
  private static final float LN2_HI = 0.693145752f;
  private static final float LN2_LO = 1.42860677e-6f;
  /** 1.5·2^23: adding it rounds a float of magnitude below 2^22 to an integer held in the low mantissa bits. */
  private static final float ROUND = 12582912f;
  private static final int ROUND_BITS = 0x4B400000;

  private VectorMath() {}


  /**
   * Σ of the lanes in a fixed order. {@code reduceLanes} and the SVML-backed {@code EXP}/{@code LOG1P}
   * may round differently once C2 intrinsifies them than in the interpreter's fallback, which
   * would make results depend on JIT timing; lane stores, adds, multiplies and FMAs are exact IEEE
   * operations in every tier.
   */
  public static float sum(FloatVector v, float[] lanes) {
    v.intoArray(lanes, 0);
    float s = 0;
    for (int x = 0; x < L; x++) {
      s += lanes[x];
    }
    return s;
  }

  /**
   * e^t for t ≤ 0 (flushed to e^−87 ≈ 1.6e−38 below): t = n·ln2 + r with |r| ≤ ln2/2, e^r by its
   * degree-7 Taylor polynomial (relative error below 2e−7), 2^n through the exponent bits. n is
   * rounded by adding 1.5·2^23 (the integer lands in the low mantissa bits) rather than by a
   * float→int lane conversion: JDK 17's C2 does not intrinsify that conversion here, and its Java
   * fallback allocated on every call (half of a LightGCL step's CPU time went to it).
   */
  public static FloatVector expNonPositive(FloatVector t) {
    FloatVector tc = t.max(-87f);
    FloatVector y = tc.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, ROUND));
    FloatVector n = y.sub(ROUND);
    FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), tc);
    r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
    FloatVector p = FloatVector.broadcast(S, 1f / 5040);
    p = p.fma(r, FloatVector.broadcast(S, 1f / 720));
    p = p.fma(r, FloatVector.broadcast(S, 1f / 120));
    p = p.fma(r, FloatVector.broadcast(S, 1f / 24));
    p = p.fma(r, FloatVector.broadcast(S, 1f / 6));
    p = p.fma(r, FloatVector.broadcast(S, 0.5f));
    p = p.fma(r, FloatVector.broadcast(S, 1f));
    p = p.fma(r, FloatVector.broadcast(S, 1f));
    // 2^n: the exponent field n + 127, from y's low mantissa bits
    FloatVector scale = ((IntVector) y.reinterpretAsInts()).add(127 - ROUND_BITS).lanewise(VectorOperators.LSHL, 23)
        .reinterpretAsFloats();
    return p.mul(scale);
  }

  /**
   * Over {@code count} columns of L lanes, {@code x[o + c·stride + lane]} for c < count: e = exp(a·x −
   * sub[so + lane]) (the argument must be ≤ 0, as in a softmax shifted by its max or its log-sum-exp),
   * x ← e · scale[wo + lane], and Σ_c e · scale[wo + lane] into {@code sum[sumOff + lane]}. The same
   * arithmetic as {@link #expNonPositive}, written out so that no vector crosses a call, and one
   * straight loop for both uses (a caller wanting only the sum passes ones, one wanting only x passes a
   * scratch sum). Why: JDK 17's C2 boxed the vectors of such a loop in a real LightGCL epoch — around an
   * out-of-line {@code expNonPositive} call in a large caller, and, once the loop had a branch between a
   * sum mode and an in-place mode, at the accumulator — depending on what ran first (a default Gowalla
   * epoch at ~410 instead of ~250 s, ~2 GB/s of garbage). A caller passing arrays loses nothing if this
   * method is not inlined. The sum goes through {@code sum} in memory, not through a vector accumulator:
   * with an accumulator starting at {@code FloatVector.zero} the loop still boxed in some JVMs (three of
   * three resumed Gowalla runs: the zero, the product and the accumulator allocated on every column,
   * ~3.7 GB/s of garbage, 873–898 CPU-s per epoch; {@code bench lightgcl-step --steps 12}: two of four
   * fresh JVMs). Now no vector lives across an iteration. The memory round trip cost ~7% of a
   * single-threaded InfoNCE call against the register version where that did not box, and nothing
   * measurable in a whole two-thread step (1.68–2.08 against 1.72–2.32 CPU-s, idle). So the L values at
   * {@code sum[sumOff]} are written while the loop runs: they must not overlap x's columns, sub or scale.
   */
  public static void expColumns(float[] x, int o, int stride, int count, float a, float[] sub, int so,
      float[] scale, int wo, float[] sum, int sumOff) {
    Arrays.fill(sum, sumOff, sumOff + S.length(), 0f);
    for (int c = 0; c < count; c++) {
      // every vector lives inside one iteration: no vector phi, none live at the loop's safepoint
      int q = o + c * stride;
      FloatVector tc = FloatVector.fromArray(S, x, q)
          .fma(FloatVector.broadcast(S, a), FloatVector.fromArray(S, sub, so).neg()).max(-87f);
      FloatVector y = tc.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, ROUND));
      FloatVector n = y.sub(ROUND);
      FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), tc);
      r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
      FloatVector p = FloatVector.broadcast(S, 1f / 5040);
      p = p.fma(r, FloatVector.broadcast(S, 1f / 720));
      p = p.fma(r, FloatVector.broadcast(S, 1f / 120));
      p = p.fma(r, FloatVector.broadcast(S, 1f / 24));
      p = p.fma(r, FloatVector.broadcast(S, 1f / 6));
      p = p.fma(r, FloatVector.broadcast(S, 0.5f));
      p = p.fma(r, FloatVector.broadcast(S, 1f));
      p = p.fma(r, FloatVector.broadcast(S, 1f));
      FloatVector e = p.mul(((IntVector) y.reinterpretAsInts()).add(127 - ROUND_BITS)
          .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats()).mul(FloatVector.fromArray(S, scale, wo));
      e.intoArray(x, q);
      FloatVector.fromArray(S, sum, sumOff).add(e).intoArray(sum, sumOff);
    }
  }

  /**
   * log(1 + e) for 0 ≤ e ≤ 1: 2·atanh(z) with z = e/(2 + e) ≤ 1/3, by its series up to z¹³
   * (relative error below 2e−8 before rounding).
   */
  public static FloatVector log1pUnit(FloatVector e) {
    FloatVector z = e.div(e.add(2f));
    FloatVector z2 = z.mul(z);
    FloatVector p = FloatVector.broadcast(S, 1f / 13);
    p = p.fma(z2, FloatVector.broadcast(S, 1f / 11));
    p = p.fma(z2, FloatVector.broadcast(S, 1f / 9));
    p = p.fma(z2, FloatVector.broadcast(S, 1f / 7));
    p = p.fma(z2, FloatVector.broadcast(S, 1f / 5));
    p = p.fma(z2, FloatVector.broadcast(S, 1f / 3));
    p = p.fma(z2, FloatVector.broadcast(S, 1f));
    return p.mul(z).mul(2f);
  }


  /** Σ of the lanes in lane order, without a scratch array (for calls outside inner loops). */
  public static float sumLanes(FloatVector v) {
    float s = 0;
    for (int x = 0; x < L; x++) {
      s += v.lane(x);
    }
    return s;
  }
}
