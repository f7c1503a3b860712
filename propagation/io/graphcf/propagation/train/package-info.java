/**
 * Training infrastructure shared by the gradient-trained models: the Adam optimiser, the
 * epoch-trainer contract and the training loop (evaluation, early stopping, checkpoints, resume).
 */
package io.graphcf.propagation.train;
