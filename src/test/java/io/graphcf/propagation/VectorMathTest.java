package io.graphcf.propagation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/** {@link VectorMath#expNonPositive} against {@link Math#exp}. */
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
}
