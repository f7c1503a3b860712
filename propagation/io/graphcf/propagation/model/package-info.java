/**
 * The one model format every graphcf model saves: a directory of checksummed container files
 * (float matrices, int arrays) plus {@code meta.json} (model, kind, hyperparameters, seed, data
 * fingerprint, metrics, timings), written to a temporary directory and renamed into place, verified
 * on open. Serving reads every model through it.
 */
package io.graphcf.propagation.model;
