package io.graphcf.index;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Seeded test vectors and a naive top-k reference (full sort), independent of the searchers. */
final class IndexTestData {
  private IndexTestData() {}

  /** n × dim Gaussian rows, each scaled by exp(0.5 z) so norms vary (like trained embeddings). */
  static float[] gaussian(int n, int dim, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n * dim];
    for (int i = 0; i < n; i++) {
      double scale = Math.exp(0.5 * gauss(r));
      for (int k = 0; k < dim; k++) {
        x[i * dim + k] = (float) (gauss(r) * scale);
      }
    }
    return x;
  }

  /**
   * Embedding-like rows: a shared "popularity" direction μ weighted by a log-normal popularity,
   * plus an isotropic part — norms grow with popularity, as in trained LightGCN item embeddings.
   * x_i = 0.5·ln(1 + p_i)·μ + g_i / √dim, p_i = exp(1.5 z).
   */
  static float[] embeddingLike(int n, int dim, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] mu = new double[dim];
    double nn = 0;
    for (int k = 0; k < dim; k++) {
      mu[k] = gauss(r);
      nn += mu[k] * mu[k];
    }
    float[] x = new float[n * dim];
    for (int i = 0; i < n; i++) {
      double w = 0.5 * Math.log1p(Math.exp(1.5 * gauss(r)));
      for (int k = 0; k < dim; k++) {
        x[i * dim + k] = (float) (w * mu[k] / Math.sqrt(nn) + gauss(r) / Math.sqrt(dim));
      }
    }
    return x;
  }

  static double gauss(SplittableRandom r) {
    double u = r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * Naive reference: score every allowed item in double precision and keep the k best by insertion
   * into a sorted array (score descending, ties by smaller ordinal), k ordinals best first.
   */
  static int[] bruteForce(float[] items, int n, int dim, float[] q, int qOff, int k, java.util.function.IntPredicate allowed) {
    int[] best = new int[Math.max(0, k)];
    double[] bestScore = new double[best.length];
    int c = 0;
    for (int i = 0; i < n; i++) {
      if (allowed != null && !allowed.test(i)) {
        continue;
      }
      double d = 0;
      for (int j = 0; j < dim; j++) {
        d += (double) q[qOff + j] * items[i * dim + j];
      }
      // items arrive in increasing ordinal, so on equal scores the earlier one stays ahead
      if (c == k && !(d > bestScore[k - 1])) {
        continue;
      }
      int p = c < k ? c++ : k - 1;
      while (p > 0 && d > bestScore[p - 1]) {
        best[p] = best[p - 1];
        bestScore[p] = bestScore[p - 1];
        p--;
      }
      best[p] = i;
      bestScore[p] = d;
    }
    return Arrays.copyOf(best, c);
  }

  /** |a ∩ b| / |b|. */
  static double overlap(int[] got, int[] expected) {
    if (expected.length == 0) {
      return 1.0;
    }
    int hit = 0;
    for (int e : expected) {
      for (int g : got) {
        if (g == e) {
          hit++;
          break;
        }
      }
    }
    return (double) hit / expected.length;
  }
}
