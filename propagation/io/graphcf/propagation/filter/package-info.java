/**
 * Training-free graph-filter recommenders on the normalised interaction matrix R̃ = D_U^-1/2 R D_I^-1/2:
 * GF-CF (Shen et al., CIKM 2021) and BSPM (Choi et al., SIGIR 2023). A user's scores are computed
 * from the user's own interactions through the item–item filters R̃ᵀR̃ and D_I^-1/2 V̄V̄ᵀ D_I^1/2,
 * applied as (r R̃ᵀ)R̃ and ((r D_I^-1/2)V̄)V̄ᵀ D_I^1/2 without ever forming an items × items matrix;
 * the same formula scores a history of items for a user outside the training data. Models save V̄
 * and the item degrees in the one model format ({@link io.graphcf.propagation.filter.FilterModels}).
 */
package io.graphcf.propagation.filter;
