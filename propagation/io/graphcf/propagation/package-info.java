/**
 * Sparse propagation over the symmetric-normalised user–item adjacency: the hand-written
 * sparse × dense kernels, the models built on them (LightGCN, MF-BPR, MostPopular, UltraGCN, the
 * graph filters), their training loops, evaluation, and the one model format every model saves.
 */
package io.graphcf.propagation;
