/**
 * UltraGCN (Mao et al., "UltraGCN: Ultra Simplification of Graph Convolutional Networks for
 * Recommendation", CIKM 2021): embeddings trained without message passing, under a degree-weighted
 * binary cross-entropy with many uniform negatives per positive and an item–item constraint over
 * each item's top-K co-occurrence neighbours. Everything follows what the reference code
 * (xue-pai/UltraGCN {@code main.py}) computes; the class javadocs say where it differs from the
 * paper's text.
 *
 * <ul>
 *   <li>{@link io.graphcf.propagation.ultragcn.ItemItemConstraint}: the top-K neighbour lists of
 *       G = RᵀR, computed sparsely and in parallel.
 *   <li>{@link io.graphcf.propagation.ultragcn.UltraGcnParams}: hyperparameters and the reference
 *       presets (gowalla, yelp2018, amazon-book).
 *   <li>{@link io.graphcf.propagation.ultragcn.UltraGcnObjective}: loss and gradient of one batch.
 *   <li>{@code SharedNegatives}: the optional shared-negatives path (one negative set per batch,
 *       three dense products); not the reference's sampling.
 *   <li>{@link io.graphcf.propagation.ultragcn.UltraGcnTrainer}: the epoch trainer (shuffle,
 *       sampling, Adam, saving and resuming).
 * </ul>
 */
package io.graphcf.propagation.ultragcn;
