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

  /** Lane-wise {@link VectorMath#expNonPositive} and {@link VectorMath#log1pUnit} over arrays (tests). */
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
   * {@code gradItems} row j and {@code gu} row b. Returns the summed loss. Three small loops per
   * chunk of {@value #CHUNK} pairs (scores, coefficients, row updates): as one method C2 left some
   * vector operations boxed and this kernel ran at half the speed.
   */
  static double negativePairs(int[] pb, int[] pj, int from, int to, float[] bUsers, float[] bBeta, float[] betaI,
      float[] itemEmb, float[] gradItems, float[] gu, int d, double scale, double w3, double w4, float[] sc,
      float[] wt, float[] lanes) {
    double loss = 0;
    float fs = (float) scale;
    float f3 = (float) w3;
    float f4 = (float) w4;
    for (int r0 = from; r0 < to; r0 += CHUNK) {
      int n = Math.min(CHUNK, to - r0);
      scores(pb, pj, r0, n, bUsers, itemEmb, d, sc, lanes);
      for (int q = 0; q < n; q++) {
        // negative_weight/N · (w3 + w4·β_{u,j})
        wt[q] = fs * (f3 + f4 * bBeta[pb[r0 + q]] * betaI[pj[r0 + q]]);
      }
      loss += coefficients(sc, wt, n, lanes);
      updates(pb, pj, r0, n, bUsers, itemEmb, gradItems, gu, d, wt);
    }
    return loss;
  }

  /**
   * {@code sc[q] = e_b·e_j} for the chunk's pairs, four at a time (independent FMA chains). No vector
   * crosses a method boundary: when C2's inlining budget ran out inside this loop, a vector passed
   * to a non-inlined call was boxed, allocating per pair.
   */
  private static void scores(int[] pb, int[] pj, int r0, int n, float[] bUsers, float[] itemEmb, int d,
      float[] sc, float[] lanes) {
    int q = 0;
    if (d >= L) {
      for (; q + 4 <= n; q += 4) {
        dots4(pb, pj, r0 + q, bUsers, itemEmb, d, sc, q, lanes);
      }
    }
    for (; q < n; q++) {
      sc[q] = dot(bUsers, pb[r0 + q] * d, itemEmb, pj[r0 + q] * d, d, lanes);
    }
  }

  /**
   * The scores of pairs {@code r .. r+3} into {@code sc[q .. q+3]}; needs d ≥ one vector and
   * {@code lanes.length ≥ 4·L}. The lanes are summed in order through memory, as {@link VectorMath#sum}
   * (the same bits in every JIT tier; a shuffle butterfly allocated: JDK 17's C2 did not intrinsify
   * its {@code rearrange} here).
   */
  private static void dots4(int[] pb, int[] pj, int r, float[] bUsers, float[] itemEmb, int d, float[] sc, int q,
      float[] lanes) {
    int vd = d - d % L;
    int b0 = pb[r] * d;
    int b1 = pb[r + 1] * d;
    int b2 = pb[r + 2] * d;
    int b3 = pb[r + 3] * d;
    int j0 = pj[r] * d;
    int j1 = pj[r + 1] * d;
    int j2 = pj[r + 2] * d;
    int j3 = pj[r + 3] * d;
    FloatVector a0 = FloatVector.fromArray(S, bUsers, b0).mul(FloatVector.fromArray(S, itemEmb, j0));
    FloatVector a1 = FloatVector.fromArray(S, bUsers, b1).mul(FloatVector.fromArray(S, itemEmb, j1));
    FloatVector a2 = FloatVector.fromArray(S, bUsers, b2).mul(FloatVector.fromArray(S, itemEmb, j2));
    FloatVector a3 = FloatVector.fromArray(S, bUsers, b3).mul(FloatVector.fromArray(S, itemEmb, j3));
    for (int x = L; x < vd; x += L) {
      a0 = FloatVector.fromArray(S, bUsers, b0 + x).fma(FloatVector.fromArray(S, itemEmb, j0 + x), a0);
      a1 = FloatVector.fromArray(S, bUsers, b1 + x).fma(FloatVector.fromArray(S, itemEmb, j1 + x), a1);
      a2 = FloatVector.fromArray(S, bUsers, b2 + x).fma(FloatVector.fromArray(S, itemEmb, j2 + x), a2);
      a3 = FloatVector.fromArray(S, bUsers, b3 + x).fma(FloatVector.fromArray(S, itemEmb, j3 + x), a3);
    }
    a0.intoArray(lanes, 0);
    a1.intoArray(lanes, L);
    a2.intoArray(lanes, 2 * L);
    a3.intoArray(lanes, 3 * L);
    sc[q] = laneSum(lanes, 0) + scalarDot(bUsers, b0, itemEmb, j0, vd, d);
    sc[q + 1] = laneSum(lanes, L) + scalarDot(bUsers, b1, itemEmb, j1, vd, d);
    sc[q + 2] = laneSum(lanes, 2 * L) + scalarDot(bUsers, b2, itemEmb, j2, vd, d);
    sc[q + 3] = laneSum(lanes, 3 * L) + scalarDot(bUsers, b3, itemEmb, j3, vd, d);
  }

  /** {@code lanes[off] + … + lanes[off + L − 1]} in order. */
  private static float laneSum(float[] lanes, int off) {
    float s = 0;
    for (int x = 0; x < L; x++) {
      s += lanes[off + x];
    }
    return s;
  }

  /** One pair's score: vector FMAs, lanes summed in order, then the columns past the last vector. */
  private static float dot(float[] a, int ao, float[] b, int bo, int d, float[] lanes) {
    int vd = d - d % L;
    float s = 0;
    if (vd > 0) {
      FloatVector acc = FloatVector.fromArray(S, a, ao).mul(FloatVector.fromArray(S, b, bo));
      for (int x = L; x < vd; x += L) {
        acc = FloatVector.fromArray(S, a, ao + x).fma(FloatVector.fromArray(S, b, bo + x), acc);
      }
      acc.intoArray(lanes, 0);
      s = laneSum(lanes, 0);
    }
    return s + scalarDot(a, ao, b, bo, vd, d);
  }

  /** Σ_{x ∈ [from, d)} a[ao + x]·b[bo + x]: the columns past the last whole vector. */
  private static float scalarDot(float[] a, int ao, float[] b, int bo, int from, int d) {
    float s = 0;
    for (int x = from; x < d; x++) {
      s += a[ao + x] * b[bo + x];
    }
    return s;
  }

  /**
   * Lane-wise over the chunk: returns Σ w·softplus(s) = w·(max(s, 0) + log1p(e^{−|s|})) and overwrites
   * {@code wt} by the coefficient ∂/∂s = w·σ(s).
   */
  private static double coefficients(float[] sc, float[] wt, int n, float[] lanes) {
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
    // summed here, not by a call: a vector argument of a call C2 does not inline is boxed
    lossAcc.intoArray(lanes, 0);
    double chunkLoss = laneSum(lanes, 0);
    for (; q < n; q++) {
      float s = sc[q];
      double e = Math.exp(-Math.abs(s));
      double sig = s >= 0 ? 1 / (1 + e) : e / (1 + e);
      chunkLoss += wt[q] * (Math.max(s, 0.0) + Math.log1p(e));
      wt[q] = (float) (wt[q] * sig);
    }
    return chunkLoss;
  }

  /** ∂L/∂e_j += c·e_u and ∂L/∂e_u += c·e_j for the chunk's pairs, in pair order. */
  private static void updates(int[] pb, int[] pj, int r0, int n, float[] bUsers, float[] itemEmb,
      float[] gradItems, float[] gu, int d, float[] wt) {
    int vd = d - d % L;
    for (int q = 0; q < n; q++) {
      int bo = pb[r0 + q] * d;
      int jo = pj[r0 + q] * d;
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

  /**
   * {@code C[i, x] += Σ_{k < kk} A(i, k) · B[k, x]} for {@code i < m}, {@code x < d}, with
   * {@code A(i, k) = a[aOff + i·ai + k·ak]}, B's rows ({@code d} floats) at {@code b[bOff + k·d]} and
   * C's at {@code c[cOff + i·d]}: A·B with {@code (ai, ak) = (lda, 1)}, Aᵀ·B with {@code (1, lda)}.
   * A 4-row × 2-vector register tile (eight accumulators, two loads of B and four broadcasts of A
   * per k); every element is one fused multiply-add chain over k in order, so the row tiling does
   * not change its bits.
   */
  static void multAdd(float[] a, int aOff, int ai, int ak, int m, int kk, float[] b, int bOff, int d, float[] c,
      int cOff) {
    int vd = d - d % L;
    int vd2 = d - d % (2 * L);
    int i = 0;
    for (; i + 4 <= m; i += 4) {
      int a0 = aOff + i * ai;
      int a1 = a0 + ai;
      int a2 = a1 + ai;
      int a3 = a2 + ai;
      int c0 = cOff + i * d;
      int c1 = c0 + d;
      int c2 = c1 + d;
      int c3 = c2 + d;
      for (int x = 0; x < vd2; x += 2 * L) {
        FloatVector s00 = FloatVector.fromArray(S, c, c0 + x);
        FloatVector s01 = FloatVector.fromArray(S, c, c0 + x + L);
        FloatVector s10 = FloatVector.fromArray(S, c, c1 + x);
        FloatVector s11 = FloatVector.fromArray(S, c, c1 + x + L);
        FloatVector s20 = FloatVector.fromArray(S, c, c2 + x);
        FloatVector s21 = FloatVector.fromArray(S, c, c2 + x + L);
        FloatVector s30 = FloatVector.fromArray(S, c, c3 + x);
        FloatVector s31 = FloatVector.fromArray(S, c, c3 + x + L);
        int bo = bOff + x;
        int ao = 0;
        for (int k = 0; k < kk; k++, bo += d, ao += ak) {
          FloatVector b0 = FloatVector.fromArray(S, b, bo);
          FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
          FloatVector v = FloatVector.broadcast(S, a[a0 + ao]);
          s00 = b0.fma(v, s00);
          s01 = b1.fma(v, s01);
          v = FloatVector.broadcast(S, a[a1 + ao]);
          s10 = b0.fma(v, s10);
          s11 = b1.fma(v, s11);
          v = FloatVector.broadcast(S, a[a2 + ao]);
          s20 = b0.fma(v, s20);
          s21 = b1.fma(v, s21);
          v = FloatVector.broadcast(S, a[a3 + ao]);
          s30 = b0.fma(v, s30);
          s31 = b1.fma(v, s31);
        }
        s00.intoArray(c, c0 + x);
        s01.intoArray(c, c0 + x + L);
        s10.intoArray(c, c1 + x);
        s11.intoArray(c, c1 + x + L);
        s20.intoArray(c, c2 + x);
        s21.intoArray(c, c2 + x + L);
        s30.intoArray(c, c3 + x);
        s31.intoArray(c, c3 + x + L);
      }
      for (int x = vd2; x < vd; x += L) {
        FloatVector s0 = FloatVector.fromArray(S, c, c0 + x);
        FloatVector s1 = FloatVector.fromArray(S, c, c1 + x);
        FloatVector s2 = FloatVector.fromArray(S, c, c2 + x);
        FloatVector s3 = FloatVector.fromArray(S, c, c3 + x);
        int bo = bOff + x;
        int ao = 0;
        for (int k = 0; k < kk; k++, bo += d, ao += ak) {
          FloatVector b0 = FloatVector.fromArray(S, b, bo);
          s0 = b0.fma(FloatVector.broadcast(S, a[a0 + ao]), s0);
          s1 = b0.fma(FloatVector.broadcast(S, a[a1 + ao]), s1);
          s2 = b0.fma(FloatVector.broadcast(S, a[a2 + ao]), s2);
          s3 = b0.fma(FloatVector.broadcast(S, a[a3 + ao]), s3);
        }
        s0.intoArray(c, c0 + x);
        s1.intoArray(c, c1 + x);
        s2.intoArray(c, c2 + x);
        s3.intoArray(c, c3 + x);
      }
      for (int r = 0; r < 4; r++) {
        scalarColumns(a, a0 + r * ai, ak, kk, b, bOff, d, c, c0 + r * d, vd);
      }
    }
    for (; i < m; i++) {
      int a0 = aOff + i * ai;
      int c0 = cOff + i * d;
      for (int x = 0; x < vd; x += L) {
        FloatVector s0 = FloatVector.fromArray(S, c, c0 + x);
        int bo = bOff + x;
        int ao = a0;
        for (int k = 0; k < kk; k++, bo += d, ao += ak) {
          s0 = FloatVector.fromArray(S, b, bo).fma(FloatVector.broadcast(S, a[ao]), s0);
        }
        s0.intoArray(c, c0 + x);
      }
      scalarColumns(a, a0, ak, kk, b, bOff, d, c, c0, vd);
    }
  }

  /** The columns {@code [from, d)} of one row of {@link #multAdd}, by {@link Math#fma}. */
  private static void scalarColumns(float[] a, int a0, int ak, int kk, float[] b, int bOff, int d, float[] c, int c0,
      int from) {
    for (int x = from; x < d; x++) {
      float s = c[c0 + x];
      int bo = bOff + x;
      int ao = a0;
      for (int k = 0; k < kk; k++, bo += d, ao += ak) {
        s = Math.fma(b[bo], a[ao], s);
      }
      c[c0 + x] = s;
    }
  }

  /**
   * One row of shared-negative scores, in place: with {@code w_q = c0 + c1·β_q}, returns
   * {@code Σ_q w_q·softplus(s_q)} and overwrites {@code s_q} by {@code w_q·σ(s_q)}.
   */
  static double negativeRow(float[] s, int off, int n, float c0, float c1, float[] beta, float[] lanes) {
    FloatVector lossAcc = FloatVector.zero(S);
    FloatVector v0 = FloatVector.broadcast(S, c0);
    int q = 0;
    for (; q + L <= n; q += L) {
      FloatVector sv = FloatVector.fromArray(S, s, off + q);
      // w = c0 + c1·β (negative_weight/N · (w3 + w4·β_u·β_j))
      FloatVector w = FloatVector.fromArray(S, beta, q).fma(FloatVector.broadcast(S, c1), v0);
      FloatVector e = VectorMath.expNonPositive(sv.abs().neg());
      // softplus(s) = max(s, 0) + log1p(e^{−|s|}); σ(s) = 1/(1+e) for s ≥ 0, e/(1+e) otherwise
      lossAcc = w.fma(sv.max(0f).add(VectorMath.log1pUnit(e)), lossAcc);
      FloatVector num = e.blend(1f, sv.compare(VectorOperators.GE, 0f));
      w.mul(num.div(e.add(1f))).intoArray(s, off + q);
    }
    double loss = VectorMath.sum(lossAcc, lanes);
    for (; q < n; q++) {
      float x = s[off + q];
      float w = Math.fma(beta[q], c1, c0);
      double e = Math.exp(-Math.abs(x));
      double sig = x >= 0 ? 1 / (1 + e) : e / (1 + e);
      loss += w * (Math.max(x, 0.0) + Math.log1p(e));
      s[off + q] = (float) (w * sig);
    }
    return loss;
  }
}
