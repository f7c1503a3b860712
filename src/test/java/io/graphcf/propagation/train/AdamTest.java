package io.graphcf.propagation.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.graphcf.propagation.Workers;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Adam's fused, range-by-range step against its whole-array step, and one step against the formula. */
class AdamTest {
  @Test
  void firstStepMatchesTheFormula() {
    // t = 1: m = 0.1 g, v = 0.001 g², m̂ = g, v̂ = g², so θ ← θ − lr · g / (|g| + ε) = θ − lr · sign(g).
    Adam a = new Adam(3, 0.01f);
    float[] p = {1f, -2f, 0.5f};
    try (Workers w = Workers.create(1)) {
      a.step(p, new float[] {4f, -0.5f, 0f}, w);
    }
    assertEquals(0.99f, p[0], 1e-6f);
    assertEquals(-1.99f, p[1], 1e-6f);
    assertEquals(0.5f, p[2], 0f);
  }

  @Test
  void rangeStepsGiveTheBitsOfTheWholeArrayStep() {
    for (int len : new int[] {1, 7, 8, 33, 64, 1000}) {
      SplittableRandom r = new SplittableRandom(len);
      float[] p1 = new float[len];
      for (int k = 0; k < len; k++) {
        p1[k] = (float) r.nextGaussian();
      }
      float[] p2 = p1.clone();
      Adam whole = new Adam(len, 1e-3f);
      Adam ranges = new Adam(len, 1e-3f);
      try (Workers w = Workers.create(2)) {
        for (int step = 0; step < 5; step++) {
          float[] g = new float[len];
          for (int k = 0; k < len; k++) {
            g[k] = step == 2 && k % 3 == 0 ? 0f : (float) r.nextGaussian();
          }
          whole.step(p1, g, w);
          ranges.beginFusedStep();
          // uneven ranges, each gradient piece at offset 0 of its own block
          for (int from = 0; from < len; ) {
            int n = Math.min(len - from, 1 + (from * 7 + step) % 13);
            float[] block = new float[n + 3];
            System.arraycopy(g, from, block, 0, n);
            ranges.updateRange(p2, from, block, 0, n);
            from += n;
          }
          assertArrayEquals(p1, p2, "params, len " + len + ", step " + step);
          assertArrayEquals(whole.firstMoment(), ranges.firstMoment(), "m, len " + len + ", step " + step);
          assertArrayEquals(whole.secondMoment(), ranges.secondMoment(), "v, len " + len + ", step " + step);
        }
      }
      assertEquals(whole.steps(), ranges.steps());
    }
  }
}
