package io.graphcf.index;

import io.graphcf.graph.io.MappedFile;
import java.nio.file.Path;

/**
 * An HNSW graph read straight from a verified {@link MappedFile} (layout in {@link HnswFile}): every
 * neighbour read is a mapped {@code getInt}, nothing is copied onto the heap. Read-only and safe
 * for many threads.
 */
final class MappedHnswGraph extends HnswGraph {
  private final MappedFile file;
  private final int m;
  private final int stride0;
  private final int stride1;
  private final int size;
  private final int maxLevel;
  private final int entry;
  private final int numDeleted;
  private final long level0Pos;
  private final long levelsPos;
  private final long upperOffsetPos;
  private final long upperPos;
  private final long deletedPos;

  MappedHnswGraph(MappedFile file, int m, int size, int maxLevel, int entry, int numDeleted, long level0Pos,
      long levelsPos, long upperOffsetPos, long upperPos, long deletedPos) {
    this.file = file;
    this.m = m;
    this.stride0 = 2 * m + 1;
    this.stride1 = m + 1;
    this.size = size;
    this.maxLevel = maxLevel;
    this.entry = entry;
    this.numDeleted = numDeleted;
    this.level0Pos = level0Pos;
    this.levelsPos = levelsPos;
    this.upperOffsetPos = upperOffsetPos;
    this.upperPos = upperPos;
    this.deletedPos = deletedPos;
  }

  Path path() {
    return file.path();
  }

  @Override
  int size() {
    return size;
  }

  @Override
  int maxLevel() {
    return maxLevel;
  }

  @Override
  int entry() {
    return entry;
  }

  @Override
  int level(int node) {
    return file.getInt(levelsPos + 4L * node);
  }

  @Override
  int neighbors(int level, int node, int[] dst) {
    long pos;
    if (level == 0) {
      pos = level0Pos + 4L * node * stride0;
    } else {
      pos = upperPos + 4L * (file.getInt(upperOffsetPos + 4L * node) + (long) (level - 1) * stride1);
    }
    int n = file.getInt(pos);
    pos += 4;
    for (int i = 0; i < n; i++) {
      dst[i] = file.getInt(pos + 4L * i);
    }
    return n;
  }

  @Override
  boolean isDeleted(int node) {
    return numDeleted != 0 && (file.getLong(deletedPos + 8L * (node >>> 6)) & (1L << node)) != 0;
  }

  @Override
  int numDeleted() {
    return numDeleted;
  }

  @Override
  int m() {
    return m;
  }
}
