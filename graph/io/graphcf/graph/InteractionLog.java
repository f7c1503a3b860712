package io.graphcf.graph;

import it.unimi.dsi.fastutil.doubles.DoubleArrayList;
import it.unimi.dsi.fastutil.ints.IntArrayList;

/**
 * A single interaction log as read from a delimited file, before it is split: one record per kept
 * line (user ordinal, item ordinal, optional timestamp), in file order, possibly with repeated
 * (user, item) pairs. Ordinals are assigned by first appearance. {@link Splitter} turns it into an
 * {@link ImportedSplit}.
 */
public final class InteractionLog {
  public final IdMapBuilder users = new IdMapBuilder();
  public final IdMapBuilder items = new IdMapBuilder();
  public final IntArrayList userOf = new IntArrayList();
  public final IntArrayList itemOf = new IntArrayList();
  /** Timestamps per record, or {@code null} when the log has none. */
  public DoubleArrayList timeOf;
  /** Lines skipped under {@code --skip-bad-lines}. */
  public long skippedLines;
  /** Lines whose rating fell below the implicit-feedback threshold. */
  public long belowThreshold;

  public InteractionLog(boolean withTimestamps) {
    this.timeOf = withTimestamps ? new DoubleArrayList() : null;
  }

  public int size() {
    return userOf.size();
  }

  public boolean hasTimestamps() {
    return timeOf != null;
  }

  /** Appends a record; {@code time} is ignored when the log has no timestamps. */
  public void add(String user, String item, double time) {
    userOf.add(users.intern(user));
    itemOf.add(items.intern(item));
    if (timeOf != null) {
      timeOf.add(time);
    }
  }
}
