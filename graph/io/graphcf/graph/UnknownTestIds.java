package io.graphcf.graph;

/** What import does with a test user or item that never appears in the training data. */
public enum UnknownTestIds {
  /** Stop with {@code path:line: ...} (the default: usually a mismatched pair of files). */
  ERROR,
  /** Drop those test interactions and count them. */
  DROP,
  /** Keep them as users/items with no training interactions. */
  KEEP
}
