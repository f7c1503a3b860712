/**
 * The bipartite user–item graph store: external ids ↔ dense {@code int} ordinals (Chronicle Map),
 * CSR adjacency in both directions in memory-mapped files, import of interaction logs, train/test
 * splits, and a read-only JGraphT view for analysis. Depends on no other part of graphcf.
 */
package io.graphcf.graph;
