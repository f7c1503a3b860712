package io.graphcf.graph;

import io.graphcf.graph.io.BinaryFileWriter;
import io.graphcf.graph.io.CorruptFileException;
import io.graphcf.graph.io.Directories;
import io.graphcf.graph.io.FileFormat;
import io.graphcf.graph.io.MappedFile;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import net.openhft.chronicle.hash.VanillaGlobalMutableState;
import net.openhft.chronicle.values.Values;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;

/**
 * External string ids ↔ dense {@code int} ordinals {@code 0..size()-1}, persisted in two files:
 *
 * <ul>
 *   <li>the <b>reverse</b> file, a graphcf container (magic {@code IDS1}): {@code long count, long
 *       bytes, long offset[count + 1], byte utf8[bytes]}; id {@code o} is {@code utf8[offset[o] ..
 *       offset[o+1])}. Verified on open (magic, version, length, CRC32C) like every graphcf file.
 *   <li>the <b>forward</b> file, a persisted Chronicle Map {@code String → Integer} sized from the
 *       data (entries and average UTF-8 key size).
 * </ul>
 *
 * <p>The Chronicle Map file carries no checksum of ours, and Chronicle writes lock words into it
 * when it is opened, so its bytes cannot be hashed. It is verified instead when it is first opened:
 * its entry count must equal the reverse file's (recorded in the store manifest) and a fixed sample
 * of ordinals (first, last and evenly spaced ones) must round-trip through it against the
 * checksummed reverse file. A flipped byte in a part of the map that the sample does not touch is
 * therefore not detected.
 *
 * <p>The forward map is opened lazily, on the first {@link #ordinal(String)} (or an explicit
 * {@link #openForward()}): Chronicle Map generates and compiles code on its first use in a JVM,
 * which costs seconds, and most readers of a store (training, statistics, {@link #externalId(int)})
 * never need it. Instances are safe to use from many threads, and several instances (in one JVM or
 * several) may open the same files at once.
 */
public final class IdDictionary implements Closeable {
  static final int MAGIC = FileFormat.magic("IDS1");
  static final int VERSION = 1;
  /** Ordinals checked against the forward map when it is opened. */
  static final int VERIFY_SAMPLES = 16;

  private final String name;
  private final MappedFile reverse;
  private final int size;
  private final long offsetsBase;
  private final long bytesBase;
  private final Path forwardPath;
  private final Object lock = new Object();
  private volatile ChronicleMap<String, Integer> forward;
  private volatile Object2IntOpenHashMap<String> heapForward;
  private volatile boolean closed;

  private IdDictionary(String name, MappedFile reverse, int size, Path forwardPath) {
    this.name = name;
    this.reverse = reverse;
    this.size = size;
    this.offsetsBase = FileFormat.HEADER_BYTES + 16;
    this.bytesBase = offsetsBase + 8L * (size + 1);
    this.forwardPath = forwardPath;
  }

  /**
   * Writes both files for {@code ids} (ordinal {@code o} is {@code ids.get(o)}; ids must be
   * distinct). The reverse file is committed atomically; the forward map is created under
   * {@code forwardFile} directly, so write it into a staging directory.
   */
  public static void write(String name, List<String> ids, Path reverseFile, Path forwardFile) throws IOException {
    writeReverse(ids, reverseFile);
    writeForward(name, ids, forwardFile);
  }

  /** Writes the checksummed reverse file. */
  public static void writeReverse(List<String> ids, Path reverseFile) throws IOException {
    int n = ids.size();
    byte[][] utf8 = new byte[n][];
    long total = 0;
    for (int o = 0; o < n; o++) {
      utf8[o] = ids.get(o).getBytes(StandardCharsets.UTF_8);
      total += utf8[o].length;
    }
    try (BinaryFileWriter w = BinaryFileWriter.create(reverseFile, MAGIC, VERSION)) {
      w.putLong(n).putLong(total);
      long off = 0;
      w.putLong(0);
      for (int o = 0; o < n; o++) {
        off += utf8[o].length;
        w.putLong(off);
      }
      for (int o = 0; o < n; o++) {
        w.putBytes(utf8[o], 0, utf8[o].length);
      }
      w.commit();
    }
  }

  /**
   * Creates the Chronicle Map forward file, sized for {@code ids.size()} entries of the average
   * UTF-8 length, and fsyncs it. Fails if the file exists.
   */
  public static void writeForward(String name, List<String> ids, Path forwardFile) throws IOException {
    if (Files.exists(forwardFile)) {
      throw new IllegalStateException("forward map " + forwardFile + " already exists");
    }
    int n = ids.size();
    long total = 0;
    for (int o = 0; o < n; o++) {
      total += ids.get(o).length(); // chars: a close enough estimate of UTF-8 bytes for sizing
    }
    double avg = n == 0 ? 8 : Math.max(1.0, (double) total / n);
    try (ChronicleMap<String, Integer> map = ChronicleMapBuilder.of(String.class, Integer.class)
        .name(name)
        .entries(Math.max(n, 1))
        .averageKeySize(avg)
        .putReturnsNull(true)
        .createPersistedTo(forwardFile.toFile())) {
      for (int o = 0; o < n; o++) {
        map.put(ids.get(o), o);
      }
    }
    Directories.syncFile(forwardFile);
  }

  /**
   * Opens a dictionary: the reverse file is mapped and verified now; the forward map only on first
   * use (it must exist now).
   *
   * @param expectedSize the entry count recorded in the store manifest
   */
  public static IdDictionary open(String name, Path reverseFile, Path forwardFile, long expectedSize)
      throws IOException {
    MappedFile f = MappedFile.open(reverseFile, MAGIC, VERSION);
    f.checkRange(FileFormat.HEADER_BYTES, 16, "id dictionary header");
    long n = f.getLong(FileFormat.HEADER_BYTES);
    long bytes = f.getLong(FileFormat.HEADER_BYTES + 8);
    if (n != expectedSize) {
      throw new CorruptFileException(reverseFile, FileFormat.HEADER_BYTES, "holds " + n + " " + name
          + " ids, the manifest says " + expectedSize);
    }
    if (n < 0 || n >= Integer.MAX_VALUE || bytes < 0) {
      throw new CorruptFileException(reverseFile, FileFormat.HEADER_BYTES, "bad header: count=" + n + ", bytes="
          + bytes);
    }
    long end = FileFormat.HEADER_BYTES + 16 + 8 * (n + 1) + bytes;
    if (((end + 7) & ~7L) != f.payloadEnd()) {
      throw new CorruptFileException(reverseFile, "payload length mismatch: count=" + n + ", bytes=" + bytes
          + " need the payload to end at " + ((end + 7) & ~7L) + ", it ends at " + f.payloadEnd());
    }
    IdDictionary d = new IdDictionary(name, f, (int) n, forwardFile);
    long prev = 0;
    for (int o = 0; o <= n; o++) {
      long off = f.getLong(d.offsetsBase + 8L * o);
      if (o == 0 ? off != 0 : off < prev || off > bytes) {
        throw new CorruptFileException(reverseFile, d.offsetsBase + 8L * o, "id offset " + o + " = " + off
            + " outside [" + prev + ", " + bytes + "]");
      }
      prev = off;
    }
    if (prev != bytes) {
      throw new CorruptFileException(reverseFile, "last id offset " + prev + " != byte count " + bytes);
    }
    if (!Files.isRegularFile(forwardFile)) {
      throw new NoSuchFileException(forwardFile.toString(), null, "missing " + name + " forward map");
    }
    return d;
  }

  /**
   * Starts, on a daemon thread, the one-off code generation Chronicle Map performs the first time a
   * JVM creates or opens a persisted map (it compiles the class of its header state with javac,
   * seconds of CPU), so that it overlaps with parsing text. Optional and idempotent; failures are
   * ignored (the real open reports them).
   */
  public static void prepareAsync() {
    if (PREPARING.compareAndSet(false, true)) {
      Thread t = new Thread(() -> {
        try {
          Values.nativeClassFor(VanillaGlobalMutableState.class);
        } catch (Throwable ignored) {
          // The real createPersistedTo will retry and report.
        }
      }, "graphcf-chronicle-prepare");
      t.setDaemon(true);
      t.start();
    }
  }

  private static final AtomicBoolean PREPARING = new AtomicBoolean();

  /** Number of ids. */
  public int size() {
    return size;
  }

  /** The external id of {@code ordinal}. */
  public String externalId(int ordinal) {
    if (ordinal < 0 || ordinal >= size) {
      throw new IllegalArgumentException(name + " ordinal " + ordinal + " out of range [0, " + size + ")");
    }
    long s = reverse.getLong(offsetsBase + 8L * ordinal);
    long e = reverse.getLong(offsetsBase + 8L * (ordinal + 1));
    int len = (int) (e - s);
    byte[] b = ID_BYTES.get();
    if (b.length < len) {
      b = new byte[Math.max(len, 2 * b.length)];
      ID_BYTES.set(b);
    }
    reverse.getBytes(bytesBase + s, b, 0, len);
    return new String(b, 0, len, StandardCharsets.UTF_8);
  }

  /** Per-thread buffer for the UTF-8 bytes of one id (the String copies them). */
  private static final ThreadLocal<byte[]> ID_BYTES = ThreadLocal.withInitial(() -> new byte[64]);

  /**
   * The ordinal of {@code externalId}, or -1 if unknown. The first call opens and verifies the
   * forward map; a failed verification surfaces as an {@link UncheckedIOException} wrapping a
   * {@link CorruptFileException} (call {@link #openForward()} first to get it checked).
   */
  public int ordinal(String externalId) {
    Object2IntOpenHashMap<String> h = heapForward;
    if (h != null) {
      return h.getInt(externalId);
    }
    ChronicleMap<String, Integer> m = forward;
    if (m == null) {
      try {
        m = openForward();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Integer o = m.get(externalId);
    return o == null ? -1 : o;
  }

  /**
   * Builds a heap hash map of the forward mapping from the checksummed reverse file, after which
   * {@link #ordinal(String)} no longer touches Chronicle Map. Serving uses this for dictionaries
   * that fit comfortably on the heap: it costs tens of milliseconds for ~10^5 ids, where the first
   * Chronicle Map lookup in a JVM pays ~2 s of code generation. Idempotent and thread-safe; the
   * map is read-only once published.
   */
  public void loadForwardOnHeap() {
    if (heapForward != null) {
      return;
    }
    Object2IntOpenHashMap<String> h = new Object2IntOpenHashMap<>(size);
    h.defaultReturnValue(-1);
    for (int o = 0; o < size; o++) {
      h.put(externalId(o), o);
    }
    heapForward = h;
  }

  /** Opens and verifies the forward map now if it is not open yet (idempotent, thread-safe). */
  public ChronicleMap<String, Integer> openForward() throws IOException {
    ChronicleMap<String, Integer> m = forward;
    if (m != null) {
      return m;
    }
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException(name + " dictionary is closed");
      }
      if (forward == null) {
        ChronicleMap<String, Integer> opened = openChronicle();
        try {
          verifyForward(opened);
        } catch (IOException | RuntimeException e) {
          opened.close();
          throw e;
        }
        forward = opened;
      }
      return forward;
    }
  }

  private ChronicleMap<String, Integer> openChronicle() throws IOException {
    if (!Files.isRegularFile(forwardPath)) {
      // createPersistedTo would silently create an empty map.
      throw new NoSuchFileException(forwardPath.toString(), null, "missing " + name + " forward map");
    }
    if (!Files.isWritable(forwardPath)) {
      throw new IOException(forwardPath + ": Chronicle Map needs write access to the forward map even to read it"
          + " (it keeps lock words in the file); the store directory is read-only");
    }
    try {
      return ChronicleMapBuilder.of(String.class, Integer.class)
          .name(name)
          .entries(Math.max(size, 1))
          .averageKeySize(8)
          .createPersistedTo(forwardPath.toFile());
    } catch (IOException | RuntimeException e) {
      throw new CorruptFileException(forwardPath, "cannot open the Chronicle Map " + name + " forward map: "
          + e.getMessage());
    }
  }

  private void verifyForward(ChronicleMap<String, Integer> m) throws IOException {
    long n = m.longSize();
    if (n != size) {
      throw new CorruptFileException(forwardPath, "forward map holds " + n + " entries, the reverse file and"
          + " manifest hold " + size);
    }
    if (size == 0) {
      return;
    }
    for (int s = 0; s < VERIFY_SAMPLES; s++) {
      int o = (int) ((long) s * (size - 1) / (VERIFY_SAMPLES - 1));
      String id = externalId(o);
      Integer got = m.get(id);
      if (got == null || got != o) {
        throw new CorruptFileException(forwardPath, "forward map sends id '" + InputFormatException.abbreviate(id)
            + "' to " + got + ", the reverse file says " + o);
      }
    }
  }

  /**
   * Checks every id (not just the sample checked on open) against the forward map: O(size)
   * lookups. For {@code graphcf stats --verify}-style deep checks.
   */
  public void verifyAll() throws IOException {
    ChronicleMap<String, Integer> m = openForward();
    for (int o = 0; o < size; o++) {
      String id = externalId(o);
      Integer got = m.get(id);
      if (got == null || got != o) {
        throw new CorruptFileException(forwardPath, "forward map sends id '" + InputFormatException.abbreviate(id)
            + "' to " + got + ", the reverse file says " + o);
      }
    }
  }

  /** CRC32C of the reverse file (from its verified footer). */
  public long checksum() {
    return reverse.storedChecksum();
  }

  public long reverseFileBytes() {
    return reverse.length();
  }

  public Path reversePath() {
    return reverse.path();
  }

  public Path forwardPath() {
    return forwardPath;
  }

  /** Closes the forward map if it was opened; the reverse mapping is released by the GC. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      if (forward != null) {
        forward.close();
        forward = null;
      }
    }
    reverse.close();
  }

  @Override
  public String toString() {
    return "IdDictionary[" + name + ", size=" + size + "]";
  }
}
