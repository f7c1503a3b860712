package io.graphcf.propagation.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link EmbeddingScorer} against per-pair dot products, for contiguous and scattered user blocks. */
class EmbeddingScorerTest {
  @Test
  void scoresAreDotProducts() {
    for (int dim : new int[] {1, 7, 64}) {
      SplittableRandom r = new SplittableRandom(dim);
      int nu = 40;
      int ni = 300;
      float[] u = new float[nu * dim];
      float[] it = new float[ni * dim];
      for (int p = 0; p < u.length; p++) {
        u[p] = (float) r.nextGaussian();
      }
      for (int p = 0; p < it.length; p++) {
        it[p] = (float) r.nextGaussian();
      }
      EmbeddingScorer s = new EmbeddingScorer(u, it, nu, ni, dim);
      int[][] blocks = {
        {5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, // contiguous: no gather
        {39, 0, 17, 3, 3, 22, 8, 9, 30, 31, 1, 2, 4}, // scattered, with a repeat
        {7},
      };
      for (int[] users : blocks) {
        float[] out = new float[(users.length - 1) * ni];
        s.score(users, 1, users.length, out);
        for (int b = 0; b < users.length - 1; b++) {
          for (int i = 0; i < ni; i++) {
            double ref = 0;
            double mag = 0;
            for (int k = 0; k < dim; k++) {
              double p = (double) u[users[b + 1] * dim + k] * it[i * dim + k];
              ref += p;
              mag += Math.abs(p);
            }
            assertEquals(ref, out[b * ni + i], 1e-5 * mag + 1e-7, "dim=" + dim + " user=" + users[b + 1] + " item=" + i);
          }
        }
      }
    }
  }

  @Test
  void rejectsBadShapes() {
    assertThrows(IllegalArgumentException.class, () -> new EmbeddingScorer(new float[9], new float[6], 5, 3, 2));
    EmbeddingScorer s = new EmbeddingScorer(new float[10], new float[6], 5, 3, 2);
    assertThrows(IllegalArgumentException.class, () -> s.score(new int[] {5}, 0, 1, new float[3]));
  }
}
