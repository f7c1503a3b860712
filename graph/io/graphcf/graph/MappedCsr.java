package io.graphcf.graph;

import io.graphcf.graph.io.BinaryFileWriter;
import io.graphcf.graph.io.CorruptFileException;
import io.graphcf.graph.io.FileFormat;
import io.graphcf.graph.io.MappedFile;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A binary sparse matrix in compressed sparse row form, memory-mapped from a graphcf container
 * (magic {@code CSR1}). Payload, little-endian:
 *
 * <pre>
 *   long rows, long cols, long nnz
 *   long rowStart[rows + 1]      // rowStart[0] = 0, rowStart[rows] = nnz, non-decreasing
 *   int  col[nnz]                // each row's columns strictly increasing, in [0, cols)
 * </pre>
 *
 * Offsets are {@code long} and the file is mapped in chunks ({@link MappedFile}), so a matrix may
 * hold more than 2^31 non-zeros; only {@link #toHeap()} is limited to heap sizes. Opening verifies
 * the container (magic, version, length, CRC32C) and then the structure (lengths, monotone offsets,
 * sorted in-range columns) in one pass. Instances are immutable and safe to share between threads.
 */
public final class MappedCsr implements Closeable {
  static final int MAGIC = FileFormat.magic("CSR1");
  static final int VERSION = 1;
  private static final long HEADER = FileFormat.HEADER_BYTES + 24;

  private final MappedFile file;
  private final int rows;
  private final int cols;
  private final long nnz;
  private final long offsetsBase;
  private final long colsBase;

  private MappedCsr(MappedFile file, int rows, int cols, long nnz) {
    this.file = file;
    this.rows = rows;
    this.cols = cols;
    this.nnz = nnz;
    this.offsetsBase = HEADER;
    this.colsBase = HEADER + 8L * (rows + 1);
  }

  /** Writes a heap matrix to {@code path} (temporary name, fsync, rename). */
  public static void write(Path path, CsrMatrix m) throws IOException {
    try (BinaryFileWriter w = BinaryFileWriter.create(path, MAGIC, VERSION)) {
      int rows = m.rows();
      int[] ptr = m.rowPtr();
      w.putLong(rows).putLong(m.cols()).putLong(m.nnz());
      long[] block = new long[Math.min(rows + 1, 1 << 16)];
      for (int r0 = 0; r0 <= rows; r0 += block.length) {
        int n = Math.min(block.length, rows + 1 - r0);
        for (int k = 0; k < n; k++) {
          block[k] = ptr[r0 + k];
        }
        w.putLongs(block, 0, n);
      }
      w.putInts(m.colIdx(), 0, m.nnz());
      w.commit();
    }
  }

  /** Maps and verifies {@code path}; throws {@link CorruptFileException} naming the file and the problem. */
  public static MappedCsr open(Path path) throws IOException {
    MappedFile f = MappedFile.open(path, MAGIC, VERSION);
    f.checkRange(FileFormat.HEADER_BYTES, 24, "CSR header");
    long rows = f.getLong(FileFormat.HEADER_BYTES);
    long cols = f.getLong(FileFormat.HEADER_BYTES + 8);
    long nnz = f.getLong(FileFormat.HEADER_BYTES + 16);
    if (rows < 0 || rows >= Integer.MAX_VALUE || cols < 0 || cols > Integer.MAX_VALUE || nnz < 0) {
      throw new CorruptFileException(path, FileFormat.HEADER_BYTES, "bad CSR shape: rows=" + rows + ", cols="
          + cols + ", nnz=" + nnz);
    }
    long expectedEnd = HEADER + 8 * (rows + 1) + 4 * nnz;
    long padded = (expectedEnd + 7) & ~7L;
    if (padded != f.payloadEnd()) {
      throw new CorruptFileException(path, "payload length mismatch: rows=" + rows + ", nnz=" + nnz
          + " need the payload to end at " + padded + ", it ends at " + f.payloadEnd());
    }
    MappedCsr m = new MappedCsr(f, (int) rows, (int) cols, nnz);
    m.validate();
    return m;
  }

  private void validate() throws CorruptFileException {
    long prevStart = rowStart(0);
    if (prevStart != 0) {
      throw new CorruptFileException(file.path(), offsetsBase, "rowStart[0] must be 0, got " + prevStart);
    }
    for (int r = 0; r < rows; r++) {
      long e = rowStart(r + 1);
      if (e < prevStart || e > nnz) {
        throw new CorruptFileException(file.path(), offsetsBase + 8L * (r + 1), "rowStart[" + (r + 1) + "]="
            + e + " outside [" + prevStart + ", " + nnz + "]");
      }
      int prev = -1;
      for (long p = prevStart; p < e; p++) {
        int c = col(p);
        if (c <= prev || c >= cols) {
          throw new CorruptFileException(file.path(), colsBase + 4 * p, "row " + r + ": column " + c
              + " out of range [0," + cols + ") or not after " + prev);
        }
        prev = c;
      }
      prevStart = e;
    }
    if (prevStart != nnz) {
      throw new CorruptFileException(file.path(), offsetsBase + 8L * rows, "rowStart[rows]=" + prevStart
          + ", expected nnz=" + nnz);
    }
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  /** Number of non-zeros; may exceed {@code Integer.MAX_VALUE}. */
  public long nnz() {
    return nnz;
  }

  /** Position of row {@code r}'s first column in the column array ({@code r} in {@code [0, rows]}). */
  public long rowStart(int r) {
    return file.getLong(offsetsBase + 8L * r);
  }

  /** One past row {@code r}'s last column position. */
  public long rowEnd(int r) {
    return file.getLong(offsetsBase + 8L * (r + 1));
  }

  public int degree(int r) {
    return (int) (rowEnd(r) - rowStart(r));
  }

  /** The column at position {@code pos} of the column array. */
  public int col(long pos) {
    return file.getInt(colsBase + 4 * pos);
  }

  /** Copies row {@code r}'s columns into {@code dst[off..]} and returns how many were copied. */
  public int copyRow(int r, int[] dst, int off) {
    long s = rowStart(r);
    int d = (int) (rowEnd(r) - s);
    if (off < 0 || off + d > dst.length) {
      throw new IllegalArgumentException("row " + r + " has " + d + " columns; dst has room for "
          + (dst.length - off) + " at offset " + off);
    }
    file.getInts(colsBase + 4 * s, dst, off, d);
    return d;
  }

  /** Whether (row, col) is non-zero; binary search in the row. */
  public boolean contains(int row, int col) {
    return indexOf(row, col) >= 0;
  }

  /** Position of {@code col} in row {@code row}, or -1. */
  public long indexOf(int row, int col) {
    long lo = rowStart(row);
    long hi = rowEnd(row) - 1;
    while (lo <= hi) {
      long mid = (lo + hi) >>> 1;
      int c = col(mid);
      if (c < col) {
        lo = mid + 1;
      } else if (c > col) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  /** Degrees of all rows. */
  public int[] degrees() {
    int[] d = new int[rows];
    long prev = rowStart(0);
    for (int r = 0; r < rows; r++) {
      long e = rowStart(r + 1);
      d[r] = (int) (e - prev);
      prev = e;
    }
    return d;
  }

  /**
   * Copies the matrix onto the heap.
   *
   * @throws IllegalStateException if the matrix has more than {@code 2^31 - 1} non-zeros, the limit
   *     of a heap {@link CsrMatrix}
   */
  public CsrMatrix toHeap() {
    if (nnz > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException(file.path() + ": nnz=" + nnz + " exceeds the heap CsrMatrix limit of "
          + (Integer.MAX_VALUE - 8) + " non-zeros; use the mapped matrix");
    }
    long[] starts = new long[rows + 1];
    file.getLongs(offsetsBase, starts, 0, rows + 1);
    int[] ptr = new int[rows + 1];
    for (int r = 0; r <= rows; r++) {
      ptr[r] = (int) starts[r];
    }
    int[] idx = new int[(int) nnz];
    file.getInts(colsBase, idx, 0, (int) nnz);
    return new CsrMatrix(rows, cols, ptr, idx);
  }

  /** The CRC32C of the file's content, as recorded in its footer. */
  public long checksum() {
    return file.storedChecksum();
  }

  public long fileBytes() {
    return file.length();
  }

  public Path path() {
    return file.path();
  }

  @Override
  public void close() {
    file.close();
  }

  @Override
  public String toString() {
    return "MappedCsr[" + rows + " x " + cols + ", nnz=" + nnz + ", " + file.path() + "]";
  }
}
