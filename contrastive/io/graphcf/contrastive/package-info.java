/**
 * Graph contrastive learning: LightGCL (Cai et al., ICLR 2023) — a main view propagated over the
 * normalised graph, an SVD view propagated over its rank-q randomized SVD, BPR plus an all-nodes
 * InfoNCE between the views computed by a fused blocked softmax, trained with a hand-written
 * backward pass. Depends on {@code io.graphcf.propagation} and {@code io.graphcf.graph} only; saved
 * models are plain embedding models, so nothing but the CLI depends on this package.
 */
package io.graphcf.contrastive;
