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
   * A checksum of the split at the level of ordinals ({@link ContentChecksum}, 8 hex digits): the same
   * for two datasets holding the same interactions under the same ordinals, whatever they were loaded
   * from (a store, {@link GraphStore#contentChecksum()}, or text files), so a model trained on one can be
   * evaluated or served with the other.
   */
  public String contentChecksum() {
    return ContentChecksum.of(this);
  }

  @Override
  public String toString() {
    return "Dataset[users=" + numUsers() + ", items=" + numItems() + ", train=" + train.nnz() + ", test="
        + test.nnz() + "]";
  }
}
