package io.graphcf.graph;

import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Supplier;
import org.jgrapht.GraphType;
import org.jgrapht.graph.AbstractGraph;
import org.jgrapht.graph.DefaultGraphType;

/**
 * A read-only JGraphT {@link org.jgrapht.Graph} over the training CSR of a store, without copying
 * anything into JGraphT structures (in the spirit of JGraphT's {@code org.jgrapht.opt.graph.sparse}
 * graphs). Vertices are {@code 0..numUsers-1} for users and {@code numUsers..numUsers+numItems-1}
 * for items; edge {@code e} is the position of the pair in the user → items column array, so edge
 * ids are {@code 0..nnz-1} and may pass 2^31. The graph is simple, undirected and unweighted
 * (weight 1). Every mutator throws {@link UnsupportedOperationException}.
 *
 * <p>Costs: {@link #getEdgeSource} is a binary search over the user offsets (O(log numUsers));
 * the edges of an item are found by a binary search in each neighbouring user's row. This is a view
 * for analysis with JGraphT's algorithms, never a kernel's input (it boxes every vertex and edge).
 * Thread-safe (immutable).
 */
public final class BipartiteGraphView extends AbstractGraph<Integer, Long> {
  private static final GraphType TYPE = new DefaultGraphType.Builder()
      .undirected().allowSelfLoops(false).allowMultipleEdges(false).allowCycles(true).weighted(false)
      .modifiable(false).build();

  private final MappedCsr userItems;
  private final MappedCsr itemUsers;
  private final int numUsers;
  private final int numItems;
  private final long nnz;

  /** A view over a user → items CSR and its transpose (as stored by {@link GraphStore}). */
  public BipartiteGraphView(MappedCsr userItems, MappedCsr itemUsers) {
    if (itemUsers.rows() != userItems.cols() || itemUsers.cols() != userItems.rows()
        || itemUsers.nnz() != userItems.nnz()) {
      throw new IllegalArgumentException("itemUsers " + itemUsers + " is not the transpose of userItems " + userItems);
    }
    this.userItems = userItems;
    this.itemUsers = itemUsers;
    this.numUsers = userItems.rows();
    this.numItems = userItems.cols();
    this.nnz = userItems.nnz();
  }

  /** The training graph of a store. */
  public static BipartiteGraphView of(GraphStore store) {
    return new BipartiteGraphView(store.trainUserItems(), store.trainItemUsers());
  }

  public int numUsers() {
    return numUsers;
  }

  public int numItems() {
    return numItems;
  }

  /** Whether vertex {@code v} is a user (else an item). */
  public boolean isUser(int v) {
    return v < numUsers;
  }

  private boolean isVertex(Integer v) {
    return v != null && v >= 0 && v < numUsers + numItems;
  }

  private int require(Integer v) {
    if (!isVertex(v)) {
      throw new IllegalArgumentException("no such vertex: " + v + " (vertices are 0.." + (numUsers + numItems - 1)
          + ")");
    }
    return v;
  }

  private long requireEdge(Long e) {
    if (e == null || e < 0 || e >= nnz) {
      throw new IllegalArgumentException("no such edge: " + e + " (edges are 0.." + (nnz - 1) + ")");
    }
    return e;
  }

  // ------------------------------------------------------------------------------------ queries

  @Override
  public Set<Long> getAllEdges(Integer a, Integer b) {
    if (!isVertex(a) || !isVertex(b)) {
      return null;
    }
    Long e = getEdge(a, b);
    return e == null ? Collections.emptySet() : Collections.singleton(e);
  }

  @Override
  public Long getEdge(Integer a, Integer b) {
    if (!isVertex(a) || !isVertex(b)) {
      return null;
    }
    int u;
    int i;
    if (a < numUsers && b >= numUsers) {
      u = a;
      i = b - numUsers;
    } else if (b < numUsers && a >= numUsers) {
      u = b;
      i = a - numUsers;
    } else {
      return null;
    }
    long p = userItems.indexOf(u, i);
    return p < 0 ? null : p;
  }

  @Override
  public boolean containsEdge(Long e) {
    return e != null && e >= 0 && e < nnz;
  }

  @Override
  public boolean containsVertex(Integer v) {
    return isVertex(v);
  }

  @Override
  public Set<Long> edgeSet() {
    return new LongRange(0, nnz);
  }

  @Override
  public Set<Integer> vertexSet() {
    return new VertexRange(numUsers + numItems);
  }

  @Override
  public int degreeOf(Integer v) {
    int x = require(v);
    return x < numUsers ? userItems.degree(x) : itemUsers.degree(x - numUsers);
  }

  @Override
  public Set<Long> edgesOf(Integer v) {
    int x = require(v);
    if (x < numUsers) {
      return new LongRange(userItems.rowStart(x), userItems.rowEnd(x));
    }
    return new ItemEdges(x - numUsers);
  }

  @Override
  public int inDegreeOf(Integer v) {
    return degreeOf(v);
  }

  @Override
  public Set<Long> incomingEdgesOf(Integer v) {
    return edgesOf(v);
  }

  @Override
  public int outDegreeOf(Integer v) {
    return degreeOf(v);
  }

  @Override
  public Set<Long> outgoingEdgesOf(Integer v) {
    return edgesOf(v);
  }

  /** The user end of edge {@code e}: the row whose range holds position {@code e}. */
  @Override
  public Integer getEdgeSource(Long e) {
    return userOfEdge(requireEdge(e));
  }

  /** The item end of edge {@code e}, as a vertex ({@code numUsers + item}). */
  @Override
  public Integer getEdgeTarget(Long e) {
    return numUsers + userItems.col(requireEdge(e));
  }

  /** The user whose row holds position {@code pos}: the last row with {@code rowStart(row) <= pos}. */
  public int userOfEdge(long pos) {
    int lo = 0;
    int hi = numUsers - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (userItems.rowStart(mid) <= pos) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  @Override
  public GraphType getType() {
    return TYPE;
  }

  @Override
  public double getEdgeWeight(Long e) {
    requireEdge(e);
    return DEFAULT_EDGE_WEIGHT;
  }

  @Override
  public Supplier<Integer> getVertexSupplier() {
    return null;
  }

  @Override
  public Supplier<Long> getEdgeSupplier() {
    return null;
  }

  // ---------------------------------------------------------------------------------- mutators

  private static UnsupportedOperationException readOnly() {
    return new UnsupportedOperationException("BipartiteGraphView is a read-only view of a graph store");
  }

  @Override
  public Long addEdge(Integer a, Integer b) {
    throw readOnly();
  }

  @Override
  public boolean addEdge(Integer a, Integer b, Long e) {
    throw readOnly();
  }

  @Override
  public Integer addVertex() {
    throw readOnly();
  }

  @Override
  public boolean addVertex(Integer v) {
    throw readOnly();
  }

  @Override
  public Long removeEdge(Integer a, Integer b) {
    throw readOnly();
  }

  @Override
  public boolean removeEdge(Long e) {
    throw readOnly();
  }

  @Override
  public boolean removeVertex(Integer v) {
    throw readOnly();
  }

  @Override
  public void setEdgeWeight(Long e, double weight) {
    throw readOnly();
  }

  // ------------------------------------------------------------------------------------- sets

  /** The half-open range {@code [from, to)} of edge positions. */
  private static final class LongRange extends AbstractSet<Long> {
    private final long from;
    private final long to;

    LongRange(long from, long to) {
      this.from = from;
      this.to = to;
    }

    @Override
    public int size() {
      return (int) Math.min(Integer.MAX_VALUE, to - from);
    }

    @Override
    public boolean contains(Object o) {
      if (!(o instanceof Long)) {
        return false;
      }
      long v = (Long) o;
      return v >= from && v < to;
    }

    @Override
    public Iterator<Long> iterator() {
      return new Iterator<>() {
        long next = from;

        @Override
        public boolean hasNext() {
          return next < to;
        }

        @Override
        public Long next() {
          if (next >= to) {
            throw new NoSuchElementException();
          }
          return next++;
        }
      };
    }
  }

  private static final class VertexRange extends AbstractSet<Integer> {
    private final int n;

    VertexRange(int n) {
      this.n = n;
    }

    @Override
    public int size() {
      return n;
    }

    @Override
    public boolean contains(Object o) {
      return o instanceof Integer && (Integer) o >= 0 && (Integer) o < n;
    }

    @Override
    public Iterator<Integer> iterator() {
      return new Iterator<>() {
        int next;

        @Override
        public boolean hasNext() {
          return next < n;
        }

        @Override
        public Integer next() {
          if (next >= n) {
            throw new NoSuchElementException();
          }
          return next++;
        }
      };
    }
  }

  /** The edges of item {@code item}: for each of its users, the pair's position in that user's row. */
  private final class ItemEdges extends AbstractSet<Long> {
    private final int item;
    private final long start;
    private final long end;

    ItemEdges(int item) {
      this.item = item;
      this.start = itemUsers.rowStart(item);
      this.end = itemUsers.rowEnd(item);
    }

    @Override
    public int size() {
      return (int) (end - start);
    }

    @Override
    public boolean contains(Object o) {
      if (!(o instanceof Long)) {
        return false;
      }
      long e = (Long) o;
      return e >= 0 && e < nnz && userItems.col(e) == item;
    }

    @Override
    public Iterator<Long> iterator() {
      return new Iterator<>() {
        long next = start;

        @Override
        public boolean hasNext() {
          return next < end;
        }

        @Override
        public Long next() {
          if (next >= end) {
            throw new NoSuchElementException();
          }
          int u = itemUsers.col(next++);
          return userItems.indexOf(u, item);
        }
      };
    }
  }
}
