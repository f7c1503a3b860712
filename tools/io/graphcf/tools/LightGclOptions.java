package io.graphcf.tools;

import io.graphcf.contrastive.LightGclConfig;
import picocli.CommandLine.Option;

/**
 * The options of LightGCL ({@code --model lightgcl}), mixed into {@code graphcf train}. The shared
 * flags ({@code --dim --layers --lr --batch --seed}, and the SVD's {@code --power-iters
 * --oversample}) keep their names; these add the contrastive ones. Defaults are the reference
 * code's ({@link LightGclConfig#defaults()}). Each may also come from {@code --config}.
 */
public final class LightGclOptions {
  @Option(names = "--lambda1", description = "LightGCL: weight λ1 of the InfoNCE term (default 0.2; 0 = no SVD view).")
  Float lambda1;

  @Option(names = "--tau", description = "LightGCL: InfoNCE temperature τ (default 0.2).")
  Float tau;

  @Option(names = "--lambda2", description = "LightGCL: weight λ2 of ‖E⁰‖² over all ego embeddings (default 1e-7).")
  Float lambda2;

  @Option(names = "--batch-decay", description = "LightGCL: LightGCN's L2 weight on the batch's ego embeddings "
      + "(its --decay: decay/2 · Σ‖e⁰‖² / batch over each step's triples; default 0, the reference has none).")
  Float batchDecay;

  @Option(names = "--svd-rank", description = "LightGCL: rank q of the SVD view (default 5).")
  Integer svdRank;

  @Option(names = "--edge-dropout", description = "LightGCL: edge dropout rate of the main view (default 0).")
  Float edgeDropout;

  @Option(names = "--infonce-negatives", paramLabel = "all|batch",
      description = "LightGCL: InfoNCE's denominator over all nodes of a type (default, the reference's) or over the "
          + "batch's nodes only (in-batch negatives: much cheaper per step on large graphs).")
  String negatives;

  /** {@code base} (defaults with the shared flags applied) with these flags and the SVD flags applied. */
  LightGclConfig apply(LightGclConfig base, Integer powerIters, Integer oversample) {
    LightGclConfig c = base;
    try {
      if (lambda1 != null) {
        c = c.withLambda1(lambda1);
      }
      if (tau != null) {
        c = c.withTau(tau);
      }
      if (lambda2 != null) {
        c = c.withLambda2(lambda2);
      }
      if (batchDecay != null) {
        c = c.withBatchDecay(batchDecay);
      }
      if (svdRank != null) {
        c = c.withSvdRank(svdRank);
      }
      if (edgeDropout != null) {
        c = c.withDropout(edgeDropout);
      }
      if (negatives != null) {
        c = c.withNegatives(LightGclConfig.Negatives.parse(negatives));
      }
      if (powerIters != null) {
        c = c.withSvdPowerIters(powerIters);
      }
      if (oversample != null) {
        c = c.withSvdOversample(oversample);
      }
    } catch (IllegalArgumentException e) {
      throw new BaseCommand.UsageException(e.getMessage());
    }
    return c;
  }

  /** Whether any LightGCL-only flag was given (they are rejected for other models). */
  boolean any() {
    return lambda1 != null || tau != null || lambda2 != null || batchDecay != null || svdRank != null
        || edgeDropout != null || negatives != null;
  }
}
