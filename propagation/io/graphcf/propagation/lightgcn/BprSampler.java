package io.graphcf.propagation.lightgcn;

import io.graphcf.graph.CsrMatrix;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The BPR triple sampler of the LightGCN reference code ({@code UniformSample_original}): a user drawn
 * uniformly among the users with training interactions, one of the user's items uniformly as the
 * positive, and an item drawn uniformly from all items as the negative, redrawn while the user has
 * interacted with it (binary search in the user's sorted row). An epoch draws as many triples as
 * there are training interactions.
 */
public final class BprSampler {
  private final CsrMatrix userItems;
  private final int[] activeUsers;

  public BprSampler(CsrMatrix userItems) {
    this.userItems = userItems;
    int[] ptr = userItems.rowPtr();
    int n = 0;
    for (int u = 0; u < userItems.rows(); u++) {
      int d = ptr[u + 1] - ptr[u];
      if (d > 0) {
        if (d >= userItems.cols()) {
          throw new IllegalArgumentException("user " + u + " has interacted with every item (" + d
              + " of " + userItems.cols() + "): no negative can be sampled");
        }
        n++;
      }
    }
    if (n == 0) {
      throw new IllegalArgumentException("no user has a training interaction: " + userItems);
    }
    this.activeUsers = new int[n];
    int w = 0;
    for (int u = 0; u < userItems.rows(); u++) {
      if (ptr[u + 1] > ptr[u]) {
        activeUsers[w++] = u;
      }
    }
  }

  /** Number of users with at least one training interaction. */
  public int activeUsers() {
    return activeUsers.length;
  }

  /**
   * Draws {@code n} triples into {@code users[0..n)}, {@code pos[0..n)}, {@code neg[0..n)}.
   */
  public void sample(SplittableRandom rng, int n, int[] users, int[] pos, int[] neg) {
    int[] ptr = userItems.rowPtr();
    int[] idx = userItems.colIdx();
    int numItems = userItems.cols();
    int[] active = activeUsers;
    for (int b = 0; b < n; b++) {
      int u = active[rng.nextInt(active.length)];
      int s = ptr[u];
      int e = ptr[u + 1];
      int i = idx[s + rng.nextInt(e - s)];
      int j;
      do {
        j = rng.nextInt(numItems);
      } while (Arrays.binarySearch(idx, s, e, j) >= 0);
      users[b] = u;
      pos[b] = i;
      neg[b] = j;
    }
  }
}
