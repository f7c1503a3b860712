package io.graphcf.graph;

import it.unimi.dsi.fastutil.ints.IntArrayList;

/**
 * What an importer read, before it is written to a store: the id dictionaries and the train and
 * test (user, item) ordinal pairs, possibly with duplicates.
 */
public final class ImportedSplit {
  public final IdMapBuilder users = new IdMapBuilder();
  public final IdMapBuilder items = new IdMapBuilder();
  public final IntArrayList trainUsers = new IntArrayList();
  public final IntArrayList trainItems = new IntArrayList();
  public final IntArrayList testUsers = new IntArrayList();
  public final IntArrayList testItems = new IntArrayList();
  /** Lines skipped under {@code --skip-bad-lines}, and test pairs dropped for unknown ids. */
  public long skippedLines;
  public long droppedTestPairs;

  /** Deduplicated heap form of the split. */
  public Dataset toDataset() {
    int nu = users.size();
    int ni = items.size();
    CsrMatrix train = CsrMatrix.fromPairs(nu, ni, trainUsers.elements(), trainItems.elements(), trainUsers.size());
    CsrMatrix test = CsrMatrix.fromPairs(nu, ni, testUsers.elements(), testItems.elements(), testUsers.size());
    return new Dataset(new Interactions(train), test);
  }
}
