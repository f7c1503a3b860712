package io.graphcf.propagation.eval;

import io.graphcf.propagation.DenseKernels;

/**
 * Dot-product scores of user and item embeddings, {@code score(u, i) = e_u · e_i} (LightGCN, MF,
 * UltraGCN, LightGCL), computed a block of users at a time with {@link DenseKernels#multTransB}.
 * Embeddings are flat row-major ({@code users[u * dim + k]}). The item embeddings are packed for the
 * kernel once, at construction: the scorer is a snapshot of the items (build a new one after they
 * change); the user embeddings are read at scoring time.
 */
public final class EmbeddingScorer implements ItemRangeScorer {
  private static final ThreadLocal<float[][]> GATHER = ThreadLocal.withInitial(() -> new float[1][0]);

  private final float[] users;
  private final float[] items;
  private final DenseKernels.PackedRows packedItems;
  private final int numUsers;
  private final int numItems;
  private final int dim;

  public EmbeddingScorer(float[] users, float[] items, int numUsers, int numItems, int dim) {
    if (numUsers < 0 || numItems < 0 || dim < 1) {
      throw new IllegalArgumentException("bad shape: numUsers=" + numUsers + ", numItems=" + numItems + ", dim=" + dim);
    }
    if (users.length != (long) numUsers * dim) {
      throw new IllegalArgumentException("users length: expected " + numUsers + " x " + dim + " = "
          + (long) numUsers * dim + ", got " + users.length);
    }
    if (items.length != (long) numItems * dim) {
      throw new IllegalArgumentException("items length: expected " + numItems + " x " + dim + " = "
          + (long) numItems * dim + ", got " + items.length);
    }
    this.users = users;
    this.items = items;
    this.numUsers = numUsers;
    this.numItems = numItems;
    this.dim = dim;
    this.packedItems = DenseKernels.pack(items, 0, numItems, dim);
  }

  @Override
  public int numItems() {
    return numItems;
  }

  public int numUsers() {
    return numUsers;
  }

  public int dim() {
    return dim;
  }

  /** The user embeddings (shared). */
  public float[] users() {
    return users;
  }

  /** The item embeddings (shared; the scorer uses the copy packed at construction). */
  public float[] items() {
    return items;
  }

  @Override
  public void score(int[] userIds, int from, int to, float[] out) {
    scoreItems(userIds, from, to, 0, numItems, out);
  }

  @Override
  public int itemChunk() {
    return packedItems.chunk();
  }

  @Override
  public void scoreItems(int[] userIds, int from, int to, int itemFrom, int itemTo, float[] out) {
    int n = to - from;
    if (from < 0 || n < 0 || to > userIds.length) {
      throw new IllegalArgumentException("user range [" + from + ", " + to + ") outside [0, " + userIds.length + "]");
    }
    if (n == 0) {
      return;
    }
    boolean contiguous = true;
    int u0 = userIds[from];
    for (int b = 0; b < n; b++) {
      int u = userIds[from + b];
      if (u < 0 || u >= numUsers) {
        throw new IllegalArgumentException("user " + u + " outside [0, " + numUsers + ")");
      }
      contiguous &= u == u0 + b;
    }
    if (contiguous) {
      DenseKernels.multTransB(users, u0, n, packedItems, itemFrom, itemTo, out);
      return;
    }
    // gather the block's user rows into per-thread scratch, then one product
    float[][] holder = GATHER.get();
    if (holder[0].length < n * dim) {
      holder[0] = new float[n * dim];
    }
    float[] g = holder[0];
    for (int b = 0; b < n; b++) {
      System.arraycopy(users, userIds[from + b] * dim, g, b * dim, dim);
    }
    DenseKernels.multTransB(g, 0, n, packedItems, itemFrom, itemTo, out);
  }
}
