package io.graphcf.graph.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A verified, read-only, memory-mapped graphcf container. The file is mapped in chunks of at most
 * 1 GiB (each chunk overlaps the next by 8 bytes so that no primitive read straddles a mapping), so
 * positions are {@code long} and files past 2 GiB work. Opening checks magic, version, length,
 * footer and the CRC32C of the whole file; any failure throws {@link CorruptFileException} naming
 * the file. Instances are immutable after open and safe to read from many threads.
 */
public final class MappedFile implements Closeable {
  private static final int OVERLAP = 8;

  private final int chunkShift;
  private final long chunkSize;
  private final long chunkMask;
  private final Path path;
  private final int version;
  private final long length;
  private final ByteBuffer[] chunks;

  private MappedFile(Path path, int version, long length, ByteBuffer[] chunks, int chunkShift) {
    this.chunkShift = chunkShift;
    this.chunkSize = 1L << chunkShift;
    this.chunkMask = chunkSize - 1;
    this.path = path;
    this.version = version;
    this.length = length;
    this.chunks = chunks;
  }

  /**
   * Maps and verifies {@code path}.
   *
   * @param magic the expected magic number ({@link FileFormat#magic(String)})
   * @param maxVersion the newest format version this reader understands
   */
  public static MappedFile open(Path path, int magic, int maxVersion) throws IOException {
    return open(path, magic, maxVersion, FileFormat.CHUNK_SHIFT);
  }

  /** As {@link #open(Path, int, int)} with a chosen chunk size (tests use small chunks). */
  static MappedFile open(Path path, int magic, int maxVersion, int chunkShift) throws IOException {
    final long chunk = 1L << chunkShift;
    ByteBuffer[] chunks;
    long length;
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      length = ch.size();
      int n = (int) ((length + chunk - 1) >>> chunkShift);
      chunks = new ByteBuffer[Math.max(n, 1)];
      for (int i = 0; i < n; i++) {
        long start = (long) i << chunkShift;
        long size = Math.min(length - start, chunk + OVERLAP);
        MappedByteBuffer mb = ch.map(FileChannel.MapMode.READ_ONLY, start, size);
        chunks[i] = mb.order(ByteOrder.LITTLE_ENDIAN);
      }
      if (n == 0) {
        chunks[0] = ByteBuffer.allocate(0);
      }
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(path.toString(), null, "missing file");
    }
    if (length < FileFormat.HEADER_BYTES + FileFormat.FOOTER_BYTES) {
      throw new CorruptFileException(path, "file is " + length + " bytes, shorter than header and footer ("
          + (FileFormat.HEADER_BYTES + FileFormat.FOOTER_BYTES) + "): truncated");
    }
    MappedFile f = new MappedFile(path, 0, length, chunks, chunkShift);
    int gotMagic = f.getInt(0);
    if (gotMagic != magic) {
      throw new CorruptFileException(path, 0, "bad magic: expected '" + FileFormat.magicName(magic)
          + "', got '" + FileFormat.magicName(gotMagic) + "'");
    }
    int gotVersion = f.getInt(4);
    if (gotVersion < 1 || gotVersion > maxVersion) {
      throw new CorruptFileException(path, 4, "unsupported format version " + gotVersion
          + " (this reader understands 1.." + maxVersion + ")");
    }
    long footer = length - FileFormat.FOOTER_BYTES;
    if (f.getInt(footer) != FileFormat.FOOTER_MAGIC) {
      throw new CorruptFileException(path, footer, "footer magic missing: the file is truncated or was not"
          + " written completely (length " + length + ")");
    }
    if (f.getInt(footer + 4) != FileFormat.ALGORITHM_CRC32C) {
      throw new CorruptFileException(path, footer + 4, "unknown checksum algorithm " + f.getInt(footer + 4));
    }
    long expected = f.getLong(footer + 8);
    long actual = f.checksum(footer + 8);
    if (expected != actual) {
      throw new CorruptFileException(path, "checksum mismatch: footer says " + Long.toHexString(expected)
          + ", content hashes to " + Long.toHexString(actual) + " (file is corrupt)");
    }
    return new MappedFile(path, gotVersion, length, chunks, chunkShift);
  }

  private long checksum(long end) {
    CRC32C crc = new CRC32C();
    for (long start = 0; start < end; start += chunkSize) {
      ByteBuffer b = chunks[(int) (start >>> chunkShift)].duplicate();
      b.position(0);
      b.limit((int) Math.min(chunkSize, end - start));
      crc.update(b);
    }
    return crc.getValue();
  }

  public Path path() {
    return path;
  }

  public int version() {
    return version;
  }

  /** First payload byte. */
  public long payloadStart() {
    return FileFormat.HEADER_BYTES;
  }

  /** One past the last payload byte (the footer starts here). */
  public long payloadEnd() {
    return length - FileFormat.FOOTER_BYTES;
  }

  public long length() {
    return length;
  }

  /** The CRC32C recorded in the footer (verified on open); identifies the file's content. */
  public long storedChecksum() {
    return getLong(length - 8);
  }

  private ByteBuffer chunk(long pos) {
    return chunks[(int) (pos >>> chunkShift)];
  }

  public byte getByte(long pos) {
    return chunk(pos).get((int) (pos & chunkMask));
  }

  public int getInt(long pos) {
    return chunk(pos).getInt((int) (pos & chunkMask));
  }

  public long getLong(long pos) {
    return chunk(pos).getLong((int) (pos & chunkMask));
  }

  public float getFloat(long pos) {
    return chunk(pos).getFloat((int) (pos & chunkMask));
  }

  public double getDouble(long pos) {
    return chunk(pos).getDouble((int) (pos & chunkMask));
  }

  /** Copies {@code len} ints starting at byte {@code pos} into {@code dst[off..]}. */
  public void getInts(long pos, int[] dst, int off, int len) {
    while (len > 0) {
      int inChunk = (int) (pos & chunkMask);
      int n = (int) Math.min(len, (chunkSize - inChunk) >>> 2);
      if (n == 0) {
        dst[off++] = getInt(pos);
        pos += 4;
        len--;
        continue;
      }
      ByteBuffer b = chunk(pos).duplicate().order(ByteOrder.LITTLE_ENDIAN);
      b.position(inChunk);
      b.asIntBuffer().get(dst, off, n);
      pos += 4L * n;
      off += n;
      len -= n;
    }
  }

  /** Copies {@code len} longs starting at byte {@code pos} into {@code dst[off..]}. */
  public void getLongs(long pos, long[] dst, int off, int len) {
    while (len > 0) {
      int inChunk = (int) (pos & chunkMask);
      int n = (int) Math.min(len, (chunkSize - inChunk) >>> 3);
      if (n == 0) {
        dst[off++] = getLong(pos);
        pos += 8;
        len--;
        continue;
      }
      ByteBuffer b = chunk(pos).duplicate().order(ByteOrder.LITTLE_ENDIAN);
      b.position(inChunk);
      b.asLongBuffer().get(dst, off, n);
      pos += 8L * n;
      off += n;
      len -= n;
    }
  }

  /** Copies {@code len} floats starting at byte {@code pos} into {@code dst[off..]}. */
  public void getFloats(long pos, float[] dst, int off, int len) {
    while (len > 0) {
      int inChunk = (int) (pos & chunkMask);
      int n = (int) Math.min(len, (chunkSize - inChunk) >>> 2);
      if (n == 0) {
        dst[off++] = getFloat(pos);
        pos += 4;
        len--;
        continue;
      }
      ByteBuffer b = chunk(pos).duplicate().order(ByteOrder.LITTLE_ENDIAN);
      b.position(inChunk);
      b.asFloatBuffer().get(dst, off, n);
      pos += 4L * n;
      off += n;
      len -= n;
    }
  }

  /** Copies {@code len} bytes starting at {@code pos} into {@code dst[off..]}. */
  public void getBytes(long pos, byte[] dst, int off, int len) {
    while (len > 0) {
      int inChunk = (int) (pos & chunkMask);
      int n = (int) Math.min(len, chunkSize - inChunk);
      chunk(pos).get(inChunk, dst, off, n); // absolute bulk get: no duplicate buffer per call
      pos += n;
      off += n;
      len -= n;
    }
  }

  /** Throws {@link CorruptFileException} unless {@code [pos, pos+bytes)} lies inside the payload. */
  public void checkRange(long pos, long bytes, String what) throws CorruptFileException {
    if (pos < payloadStart() || bytes < 0 || pos + bytes > payloadEnd()) {
      throw new CorruptFileException(path, pos, what + " needs " + bytes + " bytes but the payload ends at "
          + payloadEnd());
    }
  }

  /** Mappings are released by the garbage collector; reads after close are a misuse. */
  @Override
  public void close() {
    // Unmapping explicitly would crash a reader still using the buffer; the GC releases it safely.
  }
}
