package io.graphcf.propagation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/** {@link VectorMath#expNonPositive} and {@link VectorMath#expColumns} against {@link Math#exp}. */
class VectorMathTest {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  @Test
  void expNonPositiveMatchesMathExpToSinglePrecision() {
    int l = S.length();
    float[] t = new float[l];
    float[] out = new float[l];
    SplittableRandom r = new SplittableRandom(11);
    double worst = 0;
    for (int trial = 0; trial < 20_000; trial++) {
      for (int i = 0; i < l; i++) {
        // the whole range, the ends, and the half-integer multiples of ln 2 where n's rounding flips
        t[i] = switch ((trial + i) % 4) {
          case 0 -> (float) (-87 * r.nextDouble());
          case 1 -> (float) (-r.nextDouble());
          case 2 -> (float) (-(r.nextInt(250) + 0.5) * Math.log(2) / 2);
          default -> (float) (-1e-6 * r.nextDouble());
        };
      }
      VectorMath.expNonPositive(FloatVector.fromArray(S, t, 0)).intoArray(out, 0);
      for (int i = 0; i < l; i++) {
        double want = Math.exp(t[i]);
        worst = Math.max(worst, Math.abs(out[i] - want) / want);
      }
    }
    assertEquals(0, worst, 3e-7, "worst relative error");
    t[0] = 0f;
    t[1] = -87f;
    t[2] = -1000f;
    t[3] = Float.NEGATIVE_INFINITY;
    VectorMath.expNonPositive(FloatVector.fromArray(S, t, 0)).intoArray(out, 0);
    assertEquals(1f, out[0]);
    assertEquals(Math.exp(-87), out[1], 1e-7 * Math.exp(-87));
    assertEquals(out[1], out[2], "flushed to e^-87 below");
    assertEquals(out[1], out[3]);
  }

  @Test
  void expColumnsScalesInPlaceAndSumsLikeExpNonPositive() {
    int l = S.length();
    int stride = 3 * l;
    int count = 7;
    int o = l;
    float a = 5f;
    SplittableRandom r = new SplittableRandom(12);
    float[] x = new float[o + count * stride];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextDouble() * 4 - 2);
    }
    float[] sub = new float[2 * l];
    float[] scale = new float[2 * l];
    for (int i = 0; i < l; i++) {
      float m = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < count; c++) {
        m = Math.max(m, a * x[o + c * stride + i]);
      }
      // the max, or a bit above it (a log-sum-exp): every argument ≤ 0
      sub[l + i] = m + (i % 2) * 0.7f;
      scale[l + i] = (float) r.nextDouble();
    }
    float[] before = x.clone();
    float[] sum = new float[l + 2];
    VectorMath.expColumns(x, o, stride, count, a, sub, l, scale, l, sum, 2);
    float[] lanes = new float[l];
    float[] out = new float[l];
    for (int i = 0; i < l; i++) {
      double want = 0;
      for (int c = 0; c < count; c++) {
        int q = o + c * stride + i;
        lanes[i] = Math.fma(before[q], a, -sub[l + i]);
        double e = Math.exp(lanes[i]) * scale[l + i];
        assertEquals(e, x[q], 4e-7 * e, "x at column " + c + ", lane " + i);
        want += e;
      }
      assertEquals(want, sum[2 + i], 1e-6 * want, "sum, lane " + i);
    }
    // the same bits as expNonPositive for the last column
    VectorMath.expNonPositive(FloatVector.fromArray(S, lanes, 0)).intoArray(out, 0);
    for (int i = 0; i < l; i++) {
      assertEquals(out[i] * scale[l + i], x[o + (count - 1) * stride + i], "lane " + i);
    }
    for (int i = 0; i < x.length; i++) {
      if (i < o || (i - o) % stride >= l) {
        assertEquals(before[i], x[i], "untouched outside the columns, index " + i);
      }
    }
  }
}
