package io.graphcf.propagation;

/**
 * The public facade of the propagation kernels: checks shapes and throws with the actual values,
 * then runs the package-private kernels in parallel over nnz-balanced row ranges.
 */
public final class Propagation {
  private Propagation() {}

  /** outUsers = R̃ · items: {@code outUsers[u,:] = Σ_i Â[u,i] · items[i,:]}. */
  public static void usersFromItems(NormalizedAdjacency a, float[] items, int dim, float[] outUsers, Workers workers) {
    checkShape("items", items, a.numItems(), dim);
    checkShape("outUsers", outUsers, a.numUsers(), dim);
    int[] ptr = a.graph().userItems().rowPtr();
    int[] idx = a.graph().userItems().colIdx();
    float[] w = a.userWeights();
    int[] b = a.userPartition();
    workers.run(b.length - 1, t -> SparseKernels.gather(ptr, idx, w, items, dim, outUsers, b[t], b[t + 1]));
  }

  /** outItems = R̃ᵀ · users: {@code outItems[i,:] = Σ_u Â[i,u] · users[u,:]}. */
  public static void itemsFromUsers(NormalizedAdjacency a, float[] users, int dim, float[] outItems, Workers workers) {
    checkShape("users", users, a.numUsers(), dim);
    checkShape("outItems", outItems, a.numItems(), dim);
    int[] ptr = a.graph().itemUsers().rowPtr();
    int[] idx = a.graph().itemUsers().colIdx();
    float[] w = a.itemWeights();
    int[] b = a.itemPartition();
    workers.run(b.length - 1, t -> SparseKernels.gather(ptr, idx, w, users, dim, outItems, b[t], b[t + 1]));
  }

  static void checkShape(String name, float[] m, int rows, int dim) {
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be >= 1, got " + dim);
    }
    if (m.length != (long) rows * dim) {
      throw new IllegalArgumentException(name + " length mismatch: expected " + rows + " x " + dim + " = "
          + ((long) rows * dim) + ", got " + m.length);
    }
  }
}
