package io.graphcf.propagation.ultragcn;

import io.graphcf.propagation.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The negative-pair kernel of {@link UltraGcnObjective} with the JDK 17 incubating Vector API: per
 * pair one vector dot product (fused multiply-adds, one lane reduction) and two vector row updates.
 * C2 alone keeps this loop scalar (two store streams into rows at unrelated offsets). Only
 * {@link UltraGcnObjective} loads this class, and only when {@code jdk.incubator.vector} is present
 * (every graphcf JVM adds it); sums are grouped differently from the scalar kernel, so the two agree
 * to rounding, and each is deterministic.
 */
final class UltraGcnSimd {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** Pairs whose scores and coefficients are computed together, lane-wise. */
  static final int CHUNK = 64;


  private UltraGcnSimd() {}

  /** Lane-wise {@link #expNonPositive} and {@link #log1pUnit} over arrays (tests). */
  static void expAndLog1p(float[] t, float[] exp, float[] log1p, int n) {
    int q = 0;
    for (; q + L <= n; q += L) {
      FloatVector e = VectorMath.expNonPositive(FloatVector.fromArray(S, t, q));
      e.intoArray(exp, q);
      VectorMath.log1pUnit(e).intoArray(log1p, q);
    }
    for (; q < n; q++) {
      exp[q] = (float) Math.exp(Math.max(t[q], -87f));
      log1p[q] = (float) Math.log1p(exp[q]);
    }
  }

  static boolean usable() {
    return L >= 4;
  }

  /**
   * For pairs {@code r ∈ [from, to)} (batch row {@code pb[r]}, item {@code pj[r]}): the loss
   * scale·(w3 + w4·β_b·β_j)·softplus(s) with s = e_b·e_j, and its gradient into
   * {@code gradItems} row j and {@code gu} row b. Returns the summed loss.
   */
  static double negativePairs(int[] pb, int[] pj, int from, int to, float[] bUsers, float[] bBeta, float[] betaI,
      float[] itemEmb, float[] gradItems, float[] gu, int d, double scale, double w3, double w4, float[] sc,
      float[] wt, float[] lanes) {
    double loss = 0;
    int vd = d - d % L;
    float fs = (float) scale;
    float f3 = (float) w3;
    float f4 = (float) w4;
    for (int r0 = from; r0 < to; r0 += CHUNK) {
      int n = Math.min(CHUNK, to - r0);
      // scores and weights of the chunk
      for (int q = 0; q < n; q++) {
        int b = pb[r0 + q];
        int j = pj[r0 + q];
        int bo = b * d;
        int jo = j * d;
        FloatVector acc = FloatVector.zero(S);
        for (int x = 0; x < vd; x += L) {
          acc = FloatVector.fromArray(S, bUsers, bo + x).fma(FloatVector.fromArray(S, itemEmb, jo + x), acc);
        }
        float s = VectorMath.sum(acc, lanes);
        for (int x = vd; x < d; x++) {
          s += bUsers[bo + x] * itemEmb[jo + x];
        }
        sc[q] = s;
        // negative_weight/N · (w3 + w4·β_{u,j})
        wt[q] = fs * (f3 + f4 * bBeta[b] * betaI[j]);
      }
      // loss w·softplus(s) = w·(max(s, 0) + log1p(e^{−|s|})), coefficient ∂/∂s = w·σ(s), lane-wise
      FloatVector lossAcc = FloatVector.zero(S);
      int q = 0;
      for (; q + L <= n; q += L) {
        FloatVector s = FloatVector.fromArray(S, sc, q);
        FloatVector w = FloatVector.fromArray(S, wt, q);
        FloatVector e = VectorMath.expNonPositive(s.abs().neg());
        FloatVector onePlus = e.add(1f);
        FloatVector sp = s.max(0f).add(VectorMath.log1pUnit(e));
        lossAcc = w.fma(sp, lossAcc);
        // σ(s) = 1/(1+e) for s ≥ 0, e/(1+e) otherwise
        FloatVector num = e.blend(1f, s.compare(VectorOperators.GE, 0f));
        w.mul(num.div(onePlus)).intoArray(wt, q);
      }
      double chunkLoss = VectorMath.sum(lossAcc, lanes);
      for (; q < n; q++) {
        float s = sc[q];
        double e = Math.exp(-Math.abs(s));
        double sig = s >= 0 ? 1 / (1 + e) : e / (1 + e);
        chunkLoss += wt[q] * (Math.max(s, 0.0) + Math.log1p(e));
        wt[q] = (float) (wt[q] * sig);
      }
      loss += chunkLoss;
      // ∂L/∂e_j += c·e_u, ∂L/∂e_u += c·e_j
      for (q = 0; q < n; q++) {
        int b = pb[r0 + q];
        int j = pj[r0 + q];
        int bo = b * d;
        int jo = j * d;
        float c = wt[q];
        FloatVector cv = FloatVector.broadcast(S, c);
        for (int x = 0; x < vd; x += L) {
          FloatVector u = FloatVector.fromArray(S, bUsers, bo + x);
          FloatVector it = FloatVector.fromArray(S, itemEmb, jo + x);
          u.fma(cv, FloatVector.fromArray(S, gradItems, jo + x)).intoArray(gradItems, jo + x);
          it.fma(cv, FloatVector.fromArray(S, gu, bo + x)).intoArray(gu, bo + x);
        }
        for (int x = vd; x < d; x++) {
          gradItems[jo + x] += c * bUsers[bo + x];
          gu[bo + x] += c * itemEmb[jo + x];
        }
      }
    }
    return loss;
  }
}
