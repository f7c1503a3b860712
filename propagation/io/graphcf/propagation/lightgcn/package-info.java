/**
 * LightGCN (He et al., SIGIR 2020) and its K = 0 special case MF-BPR: ego embeddings propagated
 * over the normalised adjacency, trained with BPR and a hand-written backward pass that only
 * propagates the rows the loss needs.
 */
package io.graphcf.propagation.lightgcn;
