package io.graphcf.propagation.filter;

import static io.graphcf.propagation.filter.DenseFilterReference.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.graphcf.graph.Interactions;
import io.graphcf.propagation.Workers;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * BSPM's blocked, transposed computation against a literal dense double-precision transcription of
 * the reference's {@code BSPM.getUsersRating}: every ODE (the ideal low-pass one included, which
 * the model solves in closed form) stepped explicitly with dense G and P and the classic RK4.
 */
class BspmTest {

  /** Fixed-grid steps of x' = f(x); returns the states after each step (index 0 = start). */
  static List<double[]> ode(UnaryOperator<double[]> f, double[] x0, OdeSolver solver, int steps, double time) {
    List<double[]> traj = new ArrayList<>();
    traj.add(x0);
    double h = time / steps;
    double[] x = x0;
    for (int s = 0; s < steps; s++) {
      double[] y = new double[x.length];
      if (solver == OdeSolver.EULER) {
        double[] k1 = f.apply(x);
        for (int j = 0; j < x.length; j++) {
          y[j] = x[j] + h * k1[j];
        }
      } else {
        double[] k1 = f.apply(x);
        double[] k2 = f.apply(axpy(x, h / 2, k1));
        double[] k3 = f.apply(axpy(x, h / 2, k2));
        double[] k4 = f.apply(axpy(x, h, k3));
        for (int j = 0; j < x.length; j++) {
          y[j] = x[j] + h / 6 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
        }
      }
      traj.add(y);
      x = y;
    }
    return traj;
  }

  static double[] axpy(double[] x, double a, double[] y) {
    double[] z = x.clone();
    for (int j = 0; j < z.length; j++) {
      z[j] += a * y[j];
    }
    return z;
  }

  /** The reference's getUsersRating for one user, dense. */
  static double[] reference(double[] r, DenseFilterReference d, BspmConfig c) {
    double beta = c.beta();
    boolean useIdl = c.usesIdl();
    double[] idl = null;
    if (useIdl) {
      idl = last(ode(x -> minus(DenseFilterReference.times(x, d.p), x), r, c.idlSolver(), c.idlSteps(), c.idlTime()));
    }
    List<double[]> blurred = ode(x -> minus(DenseFilterReference.times(x, d.g), x), r, c.blurSolver(), c.blurSteps(),
        c.blurTime());
    List<double[]> sharpened = null;
    if (!c.sharpeningOff()) {
      double[] y0 = last(blurred);
      if (c.finalSharpening() && useIdl) {
        y0 = axpy(last(blurred), beta, idl);
      }
      sharpened = ode(x -> axpy(new double[x.length], -1, DenseFilterReference.times(x, d.g)), y0, c.sharpenSolver(),
          c.sharpenSteps(), c.sharpenTime());
    }
    double[] u2;
    if (c.tPointCombination()) {
      u2 = new double[r.length];
      int count = 0;
      for (List<double[]> traj : sharpened == null ? List.of(blurred) : List.of(blurred, sharpened)) {
        for (int s = 1; s < traj.size(); s++) {
          u2 = axpy(u2, 1, traj.get(s));
          count++;
        }
      }
      for (int j = 0; j < u2.length; j++) {
        u2[j] /= count;
      }
    } else {
      u2 = sharpened == null ? last(blurred) : last(sharpened);
    }
    if (!useIdl || c.finalSharpening() && !c.sharpeningOff()) {
      return u2;
    }
    return axpy(u2, beta, idl);
  }

  static double[] last(List<double[]> t) {
    return t.get(t.size() - 1);
  }

  static double[] minus(double[] a, double[] b) {
    return axpy(a, -1, b);
  }

  static List<BspmConfig> configs() {
    return List.of(
        BspmConfig.preset("gowalla").factorDim(6),
        BspmConfig.preset("yelp2018").factorDim(5),
        BspmConfig.preset("amazon-book"),
        BspmConfig.reference().factorDim(4),
        BspmConfig.reference().factorDim(4).idlSolver(OdeSolver.RK4).idlSteps(2).idlTime(1.5)
            .blurSolver(OdeSolver.RK4).blurSteps(2).blurTime(0.8).sharpenSteps(3).finalSharpening(false)
            .tPointCombination(true),
        BspmConfig.reference().factorDim(3).beta(0.5).idlSteps(3).idlTime(0.7).blurSteps(2).sharpeningOff(true),
        BspmConfig.reference().factorDim(3).sharpeningOff(true).tPointCombination(true).blurSteps(2));
  }

  @Test
  void blockedScoresEqualDenseReference() {
    try (Workers w = Workers.create(2)) {
      int t = 0;
      for (BspmConfig c : configs()) {
        long seed = 50 + t++;
        int n = 23 + t;
        int m = 19 + 2 * t;
        Interactions g = DenseFilterReference.randomGraph(seed, n, m, 0.2);
        Bspm model = Bspm.fit(g, c.powerIters(3).oversample(5).seed(seed), w);
        DenseFilterReference d = new DenseFilterReference(g);
        if (model.k() > 0) {
          d.lowPass(model.vbar(), model.k());
        }
        int[] users = java.util.stream.IntStream.range(0, n).map(u -> n - 1 - u).toArray();
        for (int from = 0; from < n; from += 5) {
          int to = Math.min(n, from + 5);
          float[] out = new float[(to - from) * m];
          model.score(users, from, to, out);
          for (int b = 0; b < to - from; b++) {
            int u = users[from + b];
            assertClose(reference(d.r[u], d, c), out, b * m, 2e-5,
                "config=" + c.toJson() + " seed=" + seed + " user=" + u);
          }
        }
      }
    }
  }

  @Test
  void largeBlocksSplitInternally() {
    Interactions g = DenseFilterReference.randomGraph(8, Bspm.MAX_BLOCK * 2 + 5, 12, 0.3);
    try (Workers w = Workers.create(1)) {
      Bspm model = Bspm.fit(g, BspmConfig.preset("gowalla").factorDim(4).seed(8), w);
      int n = g.numUsers();
      int m = g.numItems();
      int[] all = java.util.stream.IntStream.range(0, n).toArray();
      float[] big = new float[n * m];
      model.score(all, 0, n, big);
      float[] one = new float[m];
      for (int u = 0; u < n; u += 7) {
        model.score(all, u, u + 1, one);
        for (int j = 0; j < m; j++) {
          assertEquals(big[u * m + j], one[j], 1e-5 * (1 + Math.abs(one[j])), "user " + u + " item " + j);
        }
      }
    }
  }

  @Test
  void historyOfATrainingUserEqualsItsRow() {
    Interactions g = DenseFilterReference.randomGraph(9, 30, 25, 0.2);
    try (Workers w = Workers.create(2)) {
      Bspm model = Bspm.fit(g, BspmConfig.preset("gowalla").factorDim(5).seed(9), w);
      int m = g.numItems();
      int[] all = java.util.stream.IntStream.range(0, 30).toArray();
      float[] rows = new float[30 * m];
      model.score(all, 0, 30, rows);
      int[] ptr = g.userItems().rowPtr();
      int[] idx = g.userItems().colIdx();
      float[] out = new float[m];
      for (int u = 0; u < 30; u++) {
        int[] h = java.util.Arrays.copyOfRange(idx, ptr[u], ptr[u + 1]);
        model.scoreHistory(h, h.length, out);
        for (int j = 0; j < m; j++) {
          assertEquals(rows[u * m + j], out[j], 1e-5 * (1 + Math.abs(out[j])), "user " + u + " item " + j);
        }
      }
      assertThrows(IllegalArgumentException.class, () -> model.scoreHistory(new int[] {-1}, 1, out));
    }
  }

  @Test
  void presetsFollowTheReadme() {
    BspmConfig gw = BspmConfig.preset("gowalla");
    assertEquals(448, gw.factorDim());
    assertEquals(0.2, gw.beta());
    assertEquals(OdeSolver.RK4, gw.sharpenSolver());
    assertEquals(1, gw.sharpenSteps());
    assertEquals(2.5, gw.sharpenTime());
    assertEquals(OdeSolver.EULER, gw.blurSolver());
    assertEquals(1, gw.blurSteps());
    assertEquals(gw.toJson(), BspmConfig.fromJson(gw.toJson()).toJson());
    assertThrows(IllegalArgumentException.class, () -> BspmConfig.preset("movielens"));
    assertThrows(IllegalArgumentException.class, () -> BspmConfig.reference().sharpenSteps(0));
  }
}
