package io.graphcf.propagation.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.propagation.model.FloatMatrix;
import io.graphcf.propagation.model.ModelReader;
import io.graphcf.propagation.model.ModelWriter;
import java.io.IOException;

/**
 * The trained parameters of a two-table embedding model (users × dim and items × dim) with their
 * Adam optimisers, as a checkpoint holds them: the tables under two model entries chosen by the
 * model, the moments as {@code adam_user_m/_v} and {@code adam_item_m/_v}, and the step count as
 * {@code adam_steps} in the trainer state. LightGCN and LightGCL keep their ego embeddings this way,
 * UltraGCN its embeddings. The arrays are the trainer's own: restoring writes into them.
 */
public final class TableState {
  /** Key of the Adam step count in {@link EpochTrainer#state()}. */
  public static final String STEPS_KEY = "adam_steps";

  private final String userEntry;
  private final float[] users;
  private final Adam adamUsers;
  private final String itemEntry;
  private final float[] items;
  private final Adam adamItems;
  private final int numUsers;
  private final int numItems;
  private final int dim;

  public TableState(String userEntry, float[] users, Adam adamUsers, String itemEntry, float[] items, Adam adamItems,
      int numUsers, int numItems, int dim) {
    if (users.length != (long) numUsers * dim || items.length != (long) numItems * dim) {
      throw new IllegalArgumentException("tables must be " + numUsers + " x " + dim + " and " + numItems + " x " + dim
          + ", got " + users.length + " and " + items.length + " floats");
    }
    this.userEntry = userEntry;
    this.users = users;
    this.adamUsers = adamUsers;
    this.itemEntry = itemEntry;
    this.items = items;
    this.adamItems = adamItems;
    this.numUsers = numUsers;
    this.numItems = numItems;
    this.dim = dim;
  }

  /** Writes both tables and both optimisers' moments. */
  public void save(ModelWriter writer) throws IOException {
    writer.putMatrix(userEntry, users, numUsers, dim);
    writer.putMatrix(itemEntry, items, numItems, dim);
    adamUsers.save(writer, "adam_user", numUsers, dim);
    adamItems.save(writer, "adam_item", numItems, dim);
  }

  /** Records the optimiser step count in a trainer state object. */
  public void putState(ObjectNode state) {
    state.put(STEPS_KEY, adamUsers.steps());
  }

  /**
   * Reads back what {@link #save} and {@link #putState} wrote; a missing entry, a table of the wrong
   * shape or a state without the step count is an {@link IllegalArgumentException} naming it.
   */
  public void restore(ModelReader reader, ObjectNode state) throws IOException {
    long steps = state.path(STEPS_KEY).asLong(-1);
    if (steps < 0) {
      throw new IllegalArgumentException("checkpoint state has no '" + STEPS_KEY + "': " + state);
    }
    copy(reader.matrix(userEntry), users, numUsers, userEntry);
    copy(reader.matrix(itemEntry), items, numItems, itemEntry);
    adamUsers.restore(reader, "adam_user", steps);
    adamItems.restore(reader, "adam_item", steps);
  }

  private void copy(FloatMatrix m, float[] into, int rows, String name) {
    if (m.rows() != rows || m.cols() != dim) {
      throw new IllegalArgumentException(name + " shape mismatch: expected " + rows + " x " + dim + ", got "
          + m.rows() + " x " + m.cols());
    }
    System.arraycopy(m.data(), 0, into, 0, into.length);
  }
}
