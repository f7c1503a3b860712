/**
 * The one on-disk container every graphcf file uses: little-endian, a magic number and a format
 * version first, a CRC32C footer last, written under a temporary name and renamed into place, mapped
 * in chunks of at most 1 GiB and verified on open; and {@link io.graphcf.graph.io.Directories}, the
 * stage-then-swap commit of a directory of such files (a graph store, a model).
 */
package io.graphcf.graph.io;
