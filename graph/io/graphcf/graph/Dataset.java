package io.graphcf.graph;

/**
 * A train/test split on the heap, in dense ordinals: the training graph (both directions) and the
 * held-out test interactions (users × items). Test may be empty (a model trained on all data).
 */
public final class Dataset {
  private final Interactions train;
  private final CsrMatrix test;

  public Dataset(Interactions train, CsrMatrix test) {
    if (test.rows() != train.numUsers() || test.cols() != train.numItems()) {
      throw new IllegalArgumentException("test shape " + test.rows() + " x " + test.cols()
          + " does not match train " + train.numUsers() + " x " + train.numItems());
    }
    this.train = train;
    this.test = test;
  }

  public Interactions train() {
    return train;
  }

  /** Users × items held-out interactions. */
  public CsrMatrix test() {
    return test;
  }

  public int numUsers() {
    return train.numUsers();
  }

  public int numItems() {
    return train.numItems();
  }

  /**
   * A checksum of the split at the level of ordinals: the counts and both matrices' user → item CSR
   * (CRC32C, 8 hex digits). Two datasets with the same value hold the same interactions under the same
   * ordinals, whatever they were loaded from (a store or text files), so a model trained on one can be
   * evaluated on the other.
   */
  public String contentChecksum() {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1 << 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putInt(numUsers()).putInt(numItems());
    CsrMatrix[] parts = {train.userItems(), test};
    for (CsrMatrix m : parts) {
      for (int[] a : new int[][] {m.rowPtr(), m.colIdx()}) {
        b.putInt(a.length);
        for (int x : a) {
          if (b.remaining() < Integer.BYTES) {
            crc.update(b.flip());
            b.clear();
          }
          b.putInt(x);
        }
      }
    }
    crc.update(b.flip());
    return String.format("%08x", crc.getValue());
  }

  @Override
  public String toString() {
    return "Dataset[users=" + numUsers() + ", items=" + numItems() + ", train=" + train.nnz() + ", test="
        + test.nnz() + "]";
  }
}
