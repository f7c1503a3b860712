/**
 * Top-k maximum-inner-product retrieval over item embeddings and the in-process serving API: an
 * exact blocked searcher (the recall reference), an HNSW graph index (Malkov &amp; Yashunin, 2018)
 * with filtered search, updates and a checksummed mapped file, and {@link io.graphcf.index.Recommender},
 * which opens a model directory and answers recommendations by external id.
 */
package io.graphcf.index;
