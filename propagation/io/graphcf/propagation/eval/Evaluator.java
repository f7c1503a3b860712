package io.graphcf.propagation.eval;

import io.graphcf.graph.CsrMatrix;
import io.graphcf.graph.Dataset;
import io.graphcf.propagation.Workers;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Full-ranking evaluation with the definitions of LightGCN's reference code (He et al., SIGIR 2020;
 * gusye1234/LightGCN-PyTorch {@code Procedure.Test}, {@code utils.RecallPrecision_ATk},
 * {@code utils.NDCGatK_r}): every item is ranked, the user's training items are excluded, and only
 * users with at least one test item count. For each cut-off K, averaged over those users:
 * <ul>
 *   <li>Recall@K = hits@K / |test_u|;</li>
 *   <li>Precision@K = hits@K / K (K, even when fewer than K items could be ranked);</li>
 *   <li>NDCG@K = Σ_{p<K, top_p ∈ test_u} 1/log2(p+2) / Σ_{p<min(K,|test_u|)} 1/log2(p+2) — binary
 *   relevance, the ideal DCG over min(K, |test_u|) positions (not over the hits found, as NGCF's
 *   {@code metrics.ndcg_at_k} used by kuandeng/LightGCN's TF code does, which inflates NDCG);</li>
 *   <li>HitRate@K = 1 if hits@K &gt; 0 (kuandeng/LightGCN's {@code hit_ratio}).</li>
 * </ul>
 * Beside these, two properties of the lists themselves (not of the hits): Popularity@K, the mean over
 * users of the average training-interaction count of the items in their top K (the average recommendation
 * popularity; the items actually ranked when fewer than K could be, 0 for a user with none), and
 * Coverage@K, the fraction of all items that appear in at least one evaluated user's top K.
 * Ties are broken by the lower item index (the reference's {@code torch.topk} leaves them
 * unspecified); masked items are removed rather than scored -1024 as the reference does.
 *
 * <p>Users are split into fixed blocks of consecutive test users (about {@link #BUFFER_FLOATS} scores
 * per block); each worker thread scores a whole block into its reused buffer, selects the top max(K)
 * per user with {@link TopK} (a threshold scan with the training items excluded only among the few
 * candidates), and sums the metrics and their squares per block. Blocks do not depend on the thread
 * count and their sums are combined in block order, so the result is bit-identical for any number of
 * threads.
 */
public final class Evaluator {
  /** Score-buffer budget per thread (floats): 2 Mi floats = 8 MiB. */
  static final int BUFFER_FLOATS = 1 << 21;

  private Evaluator() {}

  /** The cut-offs reported by default: {10, 20, 50}. */
  public static int[] defaultKs() {
    return new int[] {10, 20, 50};
  }

  /** Evaluates {@code scorer} on {@code data}'s test set at the cut-offs {@code ks}. */
  public static EvalResult evaluate(UserScorer scorer, Dataset data, int[] ks, Workers workers) {
    return evaluate(scorer, data, ks, workers, defaultBlockUsers(data.numItems()));
  }

  /** Users per block so that a thread's score buffer holds about {@link #BUFFER_FLOATS} floats. */
  static int defaultBlockUsers(int numItems) {
    return Math.max(16, Math.min(256, BUFFER_FLOATS / Math.max(1, numItems)));
  }

  /**
   * As {@link #evaluate(UserScorer, Dataset, int[], Workers)}, keeping every evaluated user's metric values
   * as well (for paired comparisons of two models on the same users, {@link PairedComparison}). The means
   * are bit-identical to {@code evaluate}'s.
   */
  public static PerUserMetrics evaluatePerUser(UserScorer scorer, Dataset data, int[] ks, Workers workers) {
    int[] users = usersWithTestItems(data.test());
    double[] values = new double[Math.multiplyExact(users.length, 4 * ks.length)];
    EvalResult r = evaluate(scorer, data, ks, workers, defaultBlockUsers(data.numItems()), users, values);
    return new PerUserMetrics(r, users, values);
  }

  /** As {@link #evaluate(UserScorer, Dataset, int[], Workers)} with an explicit block size. */
  static EvalResult evaluate(UserScorer scorer, Dataset data, int[] ks, Workers workers, int blockUsers) {
    return evaluate(scorer, data, ks, workers, blockUsers, usersWithTestItems(data.test()), null);
  }

  /**
   * The evaluation of {@code users} (those with test items, ascending); when {@code perUser} is not null it
   * receives each evaluated user's values, user by user in that order, four metrics (recall, precision, NDCG, hit) of {@code ks.length} values each.
   */
  private static EvalResult evaluate(UserScorer scorer, Dataset data, int[] ks, Workers workers, int blockUsers,
      int[] users, double[] perUser) {
    long start = System.nanoTime();
    int numItems = data.numItems();
    if (scorer.numItems() != numItems) {
      throw new IllegalArgumentException("item count mismatch: scorer=" + scorer.numItems() + ", data=" + numItems);
    }
    if (ks.length == 0) {
      throw new IllegalArgumentException("ks must not be empty");
    }
    int maxK = 0;
    for (int i = 0; i < ks.length; i++) {
      if (ks[i] < 1) {
        throw new IllegalArgumentException("k must be >= 1, got " + ks[i]);
      }
      for (int j = 0; j < i; j++) {
        if (ks[j] == ks[i]) {
          throw new IllegalArgumentException("k=" + ks[i] + " given twice");
        }
      }
      maxK = Math.max(maxK, ks[i]);
    }
    if (blockUsers < 1 || (long) blockUsers * numItems > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("blockUsers must be >= 1 and blockUsers x numItems fit an array, got "
          + blockUsers + " x " + numItems);
    }
    int nu = users.length;
    int nk = ks.length;
    int nBlocks = (nu + blockUsers - 1) / blockUsers;
    // per block: the four metrics' sums, their sums of squares (for the standard errors), the popularity sums
    double[] blockSums = new double[nBlocks * STRIDE * nk];
    // discount 1/log2(p+2) at 0-based position p, and its prefix sums (the ideal DCG of m hits)
    double[] discount = new double[maxK];
    double[] idcg = new double[maxK + 1];
    for (int p = 0; p < maxK; p++) {
      discount[p] = 1.0 / (Math.log(p + 2) / Math.log(2));
      idcg[p + 1] = idcg[p] + discount[p];
    }
    int kMax = maxK;
    int threads = Math.max(1, Math.min(workers.threads(), nBlocks));
    // per thread: each item's best (lowest) 0-based position in any user's list, for the coverage
    int[][] bestRanks = new int[threads][];
    AtomicInteger next = new AtomicInteger();
    ItemRangeScorer ranged = scorer instanceof ItemRangeScorer ? (ItemRangeScorer) scorer : null;
    int chunk = ranged == null ? numItems : Math.max(1, Math.min(numItems, ranged.itemChunk()));
    workers.run(threads, t -> {
      Block b = new Block(Math.min(blockUsers, nu), ranged == null ? numItems : chunk, kMax, ranged != null,
          numItems);
      bestRanks[t] = b.bestRank;
      for (int blk = next.getAndIncrement(); blk < nBlocks; blk = next.getAndIncrement()) {
        int from = blk * blockUsers;
        int to = Math.min(nu, from + blockUsers);
        if (ranged == null) {
          scoreAndSelect(scorer, data, users, from, to, kMax, b);
        } else {
          scoreAndSelectChunked(ranged, chunk, data, users, from, to, kMax, b);
        }
        accumulate(data, users, from, to, ks, kMax, discount, idcg, b, blockSums, blk * STRIDE * nk, perUser);
      }
    });
    double[][] mean = new double[4][nk];
    double[][] stdErr = new double[4][nk];
    double[] popularity = new double[nk];
    for (int blk = 0; blk < nBlocks; blk++) {
      for (int m = 0; m < 4; m++) {
        for (int ki = 0; ki < nk; ki++) {
          mean[m][ki] += blockSums[(blk * STRIDE + m) * nk + ki];
          stdErr[m][ki] += blockSums[(blk * STRIDE + 4 + m) * nk + ki];
        }
      }
      for (int ki = 0; ki < nk; ki++) {
        popularity[ki] += blockSums[(blk * STRIDE + 8) * nk + ki];
      }
    }
    double[] coverage = coverage(bestRanks, ks, numItems);
    for (int ki = 0; ki < nk; ki++) {
      popularity[ki] = nu > 0 ? popularity[ki] / nu : 0;
    }
    for (int m = 0; m < 4; m++) {
      for (int ki = 0; ki < nk; ki++) {
        stdErr[m][ki] = standardError(mean[m][ki], stdErr[m][ki], nu);
        mean[m][ki] = nu > 0 ? mean[m][ki] / nu : 0;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new EvalResult(ks, mean, stdErr, popularity, coverage, nu, seconds);
  }

  /** Per block and cut-off: four metric sums, their four sums of squares, the popularity sum. */
  private static final int STRIDE = 9;

  /** Coverage@k for each k: items whose best position over the threads' lists is below k, over all items. */
  private static double[] coverage(int[][] bestRanks, int[] ks, int numItems) {
    double[] coverage = new double[ks.length];
    for (int i = 0; i < numItems; i++) {
      int best = Integer.MAX_VALUE;
      for (int[] threadBest : bestRanks) {
        best = Math.min(best, threadBest[i]);
      }
      for (int ki = 0; ki < ks.length; ki++) {
        if (best < ks[ki]) {
          coverage[ki]++;
        }
      }
    }
    for (int ki = 0; ki < ks.length; ki++) {
      coverage[ki] = numItems > 0 ? coverage[ki] / numItems : 0;
    }
    return coverage;
  }

  /**
   * Standard error of a mean over n users from the sum and the sum of squares of their values: the
   * sample standard deviation (n − 1 in the denominator) over √n; 0 for fewer than two users.
   */
  static double standardError(double sum, double sumSquares, int n) {
    if (n < 2) {
      return 0;
    }
    double mean = sum / n;
    double variance = Math.max(0, (sumSquares - n * mean * mean) / (n - 1));
    return Math.sqrt(variance / n);
  }

  /** Users with at least one test item, ascending. */
  static int[] usersWithTestItems(CsrMatrix test) {
    int[] ptr = test.rowPtr();
    int n = 0;
    for (int u = 0; u < test.rows(); u++) {
      if (ptr[u + 1] > ptr[u]) {
        n++;
      }
    }
    int[] users = new int[n];
    n = 0;
    for (int u = 0; u < test.rows(); u++) {
      if (ptr[u + 1] > ptr[u]) {
        users[n++] = u;
      }
    }
    return users;
  }

  /** Per-thread scratch, reused across blocks. */
  private static final class Block {
    final float[] scores;
    /** One selector per user of a block (chunked scoring), or just one. */
    final TopK[] topK;
    /** The selected items of each user of the block, maxK apart, and how many. */
    final int[] top;
    final int[] count;
    final int[] hitsUpTo;
    final double[] dcgUpTo;
    /** Training-interaction counts of the list's items, summed up to each position. */
    final double[] popularityUpTo;
    /** Each item's best (lowest) position in any list this thread has seen; MAX_VALUE if in none. */
    final int[] bestRank;

    Block(int users, int itemsPerRow, int maxK, boolean perUser, int numItems) {
      scores = new float[users * itemsPerRow];
      topK = new TopK[perUser ? users : 1];
      for (int q = 0; q < topK.length; q++) {
        topK[q] = new TopK(maxK);
      }
      top = new int[users * maxK];
      count = new int[users];
      hitsUpTo = new int[maxK + 1];
      dcgUpTo = new double[maxK + 1];
      popularityUpTo = new double[maxK + 1];
      bestRank = new int[numItems];
      java.util.Arrays.fill(bestRank, Integer.MAX_VALUE);
    }
  }

  /** Whole rows: score the block, then select each user's top maxK with the training items excluded. */
  private static void scoreAndSelect(UserScorer scorer, Dataset data, int[] users, int from, int to, int maxK,
      Block b) {
    int numItems = data.numItems();
    int[] trainPtr = data.train().userItems().rowPtr();
    int[] trainIdx = data.train().userItems().colIdx();
    scorer.score(users, from, to, b.scores);
    TopK t = b.topK[0];
    for (int q = 0; q < to - from; q++) {
      int u = users[from + q];
      t.reset(maxK, trainIdx, trainPtr[u], trainPtr[u + 1]);
      t.add(b.scores, q * numItems, 0, numItems);
      b.count[q] = t.finish(b.top, q * maxK, null, 0);
    }
  }

  /** Chunk by chunk: each chunk of items is scored for the whole block and selected while in cache. */
  private static void scoreAndSelectChunked(ItemRangeScorer scorer, int chunk, Dataset data, int[] users, int from,
      int to, int maxK, Block b) {
    int numItems = data.numItems();
    int[] trainPtr = data.train().userItems().rowPtr();
    int[] trainIdx = data.train().userItems().colIdx();
    int n = to - from;
    for (int q = 0; q < n; q++) {
      int u = users[from + q];
      b.topK[q].reset(maxK, trainIdx, trainPtr[u], trainPtr[u + 1]);
    }
    for (int i0 = 0; i0 < numItems; i0 += chunk) {
      int w = Math.min(chunk, numItems - i0);
      scorer.scoreItems(users, from, to, i0, i0 + w, b.scores);
      for (int q = 0; q < n; q++) {
        b.topK[q].add(b.scores, q * w, i0, w);
      }
    }
    for (int q = 0; q < n; q++) {
      b.count[q] = b.topK[q].finish(b.top, q * maxK, null, 0);
    }
  }

  /**
   * Adds the block's metrics (from the selected items), their squares and the lists' popularity to
   * {@code sums[base ..]}, records the items' best positions in {@code b.bestRank}, and stores each user's
   * values in {@code perUser} when it is not null.
   */
  private static void accumulate(Dataset data, int[] users, int from, int to, int[] ks, int maxK, double[] discount,
      double[] idcg, Block b, double[] sums, int base, double[] perUser) {
    int nk = ks.length;
    // an item's training-interaction count is the difference of two neighbours of the item-to-users row pointer
    int[] itemPtr = data.train().itemUsers().rowPtr();
    int[] testPtr = data.test().rowPtr();
    int[] testIdx = data.test().colIdx();
    for (int q = 0; q < to - from; q++) {
      int u = users[from + q];
      int m = b.count[q];
      int to0 = q * maxK;
      int ts = testPtr[u];
      int te = testPtr[u + 1];
      int nt = te - ts;
      // prefix counts over the ranked list: hits and DCG = Σ_{p, top_p ∈ test_u} 1/log2(p+2)
      int hits = 0;
      double dcg = 0;
      double popularity = 0;
      b.hitsUpTo[0] = 0;
      b.dcgUpTo[0] = 0;
      b.popularityUpTo[0] = 0;
      for (int p = 0; p < maxK; p++) {
        if (p < m) {
          int item = b.top[to0 + p];
          if (java.util.Arrays.binarySearch(testIdx, ts, te, item) >= 0) {
            hits++;
            dcg += discount[p];
          }
          popularity += itemPtr[item + 1] - itemPtr[item];
          if (p < b.bestRank[item]) {
            b.bestRank[item] = p;
          }
        }
        b.hitsUpTo[p + 1] = hits;
        b.dcgUpTo[p + 1] = dcg;
        b.popularityUpTo[p + 1] = popularity;
      }
      for (int ki = 0; ki < nk; ki++) {
        int k = ks[ki];
        int h = b.hitsUpTo[k];
        double recall = (double) h / nt;
        double precision = (double) h / k;
        double ndcg = b.dcgUpTo[k] / idcg[Math.min(k, nt)];
        double hit = h > 0 ? 1.0 : 0.0;
        int listed = Math.min(k, m);
        sums[base + 8 * nk + ki] += listed > 0 ? b.popularityUpTo[listed] / listed : 0;
        sums[base + ki] += recall;
        sums[base + nk + ki] += precision;
        sums[base + 2 * nk + ki] += ndcg;
        sums[base + 3 * nk + ki] += hit;
        sums[base + 4 * nk + ki] += recall * recall;
        sums[base + 5 * nk + ki] += precision * precision;
        sums[base + 6 * nk + ki] += ndcg * ndcg;
        sums[base + 7 * nk + ki] += hit;
        if (perUser != null) {
          int row = (from + q) * 4 * nk;
          perUser[row + ki] = recall;
          perUser[row + nk + ki] = precision;
          perUser[row + 2 * nk + ki] = ndcg;
          perUser[row + 3 * nk + ki] = hit;
        }
      }
    }
  }
}
