package io.graphcf.graph.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

/**
 * Writes one graphcf container file. Bytes go to a temporary sibling of the target; {@link
 * #commit()} appends the checksummed footer, fsyncs and renames into place. Closing without commit
 * deletes the temporary file, so a failed write never leaves a half-written target.
 */
public final class BinaryFileWriter implements Closeable {
  private static final int BUFFER_BYTES = 1 << 20;

  private final Path target;
  private final Path temp;
  private final FileChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
  private final CRC32C crc = new CRC32C();
  private long position;
  private boolean finished;

  private BinaryFileWriter(Path target, int magic, int version) throws IOException {
    this.target = target;
    Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    this.temp = parent.resolve("." + target.getFileName() + ".tmp-"
        + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    this.channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    putInt(magic);
    putInt(version);
    putLong(0L);
  }

  /** Starts a file that will become {@code target} on {@link #commit()}. */
  public static BinaryFileWriter create(Path target, int magic, int version) throws IOException {
    return new BinaryFileWriter(target, magic, version);
  }

  /** Bytes written so far, header included. */
  public long position() {
    return position;
  }

  private void ensure(int bytes) throws IOException {
    if (buffer.remaining() < bytes) {
      flushBuffer();
    }
  }

  private void flushBuffer() throws IOException {
    buffer.flip();
    crc.update(buffer.duplicate());
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    buffer.clear();
  }

  public BinaryFileWriter putByte(byte v) throws IOException {
    ensure(1);
    buffer.put(v);
    position += 1;
    return this;
  }

  public BinaryFileWriter putInt(int v) throws IOException {
    ensure(4);
    buffer.putInt(v);
    position += 4;
    return this;
  }

  public BinaryFileWriter putLong(long v) throws IOException {
    ensure(8);
    buffer.putLong(v);
    position += 8;
    return this;
  }

  public BinaryFileWriter putFloat(float v) throws IOException {
    ensure(4);
    buffer.putFloat(v);
    position += 4;
    return this;
  }

  public BinaryFileWriter putDouble(double v) throws IOException {
    ensure(8);
    buffer.putDouble(v);
    position += 8;
    return this;
  }

  public BinaryFileWriter putBytes(byte[] src, int off, int len) throws IOException {
    while (len > 0) {
      ensure(1);
      int n = Math.min(len, buffer.remaining());
      buffer.put(src, off, n);
      off += n;
      len -= n;
      position += n;
    }
    return this;
  }

  public BinaryFileWriter putInts(int[] src, int off, int len) throws IOException {
    while (len > 0) {
      ensure(4);
      int n = Math.min(len, buffer.remaining() >>> 2);
      buffer.asIntBuffer().put(src, off, n);
      buffer.position(buffer.position() + 4 * n);
      off += n;
      len -= n;
      position += 4L * n;
    }
    return this;
  }

  public BinaryFileWriter putLongs(long[] src, int off, int len) throws IOException {
    while (len > 0) {
      ensure(8);
      int n = Math.min(len, buffer.remaining() >>> 3);
      buffer.asLongBuffer().put(src, off, n);
      buffer.position(buffer.position() + 8 * n);
      off += n;
      len -= n;
      position += 8L * n;
    }
    return this;
  }

  public BinaryFileWriter putFloats(float[] src, int off, int len) throws IOException {
    while (len > 0) {
      ensure(4);
      int n = Math.min(len, buffer.remaining() >>> 2);
      buffer.asFloatBuffer().put(src, off, n);
      buffer.position(buffer.position() + 4 * n);
      off += n;
      len -= n;
      position += 4L * n;
    }
    return this;
  }

  /** Pads with zeros to a multiple of {@code alignment} bytes (8 keeps longs from straddling chunks). */
  public BinaryFileWriter align(int alignment) throws IOException {
    while (position % alignment != 0) {
      putByte((byte) 0);
    }
    return this;
  }

  /** Writes the footer, fsyncs and atomically renames the temporary file onto the target. */
  public void commit() throws IOException {
    if (finished) {
      throw new IllegalStateException("already committed or closed: " + target);
    }
    align(8);
    putInt(FileFormat.FOOTER_MAGIC);
    putInt(FileFormat.ALGORITHM_CRC32C);
    flushBuffer();
    buffer.putLong(crc.getValue());
    position += 8;
    buffer.flip();
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    channel.force(true);
    channel.close();
    finished = true;
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    syncDirectory(target.toAbsolutePath().getParent());
  }

  /** Best-effort fsync of a directory so that a rename survives a crash (no-op where unsupported). */
  public static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // Some platforms cannot open a directory for sync; the rename itself is still atomic.
    }
  }

  /** Abandons an uncommitted file: the temporary file is deleted and the target is untouched. */
  @Override
  public void close() throws IOException {
    if (!finished) {
      finished = true;
      channel.close();
      Files.deleteIfExists(temp);
    }
  }
}
