package io.graphcf.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class VectorOpsTest {
  /** The dot product against a double-precision loop, over odd and even dims and offsets. */
  @Test
  void dotMatchesDoubleReference() {
    SplittableRandom r = new SplittableRandom(7);
    for (int dim : new int[] {1, 3, 7, 8, 15, 16, 17, 33, 64, 65, 129}) {
      for (int trial = 0; trial < 20; trial++) {
        int xOff = r.nextInt(5);
        int yOff = r.nextInt(5);
        float[] x = new float[xOff + dim];
        float[] y = new float[yOff + dim];
        double ref = 0;
        double absSum = 0;
        for (int k = 0; k < dim; k++) {
          x[xOff + k] = (float) (r.nextDouble() * 2 - 1);
          y[yOff + k] = (float) (r.nextDouble() * 2 - 1);
          ref += (double) x[xOff + k] * y[yOff + k];
          absSum += Math.abs((double) x[xOff + k] * y[yOff + k]);
        }
        float tol = (float) (absSum * 1e-6 + 1e-7);
        assertEquals(ref, VectorOps.dot(x, xOff, y, yOff, dim), tol, "dot dim=" + dim + " trial=" + trial);
        assertEquals(ref, VectorOps.scalarDot(x, xOff, y, yOff, dim), tol, "scalarDot dim=" + dim + " trial=" + trial);
      }
    }
  }

  /**
   * The SIMD lane sum, written out in both {@link SimdDot#dot} and {@link SimdDot#dotCodes}, is the
   * pairwise halving order, bit for bit: the same float adds done one at a time here (exact IEEE in
   * every JIT tier), so its result cannot depend on the tier.
   */
  @Test
  void laneSumIsFixedOrderPairwise() {
    assumeTrue(VectorOps.SIMD, "Vector API not in the boot layer");
    int l = FloatVector.SPECIES_PREFERRED.length();
    SplittableRandom r = new SplittableRandom(11);
    float[] lanes = new float[l];
    float[] ones = new float[2 * l];
    Arrays.fill(ones, 1f);
    byte[] oneCodes = new byte[2 * l];
    Arrays.fill(oneCodes, (byte) 1);
    for (int trial = 0; trial < 1000; trial++) {
      for (int i = 0; i < l; i++) {
        lanes[i] = (float) ((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(7) - 3));
      }
      float[] t = lanes.clone();
      // step d: t_i ← t_i + t_{i xor d}, for d = L/2 … 1; the answer is t_0
      for (int d = l / 2; d >= 1; d /= 2) {
        float[] next = new float[l];
        for (int i = 0; i < l; i++) {
          next[i] = t[i] + t[i ^ d];
        }
        t = next;
      }
      // lanes ‖ zeros against ones gives the accumulators (lanes, 0), whose sum is the lanes' sum
      float[] padded = Arrays.copyOf(lanes, 2 * l);
      float got = SimdDot.dot(padded, 0, ones, 0, 2 * l);
      assertEquals(Float.floatToIntBits(t[0]), Float.floatToIntBits(got), "dot, trial " + trial);
      if (SimdDot.bytesUsable()) {
        float gotCodes = SimdDot.dotCodes(padded, oneCodes, 0, 2 * l);
        assertEquals(Float.floatToIntBits(t[0]), Float.floatToIntBits(gotCodes), "dotCodes, trial " + trial);
      }
    }
  }
}
