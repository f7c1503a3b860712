package io.graphcf.propagation.spectral;

import io.graphcf.propagation.Workers;

/**
 * A rank-k factorisation R̃ ≈ U S Vᵀ of the normalised user × item matrix, kept as its factors:
 * U (numUsers × rank, orthonormal columns), S (rank, descending), V (numItems × rank, orthonormal
 * columns), all flat row-major. U S Vᵀ itself is never formed: the apply methods propagate through
 * it as (U S)(Vᵀ X) and (V S)(Uᵀ X), which is what LightGCL's SVD view needs.
 */
public final class TruncatedSvd {
  private final int numUsers;
  private final int numItems;
  private final int rank;
  private final float[] u;
  private final float[] s;
  private final float[] v;

  /** Wraps factors without copying; checks shapes. */
  public TruncatedSvd(int numUsers, int numItems, int rank, float[] u, float[] s, float[] v) {
    if (rank < 1) {
      throw new IllegalArgumentException("rank must be >= 1, got " + rank);
    }
    if (u.length != (long) numUsers * rank) {
      throw new IllegalArgumentException("u length: expected " + numUsers + " x " + rank + ", got " + u.length);
    }
    if (s.length != rank) {
      throw new IllegalArgumentException("s length: expected " + rank + ", got " + s.length);
    }
    if (v.length != (long) numItems * rank) {
      throw new IllegalArgumentException("v length: expected " + numItems + " x " + rank + ", got " + v.length);
    }
    this.numUsers = numUsers;
    this.numItems = numItems;
    this.rank = rank;
    this.u = u;
    this.s = s;
    this.v = v;
  }

  public int rank() {
    return rank;
  }

  public int numUsers() {
    return numUsers;
  }

  public int numItems() {
    return numItems;
  }

  /** Left singular vectors, numUsers × rank row-major; shared, do not modify. */
  public float[] u() {
    return u;
  }

  /** Singular values, descending; shared, do not modify. */
  public float[] s() {
    return s;
  }

  /** Right singular vectors, numItems × rank row-major; shared, do not modify. */
  public float[] v() {
    return v;
  }

  /** A new array U·diag(S) (numUsers × rank). */
  public float[] us() {
    return scaled(u, numUsers);
  }

  /** A new array V·diag(S) (numItems × rank). */
  public float[] vs() {
    return scaled(v, numItems);
  }

  private float[] scaled(float[] f, int rows) {
    float[] out = new float[f.length];
    for (int r = 0; r < rows; r++) {
      int b = r * rank;
      for (int c = 0; c < rank; c++) {
        out[b + c] = f[b + c] * s[c];
      }
    }
    return out;
  }

  /** outUsers (numUsers × dim) = U S (Vᵀ items), items numItems × dim. */
  public void applyUsersFromItems(float[] items, int dim, float[] outUsers, Workers w) {
    check("items", items, numItems, dim);
    check("outUsers", outUsers, numUsers, dim);
    apply(v, numItems, items, u, numUsers, dim, outUsers, w);
  }

  /** outItems (numItems × dim) = V S (Uᵀ users), users numUsers × dim. */
  public void applyItemsFromUsers(float[] users, int dim, float[] outItems, Workers w) {
    check("users", users, numUsers, dim);
    check("outItems", outItems, numItems, dim);
    apply(u, numUsers, users, v, numItems, dim, outItems, w);
  }

  private void apply(float[] from, int fromRows, float[] x, float[] to, int toRows, int dim, float[] out,
      Workers w) {
    double[] small = new double[rank * dim];
    // small = S (fromᵀ x)
    SmallDense.transTimes(from, fromRows, rank, x, dim, small, w);
    for (int c = 0; c < rank; c++) {
      for (int k = 0; k < dim; k++) {
        small[c * dim + k] *= s[c];
      }
    }
    // out = to · small
    SmallDense.timesSmall(to, toRows, rank, small, dim, false, out, w);
  }

  private static void check(String name, float[] m, int rows, int dim) {
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be >= 1, got " + dim);
    }
    if (m.length != (long) rows * dim) {
      throw new IllegalArgumentException(name + " length mismatch: expected " + rows + " x " + dim + " = "
          + ((long) rows * dim) + ", got " + m.length);
    }
  }
}
