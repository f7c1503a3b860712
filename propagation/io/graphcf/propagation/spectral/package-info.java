/**
 * Spectral kernels on the normalised user–item graph R̃ = D_U^-1/2 R D_I^-1/2: the randomized
 * truncated SVD (Halko–Martinsson–Tropp) whose factors LightGCL's SVD view and the graph-filter
 * recommenders (GF-CF, BSPM) use. The large products run on the sparse propagation kernels; only
 * the small projected matrices go through EJML's dense decompositions.
 */
package io.graphcf.propagation.spectral;
