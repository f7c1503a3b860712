package io.graphcf.propagation;

/**
 * Splits the rows of a CSR matrix into contiguous ranges of about equal work ({@code nnz + rows}),
 * so that parallel kernels write disjoint row ranges without atomics.
 */
public final class RowPartition {
  private RowPartition() {}

  /**
   * Returns {@code parts + 1} bounds; range {@code k} is rows {@code [bounds[k], bounds[k+1])}.
   * Each row also costs one unit so that runs of empty rows are spread too.
   */
  public static int[] byNnz(int[] rowPtr, int parts) {
    int rows = rowPtr.length - 1;
    if (parts < 1) {
      throw new IllegalArgumentException("parts must be >= 1, got " + parts);
    }
    int[] bounds = new int[parts + 1];
    long total = (long) rowPtr[rows] + rows;
    int r = 0;
    for (int k = 1; k < parts; k++) {
      long target = total * k / parts;
      while (r < rows && (long) rowPtr[r] + r < target) {
        r++;
      }
      bounds[k] = r;
    }
    bounds[parts] = rows;
    return bounds;
  }

  /**
   * Bounds over a row list: {@code parts + 1} positions into {@code rows[0..n)}, range {@code k} is
   * list positions {@code [bounds[k], bounds[k+1])}, balanced by {@code degree + 1} of the listed rows.
   */
  public static int[] byNnz(int[] rowPtr, int[] rows, int n, int parts) {
    if (parts < 1) {
      throw new IllegalArgumentException("parts must be >= 1, got " + parts);
    }
    long total = 0;
    for (int j = 0; j < n; j++) {
      total += rowPtr[rows[j] + 1] - rowPtr[rows[j]] + 1;
    }
    int[] bounds = new int[parts + 1];
    long acc = 0;
    int j = 0;
    for (int k = 1; k < parts; k++) {
      long target = total * k / parts;
      while (j < n && acc < target) {
        acc += rowPtr[rows[j] + 1] - rowPtr[rows[j]] + 1;
        j++;
      }
      bounds[k] = j;
    }
    bounds[parts] = n;
    return bounds;
  }
}
