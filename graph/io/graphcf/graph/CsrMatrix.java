package io.graphcf.graph;

import java.util.Arrays;

/**
 * An immutable binary sparse matrix in compressed sparse row form on the heap: row {@code r} holds
 * the columns {@code colIdx[rowPtr[r] .. rowPtr[r+1])}, sorted ascending and without duplicates.
 * This is the currency of every compute kernel (propagation, SVD, evaluation); the store keeps the
 * same layout in mapped files with {@code long} offsets ({@link MappedCsr}). A heap matrix holds at
 * most {@code 2^31 - 1} non-zeros.
 */
public final class CsrMatrix {
  private final int rows;
  private final int cols;
  private final int[] rowPtr;
  private final int[] colIdx;

  /**
   * Wraps arrays without copying. Checks the invariants (monotone row pointers, sorted distinct
   * columns in range) and throws {@link IllegalArgumentException} naming the first violation.
   */
  public CsrMatrix(int rows, int cols, int[] rowPtr, int[] colIdx) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException("negative shape: rows=" + rows + ", cols=" + cols);
    }
    if (rowPtr.length != rows + 1) {
      throw new IllegalArgumentException("rowPtr length: expected " + (rows + 1) + ", got " + rowPtr.length);
    }
    if (rowPtr[0] != 0 || rowPtr[rows] != colIdx.length) {
      throw new IllegalArgumentException("rowPtr must run from 0 to nnz=" + colIdx.length + ", got "
          + rowPtr[0] + ".." + rowPtr[rows]);
    }
    for (int r = 0; r < rows; r++) {
      int s = rowPtr[r];
      int e = rowPtr[r + 1];
      if (e < s) {
        throw new IllegalArgumentException("rowPtr decreases at row " + r + ": " + s + " > " + e);
      }
      int prev = -1;
      for (int p = s; p < e; p++) {
        int c = colIdx[p];
        if (c <= prev || c >= cols) {
          throw new IllegalArgumentException("row " + r + ": column " + c + " at position " + p
              + " is out of range [0," + cols + ") or not strictly increasing (previous " + prev + ")");
        }
        prev = c;
      }
    }
    this.rows = rows;
    this.cols = cols;
    this.rowPtr = rowPtr;
    this.colIdx = colIdx;
  }

  /**
   * Builds a matrix from {@code n} (row, col) pairs in any order; duplicates collapse to one entry.
   */
  public static CsrMatrix fromPairs(int rows, int cols, int[] pairRows, int[] pairCols, int n) {
    int[] counts = new int[rows + 1];
    for (int k = 0; k < n; k++) {
      int r = pairRows[k];
      int c = pairCols[k];
      if (r < 0 || r >= rows || c < 0 || c >= cols) {
        throw new IllegalArgumentException("pair " + k + " (" + r + ", " + c + ") outside " + rows + " x " + cols);
      }
      counts[r + 1]++;
    }
    for (int r = 0; r < rows; r++) {
      counts[r + 1] += counts[r];
    }
    int[] fill = Arrays.copyOf(counts, rows);
    int[] cols0 = new int[n];
    for (int k = 0; k < n; k++) {
      cols0[fill[pairRows[k]]++] = pairCols[k];
    }
    // Sort each row and squeeze out duplicates in place.
    int[] ptr = new int[rows + 1];
    int w = 0;
    for (int r = 0; r < rows; r++) {
      int s = counts[r];
      int e = counts[r + 1];
      Arrays.sort(cols0, s, e);
      int prev = -1;
      for (int p = s; p < e; p++) {
        int c = cols0[p];
        if (c != prev) {
          cols0[w++] = c;
          prev = c;
        }
      }
      ptr[r + 1] = w;
    }
    return new CsrMatrix(rows, cols, ptr, w == n ? cols0 : Arrays.copyOf(cols0, w));
  }

  /** An all-zero matrix. */
  public static CsrMatrix empty(int rows, int cols) {
    return new CsrMatrix(rows, cols, new int[rows + 1], new int[0]);
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  public int nnz() {
    return colIdx.length;
  }

  public int degree(int row) {
    return rowPtr[row + 1] - rowPtr[row];
  }

  /** The row pointers (length {@code rows + 1}); shared, do not modify. */
  public int[] rowPtr() {
    return rowPtr;
  }

  /** The column indices (length {@code nnz}); shared, do not modify. */
  public int[] colIdx() {
    return colIdx;
  }

  /** Whether entry (row, col) is non-zero; binary search in the row. */
  public boolean contains(int row, int col) {
    return Arrays.binarySearch(colIdx, rowPtr[row], rowPtr[row + 1], col) >= 0;
  }

  /** The transpose, built by counting sort in O(nnz + rows + cols); rows stay sorted. */
  public CsrMatrix transpose() {
    int[] ptr = new int[cols + 1];
    for (int c : colIdx) {
      ptr[c + 1]++;
    }
    for (int c = 0; c < cols; c++) {
      ptr[c + 1] += ptr[c];
    }
    int[] fill = Arrays.copyOf(ptr, cols);
    int[] idx = new int[colIdx.length];
    for (int r = 0; r < rows; r++) {
      for (int p = rowPtr[r]; p < rowPtr[r + 1]; p++) {
        idx[fill[colIdx[p]]++] = r;
      }
    }
    return new CsrMatrix(cols, rows, ptr, idx);
  }

  /** Degrees of all rows. */
  public int[] degrees() {
    int[] d = new int[rows];
    for (int r = 0; r < rows; r++) {
      d[r] = rowPtr[r + 1] - rowPtr[r];
    }
    return d;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CsrMatrix)) {
      return false;
    }
    CsrMatrix m = (CsrMatrix) o;
    return rows == m.rows && cols == m.cols && Arrays.equals(rowPtr, m.rowPtr) && Arrays.equals(colIdx, m.colIdx);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * rows + cols) + Arrays.hashCode(colIdx);
  }

  @Override
  public String toString() {
    return "CsrMatrix[" + rows + " x " + cols + ", nnz=" + nnz() + "]";
  }
}
