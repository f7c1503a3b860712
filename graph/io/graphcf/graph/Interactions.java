package io.graphcf.graph;

/**
 * A user–item interaction graph on the heap, in both directions: {@link #userItems()} (users ×
 * items) and its transpose {@link #itemUsers()} (items × users). Built once from the store (or from
 * pairs in tests) and shared read-only by every kernel and model.
 */
public final class Interactions {
  private final CsrMatrix userItems;
  private final CsrMatrix itemUsers;

  public Interactions(CsrMatrix userItems) {
    this(userItems, userItems.transpose());
  }

  public Interactions(CsrMatrix userItems, CsrMatrix itemUsers) {
    if (itemUsers.rows() != userItems.cols() || itemUsers.cols() != userItems.rows()
        || itemUsers.nnz() != userItems.nnz()) {
      throw new IllegalArgumentException("itemUsers " + itemUsers + " is not the transpose of userItems " + userItems);
    }
    this.userItems = userItems;
    this.itemUsers = itemUsers;
  }

  /** Builds from {@code n} (user, item) pairs; duplicates collapse. */
  public static Interactions fromPairs(int numUsers, int numItems, int[] users, int[] items, int n) {
    return new Interactions(CsrMatrix.fromPairs(numUsers, numItems, users, items, n));
  }

  public int numUsers() {
    return userItems.rows();
  }

  public int numItems() {
    return userItems.cols();
  }

  public int nnz() {
    return userItems.nnz();
  }

  /** Users × items. */
  public CsrMatrix userItems() {
    return userItems;
  }

  /** Items × users. */
  public CsrMatrix itemUsers() {
    return itemUsers;
  }

  @Override
  public String toString() {
    return "Interactions[users=" + numUsers() + ", items=" + numItems() + ", nnz=" + nnz() + "]";
  }
}
