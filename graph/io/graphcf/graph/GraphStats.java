package io.graphcf.graph;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jgrapht.alg.connectivity.ConnectivityInspector;
import org.jgrapht.alg.scoring.Coreness;

/**
 * Summary statistics of a store's training graph: counts, density, degree percentiles of users and
 * items, connected components and k-core sizes. Two implementations compute the same numbers:
 * {@link #compute} with primitive loops over the mapped CSR (breadth-first search for components,
 * {@link KCoreFilter} peeling for cores), and {@link #computeWithJGraphT} with JGraphT's {@link
 * ConnectivityInspector} and {@link Coreness} over the {@link BipartiteGraphView} (slower: it boxes
 * every vertex and edge; kept as the cross-check and for other JGraphT analyses).
 *
 * <p>Percentiles use the nearest-rank definition: {@code pX} is the {@code ceil(X/100 · n)}-th
 * smallest degree. Components count isolated vertices (users or items without training edges).
 */
public final class GraphStats {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Degree distribution summary. */
  public static final class Degrees {
    public final int min;
    public final int p50;
    public final int p90;
    public final int p99;
    public final int max;
    public final double mean;

    Degrees(int[] degrees) {
      int[] d = degrees.clone();
      Arrays.sort(d);
      int n = d.length;
      long sum = 0;
      for (int x : d) {
        sum += x;
      }
      this.min = n == 0 ? 0 : d[0];
      this.max = n == 0 ? 0 : d[n - 1];
      this.p50 = percentile(d, 50);
      this.p90 = percentile(d, 90);
      this.p99 = percentile(d, 99);
      this.mean = n == 0 ? 0 : (double) sum / n;
    }

    /** Nearest rank: the ceil(p/100·n)-th smallest value. */
    static int percentile(int[] sorted, int p) {
      int n = sorted.length;
      if (n == 0) {
        return 0;
      }
      int rank = (int) Math.ceil(p / 100.0 * n);
      return sorted[Math.max(rank, 1) - 1];
    }

    ObjectNode toJson() {
      ObjectNode o = JSON.createObjectNode();
      o.put("min", min).put("p50", p50).put("p90", p90).put("p99", p99).put("max", max).put("mean", mean);
      return o;
    }
  }

  /** Size of one k-core. */
  public static final class CoreSize {
    public final int users;
    public final int items;
    public final long edges;

    CoreSize(int users, int items, long edges) {
      this.users = users;
      this.items = items;
      this.edges = edges;
    }
  }

  public final int users;
  public final int items;
  public final long train;
  public final long test;
  public final double density;
  public final Degrees userDegrees;
  public final Degrees itemDegrees;
  public final int components;
  public final int largestComponent;
  /** k → size of the k-core, in ascending k. */
  public final Map<Integer, CoreSize> kcore;

  private GraphStats(int users, int items, long train, long test, int[] userDeg, int[] itemDeg, int components,
      int largestComponent, Map<Integer, CoreSize> kcore) {
    this.users = users;
    this.items = items;
    this.train = train;
    this.test = test;
    this.density = users == 0 || items == 0 ? 0 : (double) train / ((double) users * items);
    this.userDegrees = new Degrees(userDeg);
    this.itemDegrees = new Degrees(itemDeg);
    this.components = components;
    this.largestComponent = largestComponent;
    this.kcore = kcore;
  }

  /** Statistics by primitive loops over the mapped CSR (the default). */
  public static GraphStats compute(GraphStore store, int... ks) {
    MappedCsr ui = store.trainUserItems();
    MappedCsr iu = store.trainItemUsers();
    int nu = ui.rows();
    int ni = ui.cols();
    // Breadth-first search over users 0..nu-1 and items nu..nu+ni-1.
    int[] comp = new int[nu + ni];
    Arrays.fill(comp, -1);
    int[] queue = new int[nu + ni];
    int count = 0;
    int largest = 0;
    for (int s = 0; s < nu + ni; s++) {
      if (comp[s] >= 0) {
        continue;
      }
      int head = 0;
      int tail = 0;
      queue[tail++] = s;
      comp[s] = count;
      while (head < tail) {
        int v = queue[head++];
        boolean user = v < nu;
        MappedCsr m = user ? ui : iu;
        int row = user ? v : v - nu;
        int offset = user ? nu : 0;
        for (long p = m.rowStart(row), e = m.rowEnd(row); p < e; p++) {
          int w = m.col(p) + offset;
          if (comp[w] < 0) {
            comp[w] = count;
            queue[tail++] = w;
          }
        }
      }
      largest = Math.max(largest, tail);
      count++;
    }
    Map<Integer, CoreSize> cores = new TreeMap<>();
    if (ks.length > 0) {
      CsrMatrix hu = ui.toHeap();
      CsrMatrix hi = iu.toHeap();
      for (int k : ks) {
        KCoreFilter.Core c = KCoreFilter.core(hu, hi, k);
        cores.put(k, new CoreSize(c.users, c.items, c.edges));
      }
    }
    return new GraphStats(nu, ni, ui.nnz(), store.testNnz(), ui.degrees(), iu.degrees(), count, largest, cores);
  }

  /** The same statistics through JGraphT's algorithms on the {@link BipartiteGraphView}. */
  public static GraphStats computeWithJGraphT(GraphStore store, int... ks) {
    BipartiteGraphView g = BipartiteGraphView.of(store);
    int nu = g.numUsers();
    int ni = g.numItems();
    int[] ud = new int[nu];
    int[] id = new int[ni];
    for (int v = 0; v < nu + ni; v++) {
      int d = g.degreeOf(v);
      if (v < nu) {
        ud[v] = d;
      } else {
        id[v - nu] = d;
      }
    }
    List<Set<Integer>> sets = new ConnectivityInspector<>(g).connectedSets();
    int largest = 0;
    for (Set<Integer> s : sets) {
      largest = Math.max(largest, s.size());
    }
    Map<Integer, CoreSize> cores = new TreeMap<>();
    if (ks.length > 0) {
      Map<Integer, Integer> coreness = new Coreness<>(g).getScores();
      for (int k : ks) {
        int users = 0;
        int items = 0;
        long twiceEdges = 0;
        for (int v = 0; v < nu + ni; v++) {
          if (coreness.get(v) >= k) {
            if (v < nu) {
              users++;
            } else {
              items++;
            }
            // Edges inside the core: count each endpoint's in-core neighbours, halve.
            for (Long e : g.edgesOf(v)) {
              int w = v < nu ? g.getEdgeTarget(e) : g.getEdgeSource(e);
              if (coreness.get(w) >= k) {
                twiceEdges++;
              }
            }
          }
        }
        cores.put(k, new CoreSize(users, items, twiceEdges / 2));
      }
    }
    return new GraphStats(nu, ni, store.trainNnz(), store.testNnz(), ud, id, sets.size(), largest, cores);
  }

  /** Machine-readable form: keys {@code users, items, train, test, density, degrees, components, kcore}. */
  public ObjectNode toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("users", users).put("items", items).put("train", train).put("test", test).put("density", density);
    ObjectNode deg = o.putObject("degrees");
    deg.set("users", userDegrees.toJson());
    deg.set("items", itemDegrees.toJson());
    o.putObject("components").put("count", components).put("largest", largestComponent);
    ObjectNode kc = o.putObject("kcore");
    for (Map.Entry<Integer, CoreSize> e : kcore.entrySet()) {
      kc.putObject(Integer.toString(e.getKey())).put("users", e.getValue().users).put("items", e.getValue().items)
          .put("train", e.getValue().edges);
    }
    return o;
  }

  /** Human-readable table. */
  public String toTable() {
    StringBuilder sb = new StringBuilder();
    row(sb, "users", String.format(Locale.ROOT, "%,d", users));
    row(sb, "items", String.format(Locale.ROOT, "%,d", items));
    row(sb, "train interactions", String.format(Locale.ROOT, "%,d", train));
    row(sb, "test interactions", String.format(Locale.ROOT, "%,d", test));
    row(sb, "density (train)", String.format(Locale.ROOT, "%.6f", density));
    sb.append(String.format(Locale.ROOT, "%-22s %8s %8s %8s %8s %8s %10s%n", "degree", "min", "p50", "p90", "p99",
        "max", "mean"));
    degreeRow(sb, "  users", userDegrees);
    degreeRow(sb, "  items", itemDegrees);
    row(sb, "components", String.format(Locale.ROOT, "%,d (largest %,d vertices)", components, largestComponent));
    for (Map.Entry<Integer, CoreSize> e : kcore.entrySet()) {
      CoreSize c = e.getValue();
      row(sb, e.getKey() + "-core", String.format(Locale.ROOT, "%,d users, %,d items, %,d train", c.users, c.items,
          c.edges));
    }
    return sb.toString();
  }

  private static void row(StringBuilder sb, String k, String v) {
    sb.append(String.format(Locale.ROOT, "%-22s %s%n", k, v));
  }

  private static void degreeRow(StringBuilder sb, String k, Degrees d) {
    sb.append(String.format(Locale.ROOT, "%-22s %8d %8d %8d %8d %8d %10.2f%n", k, d.min, d.p50, d.p90, d.p99, d.max,
        d.mean));
  }
}
