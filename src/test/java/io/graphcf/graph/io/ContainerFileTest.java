package io.graphcf.graph.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerFileTest {
  private static final int MAGIC = FileFormat.magic("TEST");

  @TempDir
  Path dir;

  private Path writeSample(Path p, int[] ints, long[] longs, float[] floats) throws IOException {
    try (BinaryFileWriter w = BinaryFileWriter.create(p, MAGIC, 1)) {
      w.putInt(ints.length).putInts(ints, 0, ints.length).align(8);
      w.putLong(longs.length).putLongs(longs, 0, longs.length);
      w.putLong(floats.length).putFloats(floats, 0, floats.length);
      w.commit();
    }
    return p;
  }

  @Test
  void roundTripAcrossSmallChunks() throws IOException {
    SplittableRandom rnd = new SplittableRandom(7);
    int[] ints = rnd.ints(3001).toArray();
    long[] longs = rnd.longs(517).toArray();
    float[] floats = new float[1999];
    for (int k = 0; k < floats.length; k++) {
      floats[k] = (float) rnd.nextGaussian();
    }
    Path p = writeSample(dir.resolve("a.bin"), ints, longs, floats);
    // 4 KiB chunks force many chunk boundaries, including values near the 8-byte overlap.
    for (int shift : new int[] {12, 13, 30}) {
      try (MappedFile f = MappedFile.open(p, MAGIC, 1, shift)) {
        long pos = f.payloadStart();
        assertEquals(ints.length, f.getInt(pos));
        int[] gotInts = new int[ints.length];
        f.getInts(pos + 4, gotInts, 0, ints.length);
        assertArrayEquals(ints, gotInts, "shift " + shift);
        for (int k = 0; k < ints.length; k += 97) {
          assertEquals(ints[k], f.getInt(pos + 4 + 4L * k), "shift " + shift + " int " + k);
        }
        pos = (pos + 4 + 4L * ints.length + 7) & ~7L;
        assertEquals(longs.length, f.getLong(pos));
        long[] gotLongs = new long[longs.length];
        f.getLongs(pos + 8, gotLongs, 0, longs.length);
        assertArrayEquals(longs, gotLongs, "shift " + shift);
        pos += 8 + 8L * longs.length;
        float[] gotFloats = new float[floats.length];
        f.getFloats(pos + 8, gotFloats, 0, floats.length);
        assertArrayEquals(floats, gotFloats, "shift " + shift);
      }
    }
  }

  @Test
  void flippedByteIsRefusedWithFileName() throws IOException {
    Path p = writeSample(dir.resolve("b.bin"), new int[] {1, 2, 3, 4, 5}, new long[] {9}, new float[] {0.5f});
    long len = Files.size(p);
    try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
      raf.seek(len / 2);
      int b = raf.read();
      raf.seek(len / 2);
      raf.write(b ^ 0x10);
    }
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> MappedFile.open(p, MAGIC, 1));
    assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
  }

  @Test
  void truncatedFileIsRefused() throws IOException {
    Path p = writeSample(dir.resolve("c.bin"), new int[100], new long[10], new float[10]);
    long len = Files.size(p);
    for (long keep : new long[] {len - 1, len - 16, 40, 20, 0}) {
      Path q = dir.resolve("c" + keep + ".bin");
      Files.copy(p, q);
      try (RandomAccessFile raf = new RandomAccessFile(q.toFile(), "rw")) {
        raf.setLength(keep);
      }
      CorruptFileException e = assertThrows(CorruptFileException.class, () -> MappedFile.open(q, MAGIC, 1),
          "kept " + keep + " of " + len);
      assertTrue(e.getMessage().startsWith(q.toString()), e.getMessage());
    }
  }

  @Test
  void wrongMagicAndNewerVersionAreRefused() throws IOException {
    Path p = writeSample(dir.resolve("d.bin"), new int[] {1}, new long[0], new float[0]);
    CorruptFileException magic = assertThrows(CorruptFileException.class,
        () -> MappedFile.open(p, FileFormat.magic("OTHR"), 1));
    assertTrue(magic.getMessage().contains("expected 'OTHR', got 'TEST'"), magic.getMessage());
    Path v2 = dir.resolve("v2.bin");
    try (BinaryFileWriter w = BinaryFileWriter.create(v2, MAGIC, 2)) {
      w.putInt(1);
      w.commit();
    }
    CorruptFileException version = assertThrows(CorruptFileException.class, () -> MappedFile.open(v2, MAGIC, 1));
    assertTrue(version.getMessage().contains("unsupported format version 2"), version.getMessage());
  }

  @Test
  void abandonedWriteLeavesPreviousFileAndNoTemporary() throws IOException {
    Path p = writeSample(dir.resolve("e.bin"), new int[] {42}, new long[0], new float[0]);
    byte[] before = Files.readAllBytes(p);
    try (BinaryFileWriter w = BinaryFileWriter.create(p, MAGIC, 1)) {
      w.putInt(7).putInt(8);
      // no commit: simulates a failure half way
    }
    assertArrayEquals(before, Files.readAllBytes(p));
    try (Stream<Path> s = Files.list(dir)) {
      assertFalse(s.anyMatch(q -> q.getFileName().toString().contains(".tmp-")), "temporary file left behind");
    }
  }
}
