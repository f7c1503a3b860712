/** The MostPopular baseline: items scored by training degree, saved as a "popularity" model. */
package io.graphcf.propagation.popularity;
