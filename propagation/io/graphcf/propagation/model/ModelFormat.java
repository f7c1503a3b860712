package io.graphcf.propagation.model;

import io.graphcf.graph.io.FileFormat;

/** Names, magic numbers and the version of the model format. */
public final class ModelFormat {
  public static final String NAME = "graphcf-model";
  public static final int VERSION = 1;
  public static final String META_FILE = "meta.bin";
  static final int MATRIX_MAGIC = FileFormat.magic("F32M");
  static final int INTS_MAGIC = FileFormat.magic("I32A");
  static final int META_MAGIC = FileFormat.magic("META");

  private ModelFormat() {}
}
