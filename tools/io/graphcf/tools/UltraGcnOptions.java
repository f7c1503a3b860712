package io.graphcf.tools;

import io.graphcf.propagation.ultragcn.UltraGcnParams;
import picocli.CommandLine.Option;

/**
 * {@code graphcf train --model ultragcn}: every UltraGCN hyperparameter as a flag. The values start
 * from {@code --preset} (gowalla, the default; yelp2018; amazon-book — the reference's
 * {@code *_config.ini}); each flag given then overrides one value. {@code --dim}, {@code --lr},
 * {@code --batch} and {@code --seed} are the train command's shared flags.
 */
public final class UltraGcnOptions {
  @Option(names = "--negatives", description = "UltraGCN: uniform negatives per positive (negative_num; gowalla 1500).")
  Integer negatives;

  @Option(names = "--negative-weight", description = "UltraGCN: weight of the mean negative loss (gowalla 300).")
  Double negativeWeight;

  @Option(names = "--w1", description = "UltraGCN: constant weight of the positive term (gowalla 1e-6).")
  Double w1;

  @Option(names = "--w2", description = "UltraGCN: β weight of the positive term (gowalla 1).")
  Double w2;

  @Option(names = "--w3", description = "UltraGCN: constant weight of a negative term (gowalla 1e-6).")
  Double w3;

  @Option(names = "--w4", description = "UltraGCN: β weight of a negative term (gowalla 1).")
  Double w4;

  @Option(names = "--gamma", description = "UltraGCN: L2 weight γ·‖Θ‖²/2 over both tables (gowalla 1e-4).")
  Double gamma;

  @Option(names = "--lambda", description = "UltraGCN: weight of the item-item constraint loss (gowalla 5e-4).")
  Double lambda;

  @Option(names = "--ii-neighbours", description = "UltraGCN: item-item neighbours K per item (default 10).")
  Integer iiNeighbours;

  @Option(names = "--negative-sampling", description = "UltraGCN: per-positive (each positive draws its own "
      + "negatives, the reference; default) or shared (a batch's positives share one draw: dense products, faster, "
      + "see the README for its measured quality).")
  String negativeSampling;

  @Option(names = "--init-std", description = "UltraGCN: std of the N(0, σ²) initialisation (default 1e-4).")
  Float initStd;

  /** Whether any UltraGCN-only flag was given (they are refused with --resume). */
  boolean any() {
    return negatives != null || negativeWeight != null || w1 != null || w2 != null || w3 != null || w4 != null
        || gamma != null || lambda != null || iiNeighbours != null || initStd != null
        || negativeSampling != null;
  }

  /** The preset, then every flag given; throws IllegalArgumentException on bad values. */
  UltraGcnParams params(String preset, Integer dim, Float lr, Integer batch, Long seed) {
    UltraGcnParams p = UltraGcnParams.preset(preset == null ? "gowalla" : preset);
    if (dim != null) {
      p.dim(dim);
    }
    if (lr != null) {
      p.lr(lr);
    }
    if (batch != null) {
      p.batchSize(batch);
    }
    if (seed != null) {
      p.seed(seed);
    }
    if (negatives != null) {
      p.negatives(negatives);
    }
    if (negativeWeight != null) {
      p.negativeWeight(negativeWeight);
    }
    if (w1 != null) {
      p.w1(w1);
    }
    if (w2 != null) {
      p.w2(w2);
    }
    if (w3 != null) {
      p.w3(w3);
    }
    if (w4 != null) {
      p.w4(w4);
    }
    if (gamma != null) {
      p.gamma(gamma);
    }
    if (lambda != null) {
      p.lambda(lambda);
    }
    if (iiNeighbours != null) {
      p.neighbours(iiNeighbours);
    }
    if (initStd != null) {
      p.initStd(initStd);
    }
    if (negativeSampling != null) {
      p.sharedNegatives(UltraGcnParams.sampling(negativeSampling));
    }
    p.validate();
    return p;
  }
}
