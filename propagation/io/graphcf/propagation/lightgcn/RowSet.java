package io.graphcf.propagation.lightgcn;

import io.graphcf.graph.CsrMatrix;

/**
 * A set of rows of one side (users or items) kept as a list plus a generation stamp per row, so that
 * building a new set costs the work of its members and never clears an array. A set may instead be
 * "full" (every row), which is how a frontier is treated once a restricted product would no longer
 * pay. {@link #nnz} is the sum of the members' degrees on this side, the work of a product over them.
 */
final class RowSet {
  final int[] rows;
  int size;
  long nnz;
  boolean full;

  RowSet(int capacity) {
    this.rows = new int[capacity];
  }

  void clear() {
    size = 0;
    nnz = 0;
    full = false;
  }

  void setFull(long totalNnz) {
    full = true;
    nnz = totalNnz;
  }

  /**
   * Stamps shared by every set of one side: a row is a member of the set under construction when
   * {@code stamp[row] == generation}.
   */
  static final class Marks {
    final int[] stamp;
    private int generation;

    Marks(int rows) {
      this.stamp = new int[rows];
    }

    /** Starts a new set; previous sets keep their lists but lose their stamps. */
    int next() {
      if (++generation == Integer.MAX_VALUE) {
        java.util.Arrays.fill(stamp, 0);
        generation = 1;
      }
      return generation;
    }
  }

  /** Adds {@code row} if it is not yet stamped with {@code gen}; {@code degrees} is this side's CSR. */
  void add(int row, int gen, int[] stamp, int[] ptr) {
    if (stamp[row] != gen) {
      stamp[row] = gen;
      rows[size++] = row;
      nnz += ptr[row + 1] - ptr[row];
    }
  }

  /**
   * this = base ∪ N(src): the rows of this side adjacent to the rows of {@code src} through
   * {@code srcToThis} (the CSR whose rows are the source side), plus the rows of {@code base}.
   * {@code thisPtr} is the row pointer of this side's own CSR (for the degree sums).
   */
  void unionNeighbours(RowSet base, RowSet src, CsrMatrix srcToThis, int[] thisPtr, Marks marks) {
    clear();
    int gen = marks.next();
    int[] stamp = marks.stamp;
    for (int j = 0; j < base.size; j++) {
      add(base.rows[j], gen, stamp, thisPtr);
    }
    int[] ptr = srcToThis.rowPtr();
    int[] idx = srcToThis.colIdx();
    for (int j = 0; j < src.size; j++) {
      int s = src.rows[j];
      for (int p = ptr[s], e = ptr[s + 1]; p < e; p++) {
        add(idx[p], gen, stamp, thisPtr);
      }
    }
  }

  /** Sorts the members ascending (better locality for gathers) by scanning the stamps when dense. */
  void sort(Marks marks) {
    int n = size;
    if (n < 2) {
      return;
    }
    int total = marks.stamp.length;
    if (n > total >>> 5) {
      int gen = marks.stamp[rows[0]];
      int w = 0;
      int[] stamp = marks.stamp;
      for (int r = 0; r < total; r++) {
        if (stamp[r] == gen) {
          rows[w++] = r;
        }
      }
      assert w == n;
    } else {
      java.util.Arrays.sort(rows, 0, n);
    }
  }
}
