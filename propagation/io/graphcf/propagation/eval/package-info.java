/**
 * Full-ranking evaluation as LightGCN's reference code defines it: every item ranked, the user's
 * training items masked, Recall/Precision/NDCG/HitRate@K averaged over users with test items.
 */
package io.graphcf.propagation.eval;
