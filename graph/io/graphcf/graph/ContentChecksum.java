package io.graphcf.graph;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The checksum of a train/test split at the level of ordinals, whatever holds it (a {@link Dataset}
 * on the heap or a {@link GraphStore}'s mapped matrices): CRC32C over, little-endian, the user and item
 * counts, then for the train and the test user → item matrix its row count, its row pointers (8 bytes
 * each) and its columns (4 bytes each). Equal checksums mean the same interactions under the same
 * ordinals, so a model trained on one source can be used with the other.
 */
final class ContentChecksum {
  private final CRC32C crc = new CRC32C();
  private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

  private ContentChecksum(int users, int items) {
    putInt(users);
    putInt(items);
  }

  static String of(Dataset d) {
    ContentChecksum c = new ContentChecksum(d.numUsers(), d.numItems());
    for (CsrMatrix m : new CsrMatrix[] {d.train().userItems(), d.test()}) {
      c.putInt(m.rows());
      for (int p : m.rowPtr()) {
        c.putLong(p);
      }
      for (int x : m.colIdx()) {
        c.putInt(x);
      }
    }
    return c.finish();
  }

  static String of(GraphStore s) {
    ContentChecksum c = new ContentChecksum(s.numUsers(), s.numItems());
    for (MappedCsr m : new MappedCsr[] {s.trainUserItems(), s.testUserItems()}) {
      c.putInt(m.rows());
      for (int r = 0; r <= m.rows(); r++) {
        c.putLong(m.rowStart(r));
      }
      for (long p = 0; p < m.nnz(); p++) {
        c.putInt(m.col(p));
      }
    }
    return c.finish();
  }

  private void putInt(int x) {
    if (buf.remaining() < Integer.BYTES) {
      flush();
    }
    buf.putInt(x);
  }

  private void putLong(long x) {
    if (buf.remaining() < Long.BYTES) {
      flush();
    }
    buf.putLong(x);
  }

  private void flush() {
    crc.update(buf.flip());
    buf.clear();
  }

  private String finish() {
    flush();
    return String.format("%08x", crc.getValue());
  }
}
