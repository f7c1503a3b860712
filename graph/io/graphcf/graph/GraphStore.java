package io.graphcf.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.graph.io.BinaryFileWriter;
import io.graphcf.graph.io.CorruptFileException;
import io.graphcf.graph.io.Directories;
import io.graphcf.graph.io.FileFormat;
import io.graphcf.graph.io.MappedFile;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * A graph store directory: the id dictionaries and the train/test CSR adjacency of one import,
 * memory-mapped read-only. Layout:
 *
 * <pre>
 *   STORE/manifest.gcf      container GMF1: JSON manifest (authoritative)
 *   STORE/manifest.json     the same JSON, for people (never read)
 *   STORE/base/users.ids    reverse user dictionary (IdDictionary, IDS1)
 *   STORE/base/users.fwd    forward user dictionary (Chronicle Map)
 *   STORE/base/items.ids, items.fwd
 *   STORE/base/train-ui.csr train users → items (MappedCsr, CSR1)
 *   STORE/base/train-iu.csr train items → users (its transpose)
 *   STORE/base/test-ui.csr  test users → items
 * </pre>
 *
 * The manifest holds the format version, counts, import information (sources, options), the
 * creation time and a {@code segments} list. Today it has exactly one segment, {@code base}; an
 * append (new interactions, new users/items) will add a {@code delta} segment whose dictionaries
 * continue the base ordinals and whose CSRs hold only the new edges, and compaction will fold the
 * deltas into a new base: both fit this manifest without a format break (this reader refuses
 * segment kinds it does not know).
 *
 * <p>{@link #write} stages everything in a hidden sibling directory and swaps it into place only
 * after every file is committed, so the previous store is untouched by any failure. {@link #open}
 * maps the files read-only and verifies each one (magic, version, length, CRC32C, structure, the
 * checksum and length recorded in the manifest) in one pass over the bytes, without reading any
 * source text; the Chronicle Map forward dictionaries are verified when first used (see {@link
 * IdDictionary}). An open store is immutable and safe to share between threads; any number of
 * stores may open the same directory at once.
 */
public final class GraphStore implements Closeable {
  public static final String FORMAT = "graphcf-store";
  public static final int FORMAT_VERSION = 1;
  public static final String MANIFEST = "manifest.gcf";
  static final int MANIFEST_MAGIC = FileFormat.magic("GMF1");
  static final String BASE = "base";
  static final String USERS_IDS = "users.ids";
  static final String USERS_FWD = "users.fwd";
  static final String ITEMS_IDS = "items.ids";
  static final String ITEMS_FWD = "items.fwd";
  static final String TRAIN_UI = "train-ui.csr";
  static final String TRAIN_IU = "train-iu.csr";
  static final String TEST_UI = "test-ui.csr";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final ObjectNode manifest;
  private final IdDictionary users;
  private final IdDictionary items;
  private final MappedCsr trainUserItems;
  private final MappedCsr trainItemUsers;
  private final MappedCsr testUserItems;
  private final String fingerprint;

  private GraphStore(Path dir, ObjectNode manifest, IdDictionary users, IdDictionary items, MappedCsr trainUi,
      MappedCsr trainIu, MappedCsr testUi, String fingerprint) {
    this.dir = dir;
    this.manifest = manifest;
    this.users = users;
    this.items = items;
    this.trainUserItems = trainUi;
    this.trainItemUsers = trainIu;
    this.testUserItems = testUi;
    this.fingerprint = fingerprint;
  }

  // ---------------------------------------------------------------------------------- writing

  /**
   * Writes {@code split} (deduplicated) as a store at {@code dir}, replacing a previous store there.
   *
   * @param info import information kept in the manifest under {@code "import"} (sources, options);
   *     may be {@code null}
   * @throws IllegalArgumentException if {@code dir} exists and is neither empty nor a graphcf store
   */
  public static void write(ImportedSplit split, Path dir, ObjectNode info) throws IOException {
    ObjectNode imp = info == null ? JSON.createObjectNode() : info.deepCopy();
    imp.put("skippedLines", split.skippedLines);
    imp.put("droppedTestPairs", split.droppedTestPairs);
    write(split.toDataset(), split.users.ids(), split.items.ids(), dir, imp);
  }

  /** Writes a heap dataset and its dictionaries (ordinal {@code o} ↔ {@code ids.get(o)}) as a store. */
  public static void write(Dataset data, List<String> userIds, List<String> itemIds, Path dir, ObjectNode info)
      throws IOException {
    if (userIds.size() != data.numUsers() || itemIds.size() != data.numItems()) {
      throw new IllegalArgumentException("dictionary sizes " + userIds.size() + " users, " + itemIds.size()
          + " items do not match the dataset " + data);
    }
    checkReplaceable(dir);
    Path staging = Directories.createStagingSibling(dir, "tmp");
    boolean done = false;
    try {
      Path seg = Files.createDirectory(staging.resolve(BASE));
      // Chronicle Map is slow to start in a fresh JVM; build the forward maps beside the rest.
      AtomicReference<Throwable> forwardFailure = new AtomicReference<>();
      Thread forwardWriter = new Thread(() -> {
        try {
          IdDictionary.writeForward("users", userIds, seg.resolve(USERS_FWD));
          IdDictionary.writeForward("items", itemIds, seg.resolve(ITEMS_FWD));
        } catch (Throwable t) {
          forwardFailure.set(t);
        }
      }, "graphcf-forward-ids");
      forwardWriter.setDaemon(true);
      forwardWriter.start();
      try {
        IdDictionary.writeReverse(userIds, seg.resolve(USERS_IDS));
        IdDictionary.writeReverse(itemIds, seg.resolve(ITEMS_IDS));
        MappedCsr.write(seg.resolve(TRAIN_UI), data.train().userItems());
        MappedCsr.write(seg.resolve(TRAIN_IU), data.train().itemUsers());
        MappedCsr.write(seg.resolve(TEST_UI), data.test());
      } finally {
        join(forwardWriter);
      }
      Throwable t = forwardFailure.get();
      if (t != null) {
        if (t instanceof IOException) {
          throw (IOException) t;
        }
        if (t instanceof RuntimeException) {
          throw (RuntimeException) t;
        }
        throw new IOException("writing the forward id maps failed", t);
      }
      ObjectNode m = JSON.createObjectNode();
      m.put("format", FORMAT);
      m.put("formatVersion", FORMAT_VERSION);
      m.put("created", Instant.now().toString());
      m.put("users", data.numUsers());
      m.put("items", data.numItems());
      m.put("train", (long) data.train().nnz());
      m.put("test", (long) data.test().nnz());
      ObjectNode segment = JSON.createObjectNode();
      segment.put("name", BASE);
      segment.put("kind", "base");
      segment.put("dir", BASE);
      segment.put("firstUser", 0);
      segment.put("firstItem", 0);
      segment.put("users", data.numUsers());
      segment.put("items", data.numItems());
      segment.put("train", (long) data.train().nnz());
      segment.put("test", (long) data.test().nnz());
      ObjectNode files = segment.putObject("files");
      long[] crcs = new long[4];
      int k = 0;
      for (String name : new String[] {USERS_IDS, ITEMS_IDS, TRAIN_UI, TEST_UI, TRAIN_IU}) {
        Path p = seg.resolve(name);
        int magic = name.endsWith(".ids") ? IdDictionary.MAGIC : MappedCsr.MAGIC;
        try (MappedFile f = MappedFile.open(p, magic, 1)) {
          files.putObject(name).put("crc32c", hex(f.storedChecksum())).put("bytes", f.length());
          if (k < crcs.length) {
            crcs[k++] = f.storedChecksum();
          }
        }
      }
      files.putObject(USERS_FWD).put("kind", "chronicle-map").put("entries", data.numUsers())
          .put("bytes", Files.size(seg.resolve(USERS_FWD)));
      files.putObject(ITEMS_FWD).put("kind", "chronicle-map").put("entries", data.numItems())
          .put("bytes", Files.size(seg.resolve(ITEMS_FWD)));
      m.put("fingerprint", fingerprint(crcs));
      m.set("import", info == null ? JSON.createObjectNode() : info);
      m.putArray("segments").add(segment);
      byte[] json = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m);
      try (BinaryFileWriter w = BinaryFileWriter.create(staging.resolve(MANIFEST), MANIFEST_MAGIC, FORMAT_VERSION)) {
        w.putLong(json.length).putBytes(json, 0, json.length);
        w.commit();
      }
      Files.write(staging.resolve("manifest.json"), json);
      BinaryFileWriter.syncDirectory(seg);
      BinaryFileWriter.syncDirectory(staging);
      Directories.swapIntoPlace(staging, dir);
      done = true;
    } finally {
      if (!done) {
        Directories.deleteRecursively(staging);
      }
    }
  }

  private static void join(Thread t) throws IOException {
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing the forward id maps");
    }
  }

  /** Refuses to replace anything but a store or an empty directory (e.g. {@code --out $HOME}). */
  private static void checkReplaceable(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("refusing to replace " + dir + ": it is a file, not a graphcf store");
    }
    if (Files.isRegularFile(dir.resolve(MANIFEST))) {
      return;
    }
    try (Stream<Path> s = Files.list(dir)) {
      if (s.findAny().isPresent()) {
        throw new IllegalArgumentException("refusing to replace " + dir + ": it is a non-empty directory without "
            + MANIFEST + " (not a graphcf store)");
      }
    }
  }

  /** A 64-bit digest of the content checksums (dictionaries, train, test) as 16 hex digits. */
  static String fingerprint(long[] crcs) {
    long h = 0x9E3779B97F4A7C15L;
    for (long c : crcs) {
      h = mix(h ^ c);
    }
    return hex(h);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static String hex(long v) {
    return String.format(Locale.ROOT, "%016x", v);
  }

  /** Describes a source file for the manifest: path, size and modification time. */
  public static ObjectNode describeSource(String role, Path p) throws IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("role", role);
    o.put("path", p.toAbsolutePath().normalize().toString());
    o.put("bytes", Files.size(p));
    o.put("modified", Files.getLastModifiedTime(p).toInstant().toString());
    return o;
  }

  // ---------------------------------------------------------------------------------- reading

  /**
   * Opens a store read-only and verifies every file.
   *
   * @throws NoSuchFileException if the directory or one of its files is missing
   * @throws CorruptFileException naming the file and the problem
   */
  public static GraphStore open(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(dir.toString(), null, "not a graphcf store directory");
    }
    Path mp = dir.resolve(MANIFEST);
    ObjectNode m;
    try (MappedFile f = MappedFile.open(mp, MANIFEST_MAGIC, FORMAT_VERSION)) {
      f.checkRange(f.payloadStart(), 8, "manifest length");
      long n = f.getLong(f.payloadStart());
      f.checkRange(f.payloadStart() + 8, n, "manifest json");
      byte[] json = new byte[(int) n];
      f.getBytes(f.payloadStart() + 8, json, 0, json.length);
      JsonNode node;
      try {
        node = JSON.readTree(json);
      } catch (IOException e) {
        throw new CorruptFileException(mp, "manifest is not valid JSON: " + e.getMessage());
      }
      if (!(node instanceof ObjectNode) || !FORMAT.equals(node.path("format").asText())) {
        throw new CorruptFileException(mp, "not a graphcf store manifest (format '" + node.path("format").asText()
            + "')");
      }
      m = (ObjectNode) node;
    }
    int version = m.path("formatVersion").asInt(-1);
    if (version < 1 || version > FORMAT_VERSION) {
      throw new CorruptFileException(mp, "unsupported store format version " + version + " (this reader understands 1.."
          + FORMAT_VERSION + ")");
    }
    JsonNode segments = m.path("segments");
    if (!segments.isArray() || segments.size() != 1 || !"base".equals(segments.get(0).path("kind").asText())) {
      throw new CorruptFileException(mp, "unsupported segments " + segments + ": this reader understands a single"
          + " base segment");
    }
    JsonNode seg = segments.get(0);
    Path segDir = dir.resolve(safeName(mp, seg.path("dir").asText()));
    long nu = requireCount(mp, m, "users");
    long ni = requireCount(mp, m, "items");
    long nTrain = requireCount(mp, m, "train");
    long nTest = requireCount(mp, m, "test");
    JsonNode files = seg.path("files");
    IdDictionary users = null;
    IdDictionary items = null;
    MappedCsr trainUi = null;
    MappedCsr trainIu = null;
    MappedCsr testUi = null;
    boolean ok = false;
    try {
      users = IdDictionary.open("users", segDir.resolve(USERS_IDS), segDir.resolve(USERS_FWD), nu);
      checkForwardLength(mp, files, USERS_FWD, segDir.resolve(USERS_FWD));
      checkRecorded(mp, files, USERS_IDS, users.checksum(), users.reverseFileBytes());
      items = IdDictionary.open("items", segDir.resolve(ITEMS_IDS), segDir.resolve(ITEMS_FWD), ni);
      checkForwardLength(mp, files, ITEMS_FWD, segDir.resolve(ITEMS_FWD));
      checkRecorded(mp, files, ITEMS_IDS, items.checksum(), items.reverseFileBytes());
      trainUi = MappedCsr.open(segDir.resolve(TRAIN_UI));
      checkRecorded(mp, files, TRAIN_UI, trainUi.checksum(), trainUi.fileBytes());
      checkShape(trainUi, nu, ni, nTrain);
      trainIu = MappedCsr.open(segDir.resolve(TRAIN_IU));
      checkRecorded(mp, files, TRAIN_IU, trainIu.checksum(), trainIu.fileBytes());
      checkShape(trainIu, ni, nu, nTrain);
      testUi = MappedCsr.open(segDir.resolve(TEST_UI));
      checkRecorded(mp, files, TEST_UI, testUi.checksum(), testUi.fileBytes());
      checkShape(testUi, nu, ni, nTest);
      String fp = fingerprint(new long[] {users.checksum(), items.checksum(), trainUi.checksum(), testUi.checksum()});
      if (!fp.equals(m.path("fingerprint").asText())) {
        throw new CorruptFileException(mp, "fingerprint mismatch: manifest says '" + m.path("fingerprint").asText()
            + "', the files give '" + fp + "'");
      }
      GraphStore s = new GraphStore(dir, m, users, items, trainUi, trainIu, testUi, fp);
      ok = true;
      return s;
    } finally {
      if (!ok) {
        for (Closeable c : new Closeable[] {users, items, trainUi, trainIu, testUi}) {
          if (c != null) {
            c.close();
          }
        }
      }
    }
  }

  private static String safeName(Path mp, String name) throws CorruptFileException {
    if (!name.matches("[A-Za-z0-9_.-]+") || name.startsWith(".")) {
      throw new CorruptFileException(mp, "bad segment directory name '" + name + "'");
    }
    return name;
  }

  private static long requireCount(Path mp, JsonNode m, String key) throws CorruptFileException {
    JsonNode v = m.get(key);
    if (v == null || !v.canConvertToLong() || v.asLong() < 0) {
      throw new CorruptFileException(mp, "manifest lacks a non-negative '" + key + "' count (got " + v + ")");
    }
    return v.asLong();
  }

  private static void checkRecorded(Path mp, JsonNode files, String name, long crc, long bytes)
      throws CorruptFileException {
    JsonNode f = files.path(name);
    String wantCrc = f.path("crc32c").asText();
    long wantBytes = f.path("bytes").asLong(-1);
    if (!wantCrc.equals(hex(crc)) || wantBytes != bytes) {
      throw new CorruptFileException(mp, "file " + name + " does not belong to this store: manifest records crc32c="
          + wantCrc + ", bytes=" + wantBytes + "; the file has crc32c=" + hex(crc) + ", bytes=" + bytes);
    }
  }

  /**
   * A Chronicle Map file shorter than written would make Chronicle touch mapped pages past the end
   * of the file (a JVM crash rather than an exception), so its length is checked before it is
   * ever opened.
   */
  private static void checkForwardLength(Path mp, JsonNode files, String name, Path file) throws IOException {
    long want = files.path(name).path("bytes").asLong(-1);
    long got = Files.size(file);
    if (want != got) {
      throw new CorruptFileException(file, "forward map is " + got + " bytes, the manifest " + mp.getFileName()
          + " records " + want + (got < want ? " (truncated)" : ""));
    }
  }

  private static void checkShape(MappedCsr m, long rows, long cols, long nnz) throws CorruptFileException {
    if (m.rows() != rows || m.cols() != cols || m.nnz() != nnz) {
      throw new CorruptFileException(m.path(), "shape " + m.rows() + " x " + m.cols() + ", nnz=" + m.nnz()
          + " does not match the manifest: " + rows + " x " + cols + ", nnz=" + nnz);
    }
  }

  public int numUsers() {
    return trainUserItems.rows();
  }

  public int numItems() {
    return trainUserItems.cols();
  }

  public long trainNnz() {
    return trainUserItems.nnz();
  }

  public long testNnz() {
    return testUserItems.nnz();
  }

  public IdDictionary users() {
    return users;
  }

  public IdDictionary items() {
    return items;
  }

  /** Train users → items. */
  public MappedCsr trainUserItems() {
    return trainUserItems;
  }

  /** Train items → users. */
  public MappedCsr trainItemUsers() {
    return trainItemUsers;
  }

  /** Test users → items. */
  public MappedCsr testUserItems() {
    return testUserItems;
  }

  /**
   * The split's checksum at the level of ordinals, read from the mapped matrices without copying them:
   * equal to {@link Dataset#contentChecksum()} of {@link #loadDataset()}.
   */
  public String contentChecksum() {
    return ContentChecksum.of(this);
  }

  /** Copies the split onto the heap (both train directions and test) for the compute kernels. */
  public Dataset loadDataset() {
    Interactions train = new Interactions(trainUserItems.toHeap(), trainItemUsers.toHeap());
    return new Dataset(train, testUserItems.toHeap());
  }

  /**
   * A content digest of the store (16 hex digits over the CRC32C of the dictionaries, train and
   * test): equal for two imports of the same data with the same options, whatever their time.
   */
  public String fingerprint() {
    return fingerprint;
  }

  public Path dir() {
    return dir;
  }

  /** A copy of the manifest (counts, import information, creation time, segments). */
  public ObjectNode manifest() {
    return manifest.deepCopy();
  }

  /** Human-readable manifest text (what {@code manifest.json} holds). */
  public String manifestText() {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(manifest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    users.close();
    items.close();
    trainUserItems.close();
    trainItemUsers.close();
    testUserItems.close();
  }

  @Override
  public String toString() {
    return "GraphStore[" + dir + ", users=" + numUsers() + ", items=" + numItems() + ", train=" + trainNnz()
        + ", test=" + testNnz() + ", fingerprint=" + fingerprint + "]";
  }
}
