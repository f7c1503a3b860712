package io.graphcf.index;

import io.graphcf.propagation.Workers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * An HNSW graph (Malkov &amp; Yashunin, "Efficient and robust approximate nearest neighbor search
 * using Hierarchical Navigable Small World graphs", TPAMI 2018) for maximum-inner-product search
 * over row-major item vectors. The vectors stay the caller's ({@code float[numItems * dim]}, e.g.
 * a model's item embedding) and are not copied unless {@link #add} grows them; the graph is either
 * on the heap (built here, updatable) or read from a mapped file ({@link #load}).
 *
 * <p>Queries are scored by the plain inner product. Graph construction uses the item-to-item
 * similarity of the chosen {@link MipsTransform}; the default, {@link MipsTransform#NORM_AUGMENTED},
 * was chosen by measurement on the item embeddings of a LightGCN model trained on Gowalla (41k × 64,
 * recall@20 vs exact over 300 user queries, M 16, efConstruction 200): it reaches 0.953 at ef 40
 * visiting 88 items and 0.997 at ef 640, while the direct inner-product graph ({@code NONE}) stops at
 * 0.942 however wide the beam (small-norm items lose their in-links when the hub lists they point to
 * are pruned) and {@code ANGULAR} needs ef 160 and ~2,600 visits for 0.948. On i.i.d. Gaussian
 * vectors with log-normal norms the order reverses ({@code NONE} 1.000 at ef 100 on 5k × 32,
 * {@code NORM_AUGMENTED} 0.47), so the treatment stays a builder option. Searches are thread-safe and allocate nothing
 * beyond their result when run through a reused {@link HnswSearcher}; {@link #add} and
 * {@link #delete} take a write lock.
 */
public final class HnswIndex {
  /** Default edges per node above level 0 (level 0 keeps twice as many). */
  public static final int DEFAULT_M = 16;
  public static final int DEFAULT_EF_CONSTRUCTION = 200;
  /** The beam {@link #searchBeam()} gives for an index whose beam was never tuned ({@link #setSearchBeam}). */
  public static final int DEFAULT_EF_SEARCH = 100;

  final int dim;
  final long seed;
  final MipsTransform transform;
  final int efConstruction;
  private final int m;
  float[] vectors;
  /** The vectors the graph is built on: {@link #vectors}, or unit-normalised copies for ANGULAR. */
  float[] buildVectors;
  /** sqrt(M² − ‖x‖²) per item for {@link MipsTransform#NORM_AUGMENTED}, else null. */
  float[] aug;
  float maxNorm;
  HnswGraph graph;
  /** The tuned default beam (0: not tuned), the k it was tuned for and the sample recall it reached. */
  private volatile int searchBeam;
  private int searchBeamK;
  private float searchBeamRecall = Float.NaN;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final ThreadLocal<HnswSearcher> searchers = ThreadLocal.withInitial(this::searcher);
  private volatile ExactSearcher exact;
  /** Non-null once {@link #quantize} ran: traversal on 8-bit codes, results re-scored exactly. */
  private volatile ScalarQuantizer quantizer;

  HnswIndex(int dim, long seed, MipsTransform transform, int m, int efConstruction) {
    this.dim = dim;
    this.seed = seed;
    this.transform = transform;
    this.m = m;
    this.efConstruction = efConstruction;
  }

  /** A builder with the defaults (M 16, efConstruction 200, NORM_AUGMENTED, seed 42, 1 thread). */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures and builds an index; sealed once {@link #build} has run. */
  public static final class Builder {
    private int m = DEFAULT_M;
    private int efConstruction = DEFAULT_EF_CONSTRUCTION;
    private long seed = 42;
    private int threads = 1;
    private MipsTransform transform = MipsTransform.NORM_AUGMENTED;
    private boolean sealed;

    private Builder() {}

    public Builder m(int m) {
      check();
      if (m < 2 || m > 512) {
        throw new IllegalArgumentException("m must be in [2, 512], got " + m);
      }
      this.m = m;
      return this;
    }

    public Builder efConstruction(int ef) {
      check();
      if (ef < 1) {
        throw new IllegalArgumentException("efConstruction must be >= 1, got " + ef);
      }
      this.efConstruction = ef;
      return this;
    }

    public Builder seed(long seed) {
      check();
      this.seed = seed;
      return this;
    }

    public Builder threads(int threads) {
      check();
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1, got " + threads);
      }
      this.threads = threads;
      return this;
    }

    public Builder transform(MipsTransform transform) {
      check();
      this.transform = transform;
      return this;
    }

    private void check() {
      if (sealed) {
        throw new IllegalStateException("builder already used");
      }
    }

    /** Builds the graph over {@code vectors[0 .. numItems * dim)} (not copied). */
    public HnswIndex build(float[] vectors, int numItems, int dim) {
      check();
      sealed = true;
      checkShape(vectors, numItems, dim);
      HnswIndex idx = new HnswIndex(dim, seed, transform, m, efConstruction);
      idx.vectors = vectors;
      idx.buildVectors = transform == MipsTransform.ANGULAR ? normalized(vectors, numItems, dim) : vectors;
      if (transform == MipsTransform.NORM_AUGMENTED) {
        idx.maxNorm = maxNorm(vectors, numItems, dim);
        idx.aug = augment(vectors, numItems, dim, idx.maxNorm, null);
      }
      HeapHnswGraph g = new HeapHnswGraph(m, numItems);
      idx.graph = g;
      try (Workers w = Workers.create(threads)) {
        new HnswBuilder(idx, g, efConstruction, threads).insert(0, numItems, w);
      }
      return idx;
    }
  }

  static void checkShape(float[] vectors, int numItems, int dim) {
    if (numItems < 0 || dim < 1) {
      throw new IllegalArgumentException("bad shape: numItems=" + numItems + ", dim=" + dim);
    }
    if (vectors.length < (long) numItems * dim) {
      throw new IllegalArgumentException("vectors length " + vectors.length + " < numItems * dim = "
          + (long) numItems * dim);
    }
  }

  /** Unit-normalised copy of the first n rows (zero rows stay zero). */
  static float[] normalized(float[] vectors, int n, int dim) {
    float[] out = new float[n * dim];
    for (int i = 0; i < n; i++) {
      normalizeRow(vectors, i * dim, out, i * dim, dim);
    }
    return out;
  }

  static void normalizeRow(float[] src, int sOff, float[] dst, int dOff, int dim) {
    float norm = (float) Math.sqrt(VectorOps.squaredNorm(src, sOff, dim));
    float inv = norm > 0f ? 1f / norm : 0f;
    for (int k = 0; k < dim; k++) {
      dst[dOff + k] = src[sOff + k] * inv;
    }
  }

  static float maxNorm(float[] vectors, int n, int dim) {
    float max = 0f;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, VectorOps.squaredNorm(vectors, i * dim, dim));
    }
    return (float) Math.sqrt(max);
  }

  /** a_i = sqrt(M² − ‖x_i‖²), clamped at 0 for items added later with a larger norm. */
  static float[] augment(float[] vectors, int n, int dim, float maxNorm, float[] into) {
    float[] a = into != null && into.length >= n ? into : new float[n];
    double mm = (double) maxNorm * maxNorm;
    for (int i = 0; i < n; i++) {
      a[i] = (float) Math.sqrt(Math.max(0.0, mm - VectorOps.squaredNorm(vectors, i * dim, dim)));
    }
    return a;
  }

  public int size() {
    return graph.size();
  }

  public int dim() {
    return dim;
  }

  public int m() {
    return m;
  }

  public int efConstruction() {
    return efConstruction;
  }

  public long seed() {
    return seed;
  }

  public MipsTransform transform() {
    return transform;
  }

  /** The item vectors the index searches (row-major; may have spare capacity after {@link #add}). */
  public float[] vectors() {
    return vectors;
  }

  /** Whether the graph is read from a mapped file (read-only) rather than the heap. */
  public boolean isMapped() {
    return graph instanceof MappedHnswGraph;
  }

  public int numDeleted() {
    return graph.numDeleted();
  }

  public boolean isDeleted(int item) {
    checkItem(item);
    return graph.isDeleted(item);
  }

  /**
   * The beam callers should use when they have no reason to choose another: the one set by
   * {@link #setSearchBeam} (e.g. tuned by {@link BeamTuner} when {@code graphcf index build} wrote
   * the file), else {@link #DEFAULT_EF_SEARCH}.
   */
  public int searchBeam() {
    int b = searchBeam;
    return b > 0 ? b : DEFAULT_EF_SEARCH;
  }

  /**
   * The default beam for a top-{@code k} search: {@link #searchBeam()} for k up to the k it was
   * tuned for, and scaled by k / tuned k above that (the beam keeps its ratio to k, which is what
   * recall@k depends on to first order), never less than k. Untuned: max(default, k).
   */
  public int searchBeam(int k) {
    int b = searchBeam();
    int tk = searchBeamK;
    if (isSearchBeamTuned() && tk > 0 && k > tk) {
      b = (int) Math.min(Integer.MAX_VALUE, ((long) b * k + tk - 1) / tk);
    }
    return Math.max(b, k);
  }

  /** True when {@link #searchBeam()} was set (tuned), not the fixed default. */
  public boolean isSearchBeamTuned() {
    return searchBeam > 0;
  }

  /** The k the beam was tuned for (0 if not tuned). */
  public int searchBeamK() {
    return searchBeamK;
  }

  /** The sample recall@{@link #searchBeamK()} the tuned beam reached (NaN if not tuned). */
  public float searchBeamRecall() {
    return searchBeamRecall;
  }

  /**
   * Sets the default beam, recording the k and the recall it was tuned for; saved with the index.
   * Not available on a mapped index (set it before {@link #save}).
   */
  public void setSearchBeam(int ef, int k, double recall) {
    if (ef < 1 || k < 0) {
      throw new IllegalArgumentException("need ef >= 1 and k >= 0, got ef=" + ef + ", k=" + k);
    }
    heapGraph("setSearchBeam");
    this.searchBeamK = k;
    this.searchBeamRecall = (float) recall;
    this.searchBeam = ef;
  }

  /** Restores the saved beam fields (file reader). */
  void restoreSearchBeam(int ef, int k, float recall) {
    this.searchBeamK = k;
    this.searchBeamRecall = recall;
    this.searchBeam = ef;
  }

  /** A new reusable per-thread search scratch. */
  public HnswSearcher searcher() {
    return new HnswSearcher(this);
  }

  /** Top {@code k} by inner product with beam {@code ef}, nothing excluded but deleted items. */
  public SearchHits search(float[] query, int k, int ef) {
    return search(query, k, ef, null, null);
  }

  /**
   * Top {@code k} by inner product with beam {@code ef}, never returning deleted items, items in
   * {@code excluded} (sorted ascending, may be null) or items the filter rejects (may be null).
   */
  public SearchHits search(float[] query, int k, int ef, int[] excluded, ItemFilter filter) {
    HnswSearcher s = searchers.get();
    TopK out = new TopK(k);
    search(s, query, 0, k, ef, excluded, excluded == null ? 0 : excluded.length, filter, out);
    return SearchHits.drain(out);
  }

  void search(HnswSearcher s, float[] query, int qOff, int k, int ef, int[] excluded, int nExcluded,
      ItemFilter filter, TopK out) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    if (ef < 1) {
      throw new IllegalArgumentException("ef must be >= 1, got " + ef);
    }
    if (query.length - qOff < dim) {
      throw new IllegalArgumentException("dim mismatch: index=" + dim + ", query=" + (query.length - qOff));
    }
    lock.readLock().lock();
    try {
      HnswGraph g = graph;
      int n = g.size();
      out.reset(k);
      if (n == 0) {
        return;
      }
      // Items that can still be returned (an upper bound: the excluded list may repeat deleted items).
      long open = (long) n - nExcluded - g.numDeleted();
      int width = Math.max(ef, k);
      if (open <= 2L * width) {
        exactSearch(query, qOff, k, excluded, nExcluded, filter, out);
        return;
      }
      // widen the beam by the excluded fraction: ef' = ef · n / open
      width = (int) Math.min(n, (long) Math.ceil((double) width * n / Math.max(1, open)));
      TopK res = s.searchQuery(g, vectors, aug, dim, query, qOff, width, excluded, nExcluded, filter, quantizer);
      if (res.size() < Math.min(k, open) && filter != null) {
        exactSearch(query, qOff, k, excluded, nExcluded, filter, out);
        return;
      }
      res.offerAllTo(out);
    } finally {
      lock.readLock().unlock();
    }
  }

  private void exactSearch(float[] query, int qOff, int k, int[] excluded, int nExcluded, ItemFilter filter,
      TopK out) {
    ExactSearcher e = exact;
    if (e == null || e.numItems() != graph.size()) {
      e = new ExactSearcher(vectors, graph.size(), dim);
      exact = e;
    }
    HnswGraph g = graph;
    ItemFilter f = g.numDeleted() == 0 ? filter : item -> !g.isDeleted(item) && (filter == null || filter.accept(item));
    e.search(query, qOff, k, excluded, nExcluded, f, out);
  }

  /**
   * Adds one item (copied) and links it into the graph; returns its ordinal ({@link #size()} before
   * the call). Not available on a mapped index.
   */
  public int add(float[] vector) {
    if (vector.length != dim) {
      throw new IllegalArgumentException("dim mismatch: index=" + dim + ", vector=" + vector.length);
    }
    HeapHnswGraph g = heapGraph("add");
    lock.writeLock().lock();
    try {
      int node = g.size;
      long need = (long) (node + 1) * dim;
      if (vectors.length < need) {
        vectors = Arrays.copyOf(vectors, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(need, need * 3 / 2)));
      }
      System.arraycopy(vector, 0, vectors, node * dim, dim);
      if (transform == MipsTransform.ANGULAR) {
        if (buildVectors.length < need) {
          buildVectors = Arrays.copyOf(buildVectors, vectors.length);
        }
        normalizeRow(vector, 0, buildVectors, node * dim, dim);
      } else {
        buildVectors = vectors;
      }
      if (aug != null) {
        if (aug.length <= node) {
          aug = Arrays.copyOf(aug, Math.max(node + 1, node * 3 / 2));
        }
        double rest = (double) maxNorm * maxNorm - VectorOps.squaredNorm(vectors, node * dim, dim);
        aug[node] = (float) Math.sqrt(Math.max(0.0, rest));
      }
      if (quantizer != null) {
        quantizer.encode(vectors, node * dim, node);
      }
      try (Workers w = Workers.create(1)) {
        new HnswBuilder(this, g, efConstruction, 1).insert(node, node + 1, w);
      }
      exact = null;
      return node;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Traverse the graph on 8-bit scalar-quantised copies of the vectors ({@link ScalarQuantizer}:
   * 64 bytes per 64-dim item instead of 256) and re-score the ef best exactly, so results and
   * scores stay exact inner products while each visited item costs a quarter of the memory traffic.
   * Pays off when the vectors do not fit in cache (hundreds of thousands of items and up); costs
   * {@code numItems * dim} bytes of heap. Idempotent.
   */
  public void quantize() {
    lock.writeLock().lock();
    try {
      if (quantizer == null) {
        quantizer = ScalarQuantizer.fit(vectors, graph.size(), dim);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Whether {@link #quantize} is on. */
  public boolean isQuantized() {
    return quantizer != null;
  }

  /** Marks an item deleted: never returned again, still traversed. Returns false if it already was. */
  public boolean delete(int item) {
    checkItem(item);
    HeapHnswGraph g = heapGraph("delete");
    lock.writeLock().lock();
    try {
      return g.markDeleted(item);
    } finally {
      lock.writeLock().unlock();
    }
  }

  private HeapHnswGraph heapGraph(String op) {
    if (!(graph instanceof HeapHnswGraph)) {
      throw new IllegalStateException(op + " needs an index on the heap; this one is mapped read-only from "
          + ((MappedHnswGraph) graph).path());
    }
    return (HeapHnswGraph) graph;
  }

  private void checkItem(int item) {
    if (item < 0 || item >= graph.size()) {
      throw new IllegalArgumentException("item out of range: expected [0, " + graph.size() + "), got " + item);
    }
  }

  /** Writes the graph (not the vectors) to {@code path} atomically; see {@link HnswFile}. */
  public void save(Path path) throws IOException {
    lock.readLock().lock();
    try {
      HnswFile.write(this, path);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Opens a saved graph mapped read-only over {@code vectors[0 .. numItems * dim)}; refuses a
   * corrupt file, and vectors whose shape or checksum differ from those the graph was built on.
   */
  public static HnswIndex load(Path path, float[] vectors, int numItems, int dim) throws IOException {
    checkShape(vectors, numItems, dim);
    return HnswFile.open(path, vectors, numItems, dim);
  }

  /** Approximate bytes of the graph held on the heap (0 for a mapped graph); vectors excluded. */
  public long graphRamBytes() {
    return graph instanceof HeapHnswGraph ? ((HeapHnswGraph) graph).ramBytes() : 0L;
  }

  /** Neighbours of {@code item} at {@code level} (for tests and diagnostics; allocates). */
  public int[] neighbors(int item, int level) {
    checkItem(item);
    if (level < 0 || level > graph.level(item)) {
      throw new IllegalArgumentException("level out of range: expected [0, " + graph.level(item) + "], got "
          + level);
    }
    int[] buf = new int[2 * m + 1];
    int n = graph.neighbors(level, item, buf);
    return Arrays.copyOf(buf, n);
  }

  /** The top level of {@code item}. */
  public int level(int item) {
    checkItem(item);
    return graph.level(item);
  }

  /** Entry point and max level (diagnostics). */
  public int entry() {
    return graph.entry();
  }

  public int maxLevel() {
    return graph.maxLevel();
  }
}
