package io.graphcf.contrastive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.graph.CsrMatrix;
import io.graphcf.graph.Interactions;
import io.graphcf.propagation.Workers;
import io.graphcf.propagation.model.ModelReader;
import io.graphcf.propagation.model.ModelWriter;
import io.graphcf.propagation.spectral.TruncatedSvd;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LightGCL's hand-written forward and backward pass against an independent dense double-precision
 * implementation of the reference's loss (dense R̃, dense masks, full score matrices), its gradient
 * against central finite differences of that loss, reproducibility and exact resume.
 */
class LightGclTrainerTest {
  /**
   * 5 users × 6 items; user 4 and item 5 are isolated. Degrees: users 0..3 have 3, 2, 2, 3 items;
   * items 0..4 have 3, 2, 2, 2, 1 users, so e.g. R̃[0,0] = 1/sqrt(3·3) = 1/3.
   */
  private static Interactions tiny() {
    int[] u = {0, 0, 0, 1, 1, 2, 2, 3, 3, 3};
    int[] i = {0, 1, 2, 0, 3, 1, 4, 0, 2, 3};
    return Interactions.fromPairs(5, 6, u, i, u.length);
  }

  // a batch with a repeated user, an item both positive and negative, and the isolated nodes
  private static final int[] USERS = {0, 0, 1, 2, 3, 4};
  private static final int[] POS = {0, 2, 3, 1, 0, 1};
  private static final int[] NEG = {3, 5, 1, 5, 4, 0};

  private static LightGclConfig tinyConfig() {
    return LightGclConfig.defaults().withDim(5).withLayers(2).withLambda1(0.7f).withTau(0.5f).withLambda2(0.01f)
        .withBatch(6).withSvdRank(2).withSvdOversample(1).withSeed(11);
  }

  @Test
  void lossMatchesDenseReferenceAndGradientMatchesFiniteDifferences() {
    for (float scale : new float[] {1f, 6f}) {
      for (float drop : new float[] {0f, 0.4f}) {
        checkGradient(tinyConfig().withDropout(drop), scale);
      }
    }
  }

  /** In-batch negatives: the denominator over the batch's distinct nodes of each type only. */
  @Test
  void inBatchNegativesLossAndGradient() {
    for (float scale : new float[] {1f, 6f}) {
      checkGradient(tinyConfig().withNegatives(LightGclConfig.Negatives.BATCH), scale);
    }
  }

  /** LightGCN's batch regulariser on top of λ2: each triple's ego rows, a row once per occurrence. */
  @Test
  void batchDecayLossAndGradient() {
    checkGradient(tinyConfig().withBatchDecay(0.3f), 1f);
    checkGradient(tinyConfig().withBatchDecay(0.3f).withLambda2(0f).withLambda1(0f), 6f);
  }

  @Test
  void gradientWithoutTheSvdView() {
    checkGradient(tinyConfig().withLambda1(0f).withLayers(3), 1f);
  }

  private static void checkGradient(LightGclConfig cfg, float scale) {
    Interactions g = tiny();
    try (Workers w = Workers.create(2)) {
      LightGclTrainer t = new LightGclTrainer(g, cfg, w);
      // scale 6 pushes some positive scores beyond the clamp at ±5
      for (float[] ego : new float[][] {t.egoUsers(), t.egoItems()}) {
        for (int k = 0; k < ego.length; k++) {
          ego[k] *= scale;
        }
      }
      if (t.dropoutMasks() != null) {
        t.dropoutMasks().resample(new SplittableRandom(3));
      }
      double loss = t.lossAndGradient(USERS, POS, NEG, USERS.length);
      Reference ref = new Reference(g, cfg, t.svd(), t.dropoutMasks());
      double[] xu = toDouble(t.egoUsers());
      double[] xi = toDouble(t.egoItems());
      double want = ref.loss(xu, xi);
      String where = "dropout=" + cfg.dropout() + " scale=" + scale + " lambda1=" + cfg.lambda1();
      assertEquals(want, loss, 1e-4 * Math.max(1, Math.abs(want)), "loss " + where);
      checkFd(ref, xu, xi, xu, t.gradUsers(), "user", where);
      checkFd(ref, xu, xi, xi, t.gradItems(), "item", where);
    }
  }

  private static void checkFd(Reference ref, double[] xu, double[] xi, double[] param, float[] grad, String name,
      String where) {
    double h = 1e-5;
    double maxAbs = 0;
    double[] fd = new double[param.length];
    for (int k = 0; k < param.length; k++) {
      double keep = param[k];
      param[k] = keep + h;
      double up = ref.loss(xu, xi);
      param[k] = keep - h;
      double down = ref.loss(xu, xi);
      param[k] = keep;
      // central difference (L(x + h) − L(x − h)) / 2h
      fd[k] = (up - down) / (2 * h);
      maxAbs = Math.max(maxAbs, Math.abs(fd[k]));
    }
    assertTrue(maxAbs > 1e-3, "degenerate gradient " + where);
    for (int k = 0; k < param.length; k++) {
      double tol = 2e-3 * maxAbs + 1e-6;
      if (Math.abs(fd[k] - grad[k]) > tol) {
        throw new AssertionError(name + " gradient at " + k + " (" + where + "): finite difference " + fd[k]
            + ", analytic " + grad[k] + ", tolerance " + tol);
      }
    }
  }

  /** Dense double-precision LightGCL loss, written from the reference's model.py independently. */
  private static final class Reference {
    final int nu;
    final int ni;
    final int d;
    final int layers;
    final LightGclConfig cfg;
    final double[][][] userMasks; // [l][u][i]: the matrix of Z_u^l
    final double[][][] itemMasks; // [l][u][i]: the matrix of Z_i^l (used transposed)
    final double[][] usv; // U S Vᵀ dense, nu × ni

    Reference(Interactions g, LightGclConfig cfg, TruncatedSvd svd, EdgeDropout drop) {
      nu = g.numUsers();
      ni = g.numItems();
      d = cfg.dim();
      layers = cfg.layers();
      this.cfg = cfg;
      CsrMatrix ui = g.userItems();
      CsrMatrix iu = g.itemUsers();
      userMasks = new double[layers][nu][ni];
      itemMasks = new double[layers][nu][ni];
      for (int l = 0; l < layers; l++) {
        for (int u = 0; u < nu; u++) {
          for (int p = ui.rowPtr()[u]; p < ui.rowPtr()[u + 1]; p++) {
            int i = ui.colIdx()[p];
            double a = 1.0 / Math.sqrt((double) ui.degree(u) * iu.degree(i));
            userMasks[l][u][i] = drop == null ? a : drop.usersForward(l)[p];
          }
        }
        for (int i = 0; i < ni; i++) {
          for (int p = iu.rowPtr()[i]; p < iu.rowPtr()[i + 1]; p++) {
            int u = iu.colIdx()[p];
            double a = 1.0 / Math.sqrt((double) ui.degree(u) * iu.degree(i));
            itemMasks[l][u][i] = drop == null ? a : drop.itemsForward(l)[p];
          }
        }
      }
      int r = svd.rank();
      usv = new double[nu][ni];
      for (int u = 0; u < nu; u++) {
        for (int i = 0; i < ni; i++) {
          for (int c = 0; c < r; c++) {
            usv[u][i] += (double) svd.u()[u * r + c] * svd.s()[c] * svd.v()[i * r + c];
          }
        }
      }
    }

    double loss(double[] xu, double[] xi) {
      double[] eu = xu.clone();
      double[] ei = xi.clone();
      double[] gu = xu.clone();
      double[] gi = xi.clone();
      double[] pu = xu;
      double[] pi = xi;
      for (int l = 0; l < layers; l++) {
        double[] zu = new double[nu * d];
        double[] zi = new double[ni * d];
        for (int u = 0; u < nu; u++) {
          for (int i = 0; i < ni; i++) {
            for (int k = 0; k < d; k++) {
              zu[u * d + k] += userMasks[l][u][i] * pi[i * d + k];
              zi[i * d + k] += itemMasks[l][u][i] * pu[u * d + k];
              gu[u * d + k] += usv[u][i] * pi[i * d + k];
              gi[i * d + k] += usv[u][i] * pu[u * d + k];
            }
          }
        }
        for (int k = 0; k < eu.length; k++) {
          eu[k] += zu[k];
        }
        for (int k = 0; k < ei.length; k++) {
          ei[k] += zi[k];
        }
        pu = zu;
        pi = zi;
      }
      int n = USERS.length;
      double bpr = 0;
      for (int b = 0; b < n; b++) {
        double x = dot(eu, USERS[b], ei, POS[b]) - dot(eu, USERS[b], ei, NEG[b]);
        bpr += -Math.log(1 / (1 + Math.exp(-x)));
      }
      bpr /= n;
      double cl = 0;
      if (cfg.lambda1() > 0) {
        int[] items = new int[2 * n];
        for (int b = 0; b < n; b++) {
          items[b] = POS[b];
          items[n + b] = NEG[b];
        }
        cl = cfg.lambda1() * (infoNce(gu, eu, nu, USERS) + infoNce(gi, ei, ni, items));
      }
      double reg = 0;
      for (double v : xu) {
        reg += v * v;
      }
      for (double v : xi) {
        reg += v * v;
      }
      double batchReg = 0;
      for (int b = 0; b < n; b++) {
        for (int k = 0; k < d; k++) {
          double u = xu[USERS[b] * d + k];
          double p = xi[POS[b] * d + k];
          double q = xi[NEG[b] * d + k];
          batchReg += u * u + p * p + q * q;
        }
      }
      return bpr + cl + cfg.lambda2() * reg + cfg.batchDecay() / 2 * batchReg / n;
    }

    /**
     * mean log(Σ_j exp(g_b·e_j/τ) + 1e-8) − mean clamp(g_b·e_b/τ, −5, 5), duplicates included; j over
     * all {@code count} nodes, or over the distinct {@code ids} with in-batch negatives.
     */
    private double infoNce(double[] g, double[] e, int count, int[] ids) {
      double tau = cfg.tau();
      double neg = 0;
      double pos = 0;
      boolean[] inBatch = new boolean[count];
      for (int b : ids) {
        inBatch[b] = true;
      }
      boolean all = cfg.negatives() == LightGclConfig.Negatives.ALL;
      for (int b : ids) {
        double sum = 0;
        for (int j = 0; j < count; j++) {
          if (all || inBatch[j]) {
            sum += Math.exp(dot(g, b, e, j) / tau);
          }
        }
        neg += Math.log(sum + 1e-8);
        pos += Math.max(-5, Math.min(5, dot(g, b, e, b) / tau));
      }
      return (neg - pos) / ids.length;
    }

    private double dot(double[] a, int ra, double[] b, int rb) {
      double s = 0;
      for (int k = 0; k < d; k++) {
        s += a[ra * d + k] * b[rb * d + k];
      }
      return s;
    }
  }

  /** A random graph with empty rows. */
  private static Interactions randomGraph(int nu, int ni, double density, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] us = new int[nu * ni];
    int[] is = new int[nu * ni];
    int n = 0;
    for (int u = 0; u < nu; u++) {
      if (u % 7 == 3) {
        continue;
      }
      for (int i = 0; i < ni; i++) {
        if (r.nextDouble() < density) {
          us[n] = u;
          is[n] = i;
          n++;
        }
      }
    }
    return Interactions.fromPairs(nu, ni, us, is, n);
  }

  private static float[] trainTwoEpochs(Interactions g, LightGclConfig cfg, TruncatedSvd svd, int threads) {
    try (Workers w = Workers.create(threads)) {
      LightGclTrainer t = new LightGclTrainer(g, cfg, w, svd);
      double l1 = t.trainEpoch(1);
      double l2 = t.trainEpoch(2);
      assertTrue(Double.isFinite(l1) && Double.isFinite(l2));
      float[] u = t.finalUsers();
      float[] i = t.finalItems();
      float[] both = Arrays.copyOf(u, u.length + i.length);
      System.arraycopy(i, 0, both, u.length, i.length);
      return both;
    }
  }

  @Test
  void reproducibleForASeedAndAnyThreadCount() {
    Interactions g = randomGraph(90, 70, 0.08, 4);
    LightGclConfig cfg = LightGclConfig.defaults().withDim(12).withBatch(64).withDropout(0.1f).withSeed(5);
    TruncatedSvd svd;
    try (Workers w = Workers.create(1)) {
      svd = new LightGclTrainer(g, cfg, w).svd();
    }
    float[] one = trainTwoEpochs(g, cfg, svd, 1);
    assertArrayEquals(one, trainTwoEpochs(g, cfg, svd, 2), "1 vs 2 threads");
    assertArrayEquals(one, trainTwoEpochs(g, cfg, svd, 1), "same seed twice");
    assertFalse(Arrays.equals(one, trainTwoEpochs(g, cfg.withSeed(6), svd, 1)), "another seed");
  }

  @Test
  void resumesExactlyFromASavedModel(@TempDir Path dir) throws Exception {
    Interactions g = randomGraph(60, 50, 0.1, 8);
    LightGclConfig cfg = LightGclConfig.defaults().withDim(8).withBatch(50).withSeed(9);
    ObjectMapper json = new ObjectMapper();
    try (Workers w = Workers.create(2)) {
      LightGclTrainer a = new LightGclTrainer(g, cfg, w);
      a.trainEpoch(1);
      Path model = dir.resolve("m");
      ObjectNode state;
      try (ModelWriter mw = ModelWriter.create(model)) {
        a.save(mw);
        state = a.state();
        ObjectNode meta = json.createObjectNode();
        meta.put("model", a.modelName()).put("kind", "embedding");
        meta.set("hyperparameters", a.hyperparameters());
        meta.set("state", state);
        mw.commit(meta);
      }
      ModelReader reader = ModelReader.open(model);
      assertArrayEquals(a.finalUsers(), reader.matrix("user_embedding").data());
      assertArrayEquals(a.finalItems(), reader.matrix("item_embedding").data());
      // a trainer with another SVD and other parameters, once restored, continues exactly
      LightGclTrainer b = new LightGclTrainer(g, cfg.withSvdOversample(0), w);
      b.trainEpoch(1);
      b.trainEpoch(2);
      b.restore(reader, state);
      assertEquals(a.trainEpoch(2), b.trainEpoch(2), 0.0);
      assertArrayEquals(a.finalUsers(), b.finalUsers());
      assertArrayEquals(a.finalItems(), b.finalItems());
    }
  }

  @Test
  void edgePositionsMapToTheTranspose() {
    Interactions g = randomGraph(40, 30, 0.2, 2);
    int[] pos = EdgeDropout.userToItemPositions(g.userItems(), g.numItems());
    CsrMatrix ui = g.userItems();
    CsrMatrix iu = g.itemUsers();
    boolean[] seen = new boolean[pos.length];
    for (int u = 0; u < ui.rows(); u++) {
      for (int p = ui.rowPtr()[u]; p < ui.rowPtr()[u + 1]; p++) {
        int q = pos[p];
        assertFalse(seen[q]);
        seen[q] = true;
        assertEquals(u, iu.colIdx()[q]);
        int i = ui.colIdx()[p];
        assertTrue(q >= iu.rowPtr()[i] && q < iu.rowPtr()[i + 1], "edge (" + u + "," + i + ") -> " + q);
      }
    }
  }

  static double[] toDouble(float[] x) {
    double[] y = new double[x.length];
    for (int k = 0; k < x.length; k++) {
      y[k] = x[k];
    }
    return y;
  }
}
