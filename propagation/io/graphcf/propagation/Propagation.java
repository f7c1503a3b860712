package io.graphcf.propagation;

/**
 * The public facade of the propagation kernels: checks shapes and throws with the actual values,
 * then runs the package-private kernels in parallel over nnz-balanced row ranges. One LightGCN layer
 * (He et al., "LightGCN: Simplifying and Powering Graph Convolution Network for Recommendation",
 * SIGIR 2020, eq. 7) is E^(k+1) = Â E^(k) with Â = D^-1/2 A D^-1/2: {@link #propagate}, or its two
 * half-products {@link #usersFromItems} and {@link #itemsFromUsers}. The row-subset gathers and the
 * scatters serve a backward pass that carries gradient on a batch's rows only.
 */
public final class Propagation {
  private Propagation() {}

  /**
   * One application of Â to the stacked embeddings [users; items]: outUsers = R̃ · items and
   * outItems = R̃ᵀ · users, both halves in one parallel pass (one barrier instead of two). Equal,
   * bit for bit, to {@link #usersFromItems} followed by {@link #itemsFromUsers}.
   */
  public static void propagate(NormalizedAdjacency a, float[] users, float[] items, int dim, float[] outUsers,
      float[] outItems, Workers workers) {
    checkShape("users", users, a.numUsers(), dim);
    checkShape("items", items, a.numItems(), dim);
    checkShape("outUsers", outUsers, a.numUsers(), dim);
    checkShape("outItems", outItems, a.numItems(), dim);
    if (outUsers == users || outUsers == items || outItems == users || outItems == items || outUsers == outItems) {
      throw new IllegalArgumentException("outputs must not alias the inputs or each other");
    }
    int[] uPtr = a.graph().userItems().rowPtr();
    int[] uIdx = a.graph().userItems().colIdx();
    float[] uw = a.userWeights();
    int[] iPtr = a.graph().itemUsers().rowPtr();
    int[] iIdx = a.graph().itemUsers().colIdx();
    float[] iw = a.itemWeights();
    int[] ub = a.userPartition();
    int[] ib = a.itemPartition();
    int nu = ub.length - 1;
    workers.run(nu + ib.length - 1, t -> {
      if (t < nu) {
        SparseKernels.gather(uPtr, uIdx, uw, items, dim, outUsers, ub[t], ub[t + 1]);
      } else {
        SparseKernels.gather(iPtr, iIdx, iw, users, dim, outItems, ib[t - nu], ib[t - nu + 1]);
      }
    });
  }

  /**
   * Whether the SIMD kernels run ({@code jdk.incubator.vector} present and not disabled with
   * {@code -Dgraphcf.vector=false}); other SIMD code follows the same switch.
   */
  public static boolean vectorKernels() {
    return SparseKernels.VECTOR;
  }

  /** Receives the rows of a product block by block (see {@link #propagateBlocks}). */
  @FunctionalInterface
  public interface RowBlocks {
    /**
     * Rows {@code [from, from + n)} of the users' half ({@code users} true: R̃ · items) or the items'
     * half (R̃ᵀ · users) of Â·X, row-major in {@code block[0 .. n·dim)}. The block is scratch that the
     * next call overwrites; calls for disjoint row ranges run concurrently.
     */
    void accept(boolean users, int from, int n, float[] block);
  }

  /** Rows per block of {@link #propagateBlocks}: 32 rows of dim 64 are 8 KiB, resident in L1. */
  public static final int BLOCK_ROWS = 32;

  /** Scratch for {@link #propagateBlocks}: one block per task; allocate once and reuse. */
  public static float[][] blockScratch(NormalizedAdjacency a, int dim) {
    return new float[a.userPartition().length + a.itemPartition().length - 2][BLOCK_ROWS * dim];
  }

  /**
   * One application of Â as {@link #propagate} computes it, bit for bit, but handed to {@code sink} in
   * blocks of at most {@link #BLOCK_ROWS} consecutive rows instead of written to output arrays: a
   * consumer that needs each row once (an optimiser step on a gradient) reads it from L1 and the
   * product never writes, or re-reads, a full-size output. Parallel over the same nnz-balanced ranges.
   */
  public static void propagateBlocks(NormalizedAdjacency a, float[] users, float[] items, int dim, float[][] scratch,
      RowBlocks sink, Workers workers) {
    checkShape("users", users, a.numUsers(), dim);
    checkShape("items", items, a.numItems(), dim);
    int[] ub = a.userPartition();
    int[] ib = a.itemPartition();
    int nu = ub.length - 1;
    int tasks = nu + ib.length - 1;
    if (scratch.length < tasks) {
      throw new IllegalArgumentException("scratch blocks: expected >= " + tasks + ", got " + scratch.length);
    }
    for (float[] b : scratch) {
      if (b.length < BLOCK_ROWS * dim) {
        throw new IllegalArgumentException("scratch block length: expected >= " + (BLOCK_ROWS * dim) + ", got "
            + b.length);
      }
    }
    int[] uPtr = a.graph().userItems().rowPtr();
    int[] uIdx = a.graph().userItems().colIdx();
    float[] uw = a.userWeights();
    int[] iPtr = a.graph().itemUsers().rowPtr();
    int[] iIdx = a.graph().itemUsers().colIdx();
    float[] iw = a.itemWeights();
    workers.run(tasks, t -> {
      boolean u = t < nu;
      int from = u ? ub[t] : ib[t - nu];
      int to = u ? ub[t + 1] : ib[t - nu + 1];
      float[] block = scratch[t];
      for (int r = from; r < to; r += BLOCK_ROWS) {
        int end = Math.min(to, r + BLOCK_ROWS);
        if (u) {
          SparseKernels.gatherBlock(uPtr, uIdx, uw, items, dim, r, end, block);
        } else {
          SparseKernels.gatherBlock(iPtr, iIdx, iw, users, dim, r, end, block);
        }
        sink.accept(u, r, end - r, block);
      }
    });
  }

  /** outUsers = R̃ · items: {@code outUsers[u,:] = Σ_i Â[u,i] · items[i,:]}. */
  public static void usersFromItems(NormalizedAdjacency a, float[] items, int dim, float[] outUsers, Workers workers) {
    usersFromItems(a, a.userWeights(), items, dim, outUsers, workers);
  }

  /** outItems = R̃ᵀ · users: {@code outItems[i,:] = Σ_u Â[i,u] · users[u,:]}. */
  public static void itemsFromUsers(NormalizedAdjacency a, float[] users, int dim, float[] outItems, Workers workers) {
    itemsFromUsers(a, a.itemWeights(), users, dim, outItems, workers);
  }

  /**
   * outUsers = W · items where W has R̃'s sparsity and the caller's edge weights {@code userWeights}
   * (aligned with {@code a.graph().userItems().colIdx()}, e.g. R̃ with edge dropout applied).
   */
  public static void usersFromItems(NormalizedAdjacency a, float[] userWeights, float[] items, int dim,
      float[] outUsers, Workers workers) {
    checkShape("items", items, a.numItems(), dim);
    checkShape("outUsers", outUsers, a.numUsers(), dim);
    checkWeights("userWeights", userWeights, a);
    checkDistinct(outUsers, items);
    int[] ptr = a.graph().userItems().rowPtr();
    int[] idx = a.graph().userItems().colIdx();
    int[] b = a.userPartition();
    workers.run(b.length - 1, t -> SparseKernels.gather(ptr, idx, userWeights, items, dim, outUsers, b[t], b[t + 1]));
  }

  /**
   * outItems = Wᵀ · users with the caller's edge weights {@code itemWeights} aligned with
   * {@code a.graph().itemUsers().colIdx()} (e.g. R̃ᵀ with edge dropout applied).
   */
  public static void itemsFromUsers(NormalizedAdjacency a, float[] itemWeights, float[] users, int dim,
      float[] outItems, Workers workers) {
    checkShape("users", users, a.numUsers(), dim);
    checkShape("outItems", outItems, a.numItems(), dim);
    checkWeights("itemWeights", itemWeights, a);
    checkDistinct(outItems, users);
    int[] ptr = a.graph().itemUsers().rowPtr();
    int[] idx = a.graph().itemUsers().colIdx();
    int[] b = a.itemPartition();
    workers.run(b.length - 1, t -> SparseKernels.gather(ptr, idx, itemWeights, users, dim, outItems, b[t], b[t + 1]));
  }

  /**
   * outUsers = R̃ · items on the listed user rows only: for each {@code u = rows[j]}, {@code j < nRows},
   * {@code outUsers[u,:] = Σ_i Â[u,i] · items[i,:]}; all other rows of {@code outUsers} are left as they
   * are. The rows must be distinct and in range; the work is split over the list balanced by degree.
   */
  public static void usersFromItemsRows(NormalizedAdjacency a, float[] items, int dim, float[] outUsers,
      int[] rows, int nRows, Workers workers) {
    checkShape("items", items, a.numItems(), dim);
    checkShape("outUsers", outUsers, a.numUsers(), dim);
    checkRows("rows", rows, nRows, a.numUsers(), "numUsers");
    int[] ptr = a.graph().userItems().rowPtr();
    int[] idx = a.graph().userItems().colIdx();
    float[] w = a.userWeights();
    int[] b = RowPartition.byNnz(ptr, rows, nRows, rowTasks(workers, nRows));
    workers.run(b.length - 1, t -> SparseKernels.gatherRows(ptr, idx, w, items, dim, outUsers, rows, b[t], b[t + 1]));
  }

  /**
   * outItems = R̃ᵀ · users on the listed item rows only: for each {@code i = rows[j]}, {@code j < nRows},
   * {@code outItems[i,:] = Σ_u Â[i,u] · users[u,:]}; all other rows of {@code outItems} are left as they
   * are. The rows must be distinct and in range; the work is split over the list balanced by degree.
   */
  public static void itemsFromUsersRows(NormalizedAdjacency a, float[] users, int dim, float[] outItems,
      int[] rows, int nRows, Workers workers) {
    checkShape("users", users, a.numUsers(), dim);
    checkShape("outItems", outItems, a.numItems(), dim);
    checkRows("rows", rows, nRows, a.numItems(), "numItems");
    int[] ptr = a.graph().itemUsers().rowPtr();
    int[] idx = a.graph().itemUsers().colIdx();
    float[] w = a.itemWeights();
    int[] b = RowPartition.byNnz(ptr, rows, nRows, rowTasks(workers, nRows));
    workers.run(b.length - 1, t -> SparseKernels.gatherRows(ptr, idx, w, users, dim, outItems, rows, b[t], b[t + 1]));
  }

  /**
   * outItems += R̃ᵀ · users restricted to the listed user rows, as if every other row of {@code users}
   * were zero: for each {@code u = srcUsers[j]}, {@code j < nSrc}, and each item i of u,
   * {@code outItems[i,:] += Â[i,u] · users[u,:]}. Cost is the listed users' degrees, not the graph's
   * size. The rows must be distinct and in range. Single-threaded.
   */
  public static void scatterItemsFromUsers(NormalizedAdjacency a, float[] users, int dim, int[] srcUsers, int nSrc,
      float[] outItems) {
    scatterItemsFromUsers(a, users, dim, srcUsers, nSrc, outItems, null);
  }

  /**
   * {@link #scatterItemsFromUsers(NormalizedAdjacency, float[], int, int[], int, float[])} on
   * {@code workers}: the item rows are split into nnz-balanced ranges and every task pushes all the
   * sources' edges that land in its range (found by binary search in the sorted CSR rows), so no two
   * tasks write one row and no atomics are needed. Bit-identical to the single-threaded call.
   */
  public static void scatterItemsFromUsers(NormalizedAdjacency a, float[] users, int dim, int[] srcUsers, int nSrc,
      float[] outItems, Workers workers) {
    checkShape("users", users, a.numUsers(), dim);
    checkShape("outItems", outItems, a.numItems(), dim);
    checkRows("srcUsers", srcUsers, nSrc, a.numUsers(), "numUsers");
    checkDistinct(outItems, users);
    // R̃ᵀ[i,u] = R̃[u,i] = userWeights at the edge (u,i) of userItems: push along the users' rows.
    scatterByTargetRanges(a.graph().userItems().rowPtr(), a.graph().userItems().colIdx(), a.userWeights(), users,
        dim, srcUsers, nSrc, outItems, a.graph().itemUsers().rowPtr(), workers);
  }

  /**
   * outUsers += R̃ · items restricted to the listed item rows, as if every other row of {@code items}
   * were zero: for each {@code i = srcItems[j]}, {@code j < nSrc}, and each user u of i,
   * {@code outUsers[u,:] += Â[u,i] · items[i,:]}. The rows must be distinct and in range.
   * Single-threaded.
   */
  public static void scatterUsersFromItems(NormalizedAdjacency a, float[] items, int dim, int[] srcItems, int nSrc,
      float[] outUsers) {
    scatterUsersFromItems(a, items, dim, srcItems, nSrc, outUsers, null);
  }

  /** The parallel form of {@link #scatterUsersFromItems(NormalizedAdjacency, float[], int, int[], int, float[])}. */
  public static void scatterUsersFromItems(NormalizedAdjacency a, float[] items, int dim, int[] srcItems, int nSrc,
      float[] outUsers, Workers workers) {
    checkShape("items", items, a.numItems(), dim);
    checkShape("outUsers", outUsers, a.numUsers(), dim);
    checkRows("srcItems", srcItems, nSrc, a.numItems(), "numItems");
    checkDistinct(outUsers, items);
    scatterByTargetRanges(a.graph().itemUsers().rowPtr(), a.graph().itemUsers().colIdx(), a.itemWeights(), items,
        dim, srcItems, nSrc, outUsers, a.graph().userItems().rowPtr(), workers);
  }

  /** Runs the scatter whole ({@code workers} null or single-threaded) or over target-row ranges. */
  private static void scatterByTargetRanges(int[] ptr, int[] idx, float[] w, float[] x, int dim, int[] src, int n,
      float[] out, int[] targetPtr, Workers workers) {
    if (workers == null || workers.threads() == 1 || n == 0) {
      SparseKernels.scatter(ptr, idx, w, x, dim, src, n, out, 0, Integer.MAX_VALUE);
      return;
    }
    // ranges balanced by the targets' degrees; two per thread so a preempted thread is covered
    int[] b = RowPartition.byNnz(targetPtr, 2 * workers.threads());
    workers.run(b.length - 1, t -> SparseKernels.scatter(ptr, idx, w, x, dim, src, n, out, b[t], b[t + 1]));
  }

  /** Four ranges per thread (handed out dynamically), at most one per listed row. */
  private static int rowTasks(Workers workers, int nRows) {
    return workers.threads() == 1 ? 1 : Math.max(1, Math.min(4 * workers.threads(), nRows));
  }

  /** Checks {@code 0 <= n <= list.length} and that {@code list[0..n)} are distinct and in {@code [0, bound)}. */
  static void checkRows(String name, int[] list, int n, int bound, String boundName) {
    if (n < 0 || n > list.length) {
      throw new IllegalArgumentException("n" + name.substring(0, 1).toUpperCase() + name.substring(1)
          + " out of range: expected 0.." + list.length + " (" + name + ".length), got " + n);
    }
    long[] seen = ROW_BITS.get();
    if (seen.length < (bound + 63) >>> 6) {
      seen = new long[(bound + 63) >>> 6];
      ROW_BITS.set(seen);
    }
    int j = 0;
    try {
      for (; j < n; j++) {
        int r = list[j];
        if (r < 0 || r >= bound) {
          throw new IllegalArgumentException(name + "[" + j + "] out of range: expected 0.." + (bound - 1)
              + " (" + boundName + "=" + bound + "), got " + r);
        }
        long bit = 1L << r;
        if ((seen[r >>> 6] & bit) != 0) {
          throw new IllegalArgumentException(name + "[" + j + "] = " + r + " is listed twice; rows must be distinct");
        }
        seen[r >>> 6] |= bit;
      }
    } finally {
      // clear only the words this call set: O(n), not O(bound)
      for (int c = 0; c < j; c++) {
        int r = list[c];
        seen[r >>> 6] = 0;
      }
    }
  }

  /** Per-thread bitset of {@link #checkRows}, kept all-zero between calls. */
  private static final ThreadLocal<long[]> ROW_BITS = ThreadLocal.withInitial(() -> new long[0]);

  private static void checkWeights(String name, float[] w, NormalizedAdjacency a) {
    if (w.length != a.graph().nnz()) {
      throw new IllegalArgumentException(name + " length: expected nnz=" + a.graph().nnz() + ", got " + w.length);
    }
  }

  private static void checkDistinct(float[] out, float[] in) {
    if (out == in) {
      throw new IllegalArgumentException("the output must not alias the input");
    }
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
