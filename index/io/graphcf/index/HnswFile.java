package io.graphcf.index;

import io.graphcf.graph.io.BinaryFileWriter;
import io.graphcf.graph.io.CorruptFileException;
import io.graphcf.graph.io.FileFormat;
import io.graphcf.graph.io.MappedFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The HNSW index file: a graphcf container (magic {@code HNSW}, version 2, CRC32C footer, written
 * to a temporary name and renamed). Payload, little-endian:
 * <pre>
 *   int transform, int m, int efConstruction, int dim, long seed,
 *   int size, int maxLevel, int entry, int numDeleted, float maxNorm, int upperLength,
 *   long vectorsCrc32c                          // of the vectors the graph was built on
 *   int searchBeam, int searchBeamK, float searchBeamRecall, int reserved   // version 2 only; 0, 0, NaN if not tuned
 *   int level0[size * (2m + 1)]                 // per node: count, then up to 2m neighbours
 *   int levels[size], int upperOffset[size]     // top level; start of levels ≥ 1 in upper (-1 if none)
 *   int upper[upperLength]                      // per node and level ≥ 1: count, then up to m neighbours
 *   (pad to 8) long deleted[(size + 63) / 64]   // tombstone bits
 * </pre>
 * The vectors are NOT stored: they are the model's item embedding, already verified by the model
 * reader; the checksum of the vectors is kept so that an index built on other vectors is refused.
 * After {@link HnswIndex#add} the caller keeps (and saves) the grown vectors beside the index.
 * Version 1 files (no beam fields) are still read; their beam is the untuned default.
 */
final class HnswFile {
  static final int MAGIC = FileFormat.magic("HNSW");
  static final int VERSION = 2;
  /** Payload bytes before the graph arrays, by version. */
  private static final int FIELDS_V1 = 56;
  private static final int FIELDS_V2 = 72;

  private HnswFile() {}

  static void write(HnswIndex idx, Path path) throws IOException {
    HnswGraph graph = idx.graph;
    if (!(graph instanceof HeapHnswGraph)) {
      throw new IllegalStateException("index is already a mapped file: " + ((MappedHnswGraph) graph).path());
    }
    HeapHnswGraph g = (HeapHnswGraph) graph;
    try (BinaryFileWriter w = BinaryFileWriter.create(path, MAGIC, VERSION)) {
      w.putInt(idx.transform.ordinal()).putInt(g.m).putInt(idx.efConstruction).putInt(idx.dim).putLong(idx.seed);
      w.putInt(g.size).putInt(g.maxLevel).putInt(g.entry).putInt(g.numDeleted).putFloat(idx.maxNorm)
          .putInt(g.upperUsed);
      w.putLong(vectorsCrc(idx.vectors, g.size, idx.dim));
      w.putInt(idx.isSearchBeamTuned() ? idx.searchBeam() : 0).putInt(idx.searchBeamK())
          .putFloat(idx.searchBeamRecall()).putInt(0);
      w.putInts(g.level0, 0, g.size * g.stride0);
      w.putInts(g.levels, 0, g.size);
      w.putInts(g.upperOffset, 0, g.size);
      w.putInts(g.upper, 0, g.upperUsed);
      w.align(8);
      w.putLongs(g.deleted, 0, (g.size + 63) >>> 6);
      w.commit();
    }
  }

  static HnswIndex open(Path path, float[] vectors, int numItems, int dim) throws IOException {
    MappedFile f = MappedFile.open(path, MAGIC, VERSION);
    long p = f.payloadStart();
    int fields = f.version() == 1 ? FIELDS_V1 : FIELDS_V2;
    f.checkRange(p, fields, "index header");
    int transform = f.getInt(p);
    int m = f.getInt(p + 4);
    int efConstruction = f.getInt(p + 8);
    int fileDim = f.getInt(p + 12);
    long seed = f.getLong(p + 16);
    int size = f.getInt(p + 24);
    int maxLevel = f.getInt(p + 28);
    int entry = f.getInt(p + 32);
    int numDeleted = f.getInt(p + 36);
    float maxNorm = f.getFloat(p + 40);
    int upperLength = f.getInt(p + 44);
    long crc = f.getLong(p + 48);
    if (transform < 0 || transform >= MipsTransform.values().length || m < 2 || m > 512 || size < 0
        || upperLength < 0 || maxLevel < -1 || maxLevel > 30 || (size > 0 && (entry < 0 || entry >= size))) {
      throw new CorruptFileException(path, p, "bad index header: transform=" + transform + ", m=" + m + ", size="
          + size + ", maxLevel=" + maxLevel + ", entry=" + entry + ", upperLength=" + upperLength);
    }
    if (size != numItems || fileDim != dim) {
      throw new IllegalArgumentException(path + ": index was built for " + size + " x " + fileDim
          + " vectors, got " + numItems + " x " + dim);
    }
    long actual = vectorsCrc(vectors, numItems, dim);
    if (actual != crc) {
      throw new IllegalArgumentException(path + ": index was built on other vectors (vector checksum "
          + Long.toHexString(crc) + ", given vectors hash to " + Long.toHexString(actual) + "); rebuild the index");
    }
    int beam = 0;
    int beamK = 0;
    float beamRecall = Float.NaN;
    if (f.version() >= 2) {
      beam = f.getInt(p + 56);
      beamK = f.getInt(p + 60);
      beamRecall = f.getFloat(p + 64);
      if (beam < 0 || beamK < 0 || beamRecall < 0 || beamRecall > 1) {
        throw new CorruptFileException(path, p + 56, "bad search beam fields: beam=" + beam + ", k=" + beamK
            + ", recall=" + beamRecall);
      }
    }
    long level0Pos = p + fields;
    long levelsPos = level0Pos + 4L * size * (2L * m + 1);
    long upperOffsetPos = levelsPos + 4L * size;
    long upperPos = upperOffsetPos + 4L * size;
    long deletedPos = upperPos + 4L * upperLength;
    deletedPos = (deletedPos + 7) & ~7L;
    f.checkRange(level0Pos, deletedPos + 8L * ((size + 63) >>> 6) - level0Pos, "index graph arrays");
    if (f.payloadEnd() != deletedPos + 8L * ((size + 63) >>> 6)) {
      throw new CorruptFileException(path, f.payloadEnd(), "payload length mismatch: expected to end at "
          + (deletedPos + 8L * ((size + 63) >>> 6)) + ", ends at " + f.payloadEnd());
    }
    MipsTransform t = MipsTransform.values()[transform];
    HnswIndex idx = new HnswIndex(dim, seed, t, m, efConstruction);
    idx.vectors = vectors;
    idx.buildVectors = vectors;
    idx.maxNorm = maxNorm;
    idx.restoreSearchBeam(beam, beamK, beamRecall);
    idx.graph = new MappedHnswGraph(f, m, size, maxLevel, entry, numDeleted, level0Pos, levelsPos,
        upperOffsetPos, upperPos, deletedPos);
    return idx;
  }

  /** CRC32C of {@code vectors[0 .. n * dim)} as little-endian float bits. */
  static long vectorsCrc(float[] vectors, int n, int dim) {
    CRC32C crc = new CRC32C();
    ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    long total = (long) n * dim;
    int step = buf.capacity() / 4;
    for (long off = 0; off < total; off += step) {
      int len = (int) Math.min(step, total - off);
      buf.clear();
      buf.asFloatBuffer().put(vectors, (int) off, len);
      buf.limit(4 * len);
      crc.update(buf);
    }
    return crc.getValue();
  }
}
