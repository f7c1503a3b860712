package io.graphcf.tools;

import io.graphcf.propagation.filter.BspmConfig;
import io.graphcf.propagation.filter.GfCf;
import io.graphcf.propagation.filter.OdeSolver;
import picocli.CommandLine.Option;

/**
 * The options of the graph-filter models ({@code --model gfcf|bspm}), mixed into
 * {@code graphcf train}. BSPM starts from {@code --preset} (the reference README's per-dataset
 * settings; default gowalla) and every other flag overrides one setting. Each may also come from
 * {@code --config} (key = flag without dashes); a flag overrides the file.
 */
public final class FilterOptions {
  @Option(names = "--k", description = "GF-CF: singular vectors of the ideal low-pass term (default 256).")
  Integer k;

  @Option(names = "--alpha", description = "GF-CF: weight of the ideal low-pass term (default 0.3; 0 = off, the "
      + "reference's amazon-book setting).")
  Double alpha;

  @Option(names = "--power-iters", description = "Randomized SVD power iterations (default 4).")
  Integer powerIters;

  @Option(names = "--oversample", description = "Randomized SVD oversampling (default 10).")
  Integer oversample;

  @Option(names = "--preset", description = "BSPM: gowalla (default), yelp2018, amazon-book, reference (parse.py "
      + "defaults).")
  String preset;

  @Option(names = "--factor-dim", description = "BSPM: singular vectors of the ideal low-pass filter.")
  Integer factorDim;

  @Option(names = "--idl-beta", description = "BSPM: weight β of the ideal low-pass filter (0 = off).")
  Double idlBeta;

  @Option(names = "--solver-idl", description = "BSPM: euler | rk4 for the ideal low-pass ODE.")
  String solverIdl;

  @Option(names = "--k-idl", description = "BSPM: steps of the ideal low-pass ODE.")
  Integer kIdl;

  @Option(names = "--t-idl", description = "BSPM: end time of the ideal low-pass ODE.")
  Double tIdl;

  @Option(names = "--solver-blr", description = "BSPM: euler | rk4 for the blurring ODE.")
  String solverBlr;

  @Option(names = "--k-b", description = "BSPM: blurring steps.")
  Integer kB;

  @Option(names = "--t-b", description = "BSPM: blurring end time.")
  Double tB;

  @Option(names = "--solver-shr", description = "BSPM: euler | rk4 for the sharpening ODE.")
  String solverShr;

  @Option(names = "--k-s", description = "BSPM: sharpening steps.")
  Integer kS;

  @Option(names = "--t-s", description = "BSPM: sharpening end time.")
  Double tS;

  @Option(names = "--final-sharpening", negatable = true, description = "BSPM: sharpen β·idl + blurred.")
  Boolean finalSharpening;

  @Option(names = "--sharpening-off", negatable = true, description = "BSPM: skip sharpening.")
  Boolean sharpeningOff;

  @Option(names = "--t-point-combination", negatable = true, description = "BSPM: average all ODE step points.")
  Boolean tPointCombination;

  int k() {
    return k == null ? GfCf.DEFAULT_K : k;
  }

  double alpha() {
    return alpha == null ? GfCf.DEFAULT_ALPHA : alpha;
  }

  int powerIters() {
    return powerIters == null ? GfCf.DEFAULT_POWER_ITERS : powerIters;
  }

  int oversample() {
    return oversample == null ? GfCf.DEFAULT_OVERSAMPLE : oversample;
  }

  /** BSPM settings: the preset, then each flag given; throws IllegalArgumentException on bad values. */
  BspmConfig bspm(long seed) {
    BspmConfig c = BspmConfig.preset(preset == null ? "gowalla" : preset);
    c.powerIters(powerIters()).oversample(oversample()).seed(seed);
    if (factorDim != null) {
      c.factorDim(factorDim);
    }
    if (idlBeta != null) {
      c.beta(idlBeta);
    }
    if (solverIdl != null) {
      c.idlSolver(OdeSolver.parse(solverIdl));
    }
    if (kIdl != null) {
      c.idlSteps(kIdl);
    }
    if (tIdl != null) {
      c.idlTime(tIdl);
    }
    if (solverBlr != null) {
      c.blurSolver(OdeSolver.parse(solverBlr));
    }
    if (kB != null) {
      c.blurSteps(kB);
    }
    if (tB != null) {
      c.blurTime(tB);
    }
    if (solverShr != null) {
      c.sharpenSolver(OdeSolver.parse(solverShr));
    }
    if (kS != null) {
      c.sharpenSteps(kS);
    }
    if (tS != null) {
      c.sharpenTime(tS);
    }
    if (finalSharpening != null) {
      c.finalSharpening(finalSharpening);
    }
    if (sharpeningOff != null) {
      c.sharpeningOff(sharpeningOff);
    }
    if (tPointCombination != null) {
      c.tPointCombination(tPointCombination);
    }
    return c;
  }
}
