package io.graphcf.propagation.spectral;

import io.graphcf.propagation.NormalizedAdjacency;
import io.graphcf.propagation.Propagation;
import io.graphcf.propagation.Workers;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Randomized truncated SVD of the normalised interaction matrix R̃ = D_U^-1/2 R D_I^-1/2 (numUsers ×
 * numItems) by randomized subspace iteration: Halko, Martinsson, Tropp, "Finding Structure with
 * Randomness: Probabilistic Algorithms for Constructing Approximate Matrix Decompositions", SIAM
 * Review 53(2), 2011, Algorithms 4.4 (subspace iteration) and 5.1 (direct SVD).
 *
 * <ol>
 *   <li>Ω: a seeded Gaussian items × l test matrix, l = rank + oversample;</li>
 *   <li>Y = R̃ Ω, Q = orth(Y); q times: Z = orth(R̃ᵀ Q), Q = orth(R̃ Z) (re-orthonormalised after every
 *       product, so the float iterates never lose the small directions);</li>
 *   <li>Bᵀ = R̃ᵀ Q (items × l), thin QR Bᵀ = Q₂ R₂, SVD of the l × l matrix R₂ᵀ = U_s S V_sᵀ by EJML;</li>
 *   <li>U = Q U_s, V = Q₂ V_s, S descending, truncated to rank.</li>
 * </ol>
 *
 * <p>The products with R̃ run on the sparse kernels ({@link Propagation}) with dim = l; the
 * orthonormalisations are Cholesky-QR (Gram in double, a second pass when the first is
 * ill-conditioned) with EJML's Householder QR as the fallback for nearly rank-deficient iterates. U S Vᵀ is never formed.
 */
public final class RandomizedSvd {
  private RandomizedSvd() {}

  /**
   * Top-{@code rank} singular triplets of R̃.
   *
   * @param rank       number of singular triplets kept, 1 ≤ rank ≤ min(numUsers, numItems)
   * @param powerIters subspace iterations q ≥ 0 (each costs two sparse products of width l)
   * @param oversample extra random columns ≥ 0 (l = min(rank + oversample, min(numUsers, numItems)))
   * @param seed       seed of the Gaussian test matrix
   */
  public static TruncatedSvd compute(NormalizedAdjacency a, int rank, int powerIters, int oversample, long seed,
      Workers w) {
    int n = a.numUsers();
    int m = a.numItems();
    int small = Math.min(n, m);
    if (rank < 1 || rank > small) {
      throw new IllegalArgumentException("rank must be in [1, min(numUsers, numItems) = " + small + "], got " + rank);
    }
    if (powerIters < 0) {
      throw new IllegalArgumentException("powerIters must be >= 0, got " + powerIters);
    }
    if (oversample < 0) {
      throw new IllegalArgumentException("oversample must be >= 0, got " + oversample);
    }
    int l = (int) Math.min((long) rank + oversample, small);

    // Ω ~ N(0, 1), items × l
    float[] z = new float[m * l];
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int k = 0; k < z.length; k++) {
      z[k] = (float) rnd.nextGaussian();
    }
    float[] y = new float[n * l];
    float[] scratch = new float[Math.max(n, m) * l];
    // Y = R̃ Ω, Q = orth(Y)
    Propagation.usersFromItems(a, z, l, y, w);
    SmallDense.orthonormalize(y, n, l, scratch, w);
    for (int it = 0; it < powerIters; it++) {
      // Z = orth(R̃ᵀ Q), Q = orth(R̃ Z)
      Propagation.itemsFromUsers(a, y, l, z, w);
      SmallDense.orthonormalize(z, m, l, scratch, w);
      Propagation.usersFromItems(a, z, l, y, w);
      SmallDense.orthonormalize(y, n, l, scratch, w);
    }
    // Bᵀ = R̃ᵀ Q = Q₂ R₂
    Propagation.itemsFromUsers(a, y, l, z, w);
    double[] r2 = SmallDense.orthonormalize(z, m, l, scratch, w);

    // R₂ᵀ = U_s S V_sᵀ, so B = R₂ᵀ Q₂ᵀ = U_s S (Q₂ V_s)ᵀ
    DMatrixRMaj rt = new DMatrixRMaj(l, l);
    for (int i = 0; i < l; i++) {
      for (int j = 0; j < l; j++) {
        rt.data[i * l + j] = r2[j * l + i];
      }
    }
    SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(l, l, true, true, false);
    if (!svd.decompose(rt)) {
      throw new IllegalStateException("EJML SVD of the " + l + " x " + l + " projected matrix failed");
    }
    DMatrixRMaj us = svd.getU(null, false);
    DMatrixRMaj vs = svd.getV(null, false);
    DMatrixRMaj sw = svd.getW(null);
    SingularOps_DDRM.descendingOrder(us, false, sw, vs, false);

    double[] usTop = new double[l * rank];
    double[] vsTop = new double[l * rank];
    float[] s = new float[rank];
    for (int i = 0; i < l; i++) {
      for (int c = 0; c < rank; c++) {
        usTop[i * rank + c] = us.get(i, c);
        vsTop[i * rank + c] = vs.get(i, c);
      }
    }
    for (int c = 0; c < rank; c++) {
      s[c] = (float) sw.get(c, c);
    }
    float[] u = new float[n * rank];
    float[] v = new float[m * rank];
    // U = Q U_s, V = Q₂ V_s
    SmallDense.timesSmall(y, n, l, usTop, rank, false, u, w);
    SmallDense.timesSmall(z, m, l, vsTop, rank, false, v, w);
    return new TruncatedSvd(n, m, rank, u, s, v);
  }
}
