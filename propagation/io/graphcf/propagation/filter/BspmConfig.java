package io.graphcf.propagation.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * BSPM's settings, named as in the reference's {@code parse.py} (jeongwhanchoi/BSPM): the ideal
 * low-pass ODE (solver_idl, K_idl, T_idl), blurring ODE (solver_blr, K_b, T_b), sharpening ODE
 * (solver_shr, K_s, T_s), factor_dim, idl_beta, final_sharpening, sharpening_off,
 * t_point_combination; plus the randomized SVD's power iterations, oversampling and seed. Configure
 * with the noun setters starting from {@link #reference()} or a {@link #preset(String)};
 * {@link Bspm#fit} copies the values.
 *
 * <p>The reference disables the ideal low-pass filter for amazon-book by dataset name; here that is
 * {@code beta = 0} (no SVD is computed then, and the formulas reduce to the reference's amazon-book
 * branch).
 */
public final class BspmConfig {
  private int factorDim = 256;
  private double beta = 0.3;
  private OdeSolver idlSolver = OdeSolver.EULER;
  private int idlSteps = 1;
  private double idlTime = 1.0;
  private OdeSolver blurSolver = OdeSolver.EULER;
  private int blurSteps = 1;
  private double blurTime = 1.0;
  private OdeSolver sharpenSolver = OdeSolver.EULER;
  private int sharpenSteps = 1;
  private double sharpenTime = 1.0;
  private boolean finalSharpening = true;
  private boolean sharpeningOff = false;
  private boolean tPointCombination = false;
  private int powerIters = GfCf.DEFAULT_POWER_ITERS;
  private int oversample = GfCf.DEFAULT_OVERSAMPLE;
  private long seed = 2020;

  /** The defaults of the reference's {@code parse.py}. */
  public static BspmConfig reference() {
    return new BspmConfig();
  }

  /**
   * The reference README's per-dataset command lines: {@code gowalla} (factor_dim 448, idl_beta 0.2,
   * sharpening RK4, K_s 1, T_s 2.5, final sharpening), {@code yelp2018} (factor_dim 384, sharpening
   * Euler, K_s 1, T_s 1.2, final sharpening, t-point combination), {@code amazon-book} (no ideal
   * low-pass, sharpening RK4, K_s 2, T_s 2.2, no final sharpening); {@code reference} is parse.py's
   * defaults. Everything the README does not set keeps parse.py's default.
   */
  public static BspmConfig preset(String name) {
    BspmConfig c = new BspmConfig();
    switch (name.toLowerCase(Locale.ROOT)) {
      case "reference":
        return c;
      case "gowalla":
        return c.factorDim(448).beta(0.2).sharpenSolver(OdeSolver.RK4).sharpenSteps(1).sharpenTime(2.5)
            .finalSharpening(true);
      case "yelp2018":
        return c.factorDim(384).sharpenSolver(OdeSolver.EULER).sharpenSteps(1).sharpenTime(1.2).finalSharpening(true)
            .tPointCombination(true);
      case "amazon-book":
        return c.beta(0.0).sharpenSolver(OdeSolver.RK4).sharpenSteps(2).sharpenTime(2.2).finalSharpening(false);
      default:
        throw new IllegalArgumentException("unknown BSPM preset '" + name
            + "' (known: reference, gowalla, yelp2018, amazon-book)");
    }
  }

  public BspmConfig factorDim(int v) {
    if (v < 0) {
      throw new IllegalArgumentException("factor_dim must be >= 0, got " + v);
    }
    factorDim = v;
    return this;
  }

  public BspmConfig beta(double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException("idl_beta must be finite, got " + v);
    }
    beta = v;
    return this;
  }

  public BspmConfig idlSolver(OdeSolver v) {
    idlSolver = v;
    return this;
  }

  public BspmConfig idlSteps(int v) {
    idlSteps = steps("K_idl", v);
    return this;
  }

  public BspmConfig idlTime(double v) {
    idlTime = time("T_idl", v);
    return this;
  }

  public BspmConfig blurSolver(OdeSolver v) {
    blurSolver = v;
    return this;
  }

  public BspmConfig blurSteps(int v) {
    blurSteps = steps("K_b", v);
    return this;
  }

  public BspmConfig blurTime(double v) {
    blurTime = time("T_b", v);
    return this;
  }

  public BspmConfig sharpenSolver(OdeSolver v) {
    sharpenSolver = v;
    return this;
  }

  public BspmConfig sharpenSteps(int v) {
    sharpenSteps = steps("K_s", v);
    return this;
  }

  public BspmConfig sharpenTime(double v) {
    sharpenTime = time("T_s", v);
    return this;
  }

  public BspmConfig finalSharpening(boolean v) {
    finalSharpening = v;
    return this;
  }

  public BspmConfig sharpeningOff(boolean v) {
    sharpeningOff = v;
    return this;
  }

  public BspmConfig tPointCombination(boolean v) {
    tPointCombination = v;
    return this;
  }

  public BspmConfig powerIters(int v) {
    if (v < 0) {
      throw new IllegalArgumentException("powerIters must be >= 0, got " + v);
    }
    powerIters = v;
    return this;
  }

  public BspmConfig oversample(int v) {
    if (v < 0) {
      throw new IllegalArgumentException("oversample must be >= 0, got " + v);
    }
    oversample = v;
    return this;
  }

  public BspmConfig seed(long v) {
    seed = v;
    return this;
  }

  private static int steps(String name, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + v);
    }
    return v;
  }

  private static double time(String name, double v) {
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new IllegalArgumentException(name + " must be a positive number, got " + v);
    }
    return v;
  }

  public int factorDim() {
    return factorDim;
  }

  public double beta() {
    return beta;
  }

  public OdeSolver idlSolver() {
    return idlSolver;
  }

  public int idlSteps() {
    return idlSteps;
  }

  public double idlTime() {
    return idlTime;
  }

  public OdeSolver blurSolver() {
    return blurSolver;
  }

  public int blurSteps() {
    return blurSteps;
  }

  public double blurTime() {
    return blurTime;
  }

  public OdeSolver sharpenSolver() {
    return sharpenSolver;
  }

  public int sharpenSteps() {
    return sharpenSteps;
  }

  public double sharpenTime() {
    return sharpenTime;
  }

  public boolean finalSharpening() {
    return finalSharpening;
  }

  public boolean sharpeningOff() {
    return sharpeningOff;
  }

  public boolean tPointCombination() {
    return tPointCombination;
  }

  public int powerIters() {
    return powerIters;
  }

  public int oversample() {
    return oversample;
  }

  public long seed() {
    return seed;
  }

  /** Whether the ideal low-pass filter (and so the SVD) is used. */
  public boolean usesIdl() {
    return beta != 0.0 && factorDim > 0;
  }

  BspmConfig copy() {
    return fromJson(toJson());
  }

  /** Every setting, keyed as the reference spells it (plus powerIters, oversample, seed). */
  public ObjectNode toJson() {
    ObjectNode n = new ObjectMapper().createObjectNode();
    n.put("factor_dim", factorDim).put("idl_beta", beta)
        .put("solver_idl", idlSolver.flag()).put("K_idl", idlSteps).put("T_idl", idlTime)
        .put("solver_blr", blurSolver.flag()).put("K_b", blurSteps).put("T_b", blurTime)
        .put("solver_shr", sharpenSolver.flag()).put("K_s", sharpenSteps).put("T_s", sharpenTime)
        .put("final_sharpening", finalSharpening).put("sharpening_off", sharpeningOff)
        .put("t_point_combination", tPointCombination)
        .put("powerIters", powerIters).put("oversample", oversample).put("seed", seed);
    return n;
  }

  /** Inverse of {@link #toJson()}; missing keys keep parse.py's defaults. */
  public static BspmConfig fromJson(JsonNode n) {
    BspmConfig c = new BspmConfig();
    c.factorDim(n.path("factor_dim").asInt(c.factorDim)).beta(n.path("idl_beta").asDouble(c.beta))
        .idlSolver(OdeSolver.parse(n.path("solver_idl").asText(c.idlSolver.flag())))
        .idlSteps(n.path("K_idl").asInt(c.idlSteps)).idlTime(n.path("T_idl").asDouble(c.idlTime))
        .blurSolver(OdeSolver.parse(n.path("solver_blr").asText(c.blurSolver.flag())))
        .blurSteps(n.path("K_b").asInt(c.blurSteps)).blurTime(n.path("T_b").asDouble(c.blurTime))
        .sharpenSolver(OdeSolver.parse(n.path("solver_shr").asText(c.sharpenSolver.flag())))
        .sharpenSteps(n.path("K_s").asInt(c.sharpenSteps)).sharpenTime(n.path("T_s").asDouble(c.sharpenTime))
        .finalSharpening(n.path("final_sharpening").asBoolean(c.finalSharpening))
        .sharpeningOff(n.path("sharpening_off").asBoolean(c.sharpeningOff))
        .tPointCombination(n.path("t_point_combination").asBoolean(c.tPointCombination))
        .powerIters(n.path("powerIters").asInt(c.powerIters)).oversample(n.path("oversample").asInt(c.oversample))
        .seed(n.path("seed").asLong(c.seed));
    return c;
  }
}
