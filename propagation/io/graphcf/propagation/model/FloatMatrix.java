package io.graphcf.propagation.model;

/** A dense row-major float matrix on the heap: {@code data[r * cols + c]}. */
public final class FloatMatrix {
  private final int rows;
  private final int cols;
  private final float[] data;

  public FloatMatrix(int rows, int cols, float[] data) {
    if (data.length != (long) rows * cols) {
      throw new IllegalArgumentException("data length mismatch: expected " + rows + " x " + cols + ", got "
          + data.length);
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data;
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  /** The backing array; shared, not copied. */
  public float[] data() {
    return data;
  }
}
