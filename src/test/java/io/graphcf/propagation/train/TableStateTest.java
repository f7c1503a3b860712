package io.graphcf.propagation.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.propagation.Workers;
import io.graphcf.propagation.model.ModelReader;
import io.graphcf.propagation.model.ModelWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint's tables and Adam state survive a save and restore exactly, and bad ones are refused by name. */
class TableStateTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private static float[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n];
    for (int k = 0; k < n; k++) {
      x[k] = (float) r.nextGaussian();
    }
    return x;
  }

  /** A trained-looking state: tables and two Adam steps on random gradients. */
  private static final class Tables {
    final float[] users;
    final float[] items;
    final Adam adamUsers;
    final Adam adamItems;
    final TableState state;

    Tables(int numUsers, int numItems, int dim, long seed, int steps) {
      users = random(numUsers * dim, seed);
      items = random(numItems * dim, seed + 1);
      adamUsers = new Adam(users.length, 0.01f);
      adamItems = new Adam(items.length, 0.01f);
      try (Workers w = Workers.create(1)) {
        for (int s = 0; s < steps; s++) {
          adamUsers.step(users, random(users.length, seed + 10 + s), w);
          adamItems.step(items, random(items.length, seed + 20 + s), w);
        }
      }
      state = new TableState("ego_user", users, adamUsers, "ego_item", items, adamItems, numUsers, numItems, dim);
    }
  }

  private Path save(Tables t, String name) throws IOException {
    Path target = dir.resolve(name);
    ObjectNode meta = JSON.createObjectNode();
    meta.put("model", "test").put("kind", "embedding");
    ObjectNode s = JSON.createObjectNode();
    t.state.putState(s);
    meta.set("trainer", s);
    try (ModelWriter w = ModelWriter.create(target)) {
      t.state.save(w);
      w.commit(meta);
    }
    return target;
  }

  @Test
  void restoresTablesMomentsAndStepCount() throws IOException {
    Tables saved = new Tables(7, 5, 3, 42, 2);
    ModelReader r = ModelReader.open(save(saved, "m"));
    Tables fresh = new Tables(7, 5, 3, 99, 0);
    fresh.state.restore(r, (ObjectNode) r.meta().get("trainer"));
    assertArrayEquals(saved.users, fresh.users);
    assertArrayEquals(saved.items, fresh.items);
    assertEquals(2, fresh.adamUsers.steps());
    assertEquals(2, fresh.adamItems.steps());
    assertArrayEquals(saved.adamUsers.firstMoment(), fresh.adamUsers.firstMoment());
    assertArrayEquals(saved.adamItems.secondMoment(), fresh.adamItems.secondMoment());
    // the next step from either gives the same parameters
    float[] g = random(saved.users.length, 7);
    try (Workers w = Workers.create(1)) {
      saved.adamUsers.step(saved.users, g, w);
      fresh.adamUsers.step(fresh.users, g, w);
    }
    assertArrayEquals(saved.users, fresh.users);
  }

  @Test
  void refusesWrongShapesAndMissingStepCount() throws IOException {
    ModelReader r = ModelReader.open(save(new Tables(7, 5, 3, 1, 1), "m"));
    ObjectNode state = (ObjectNode) r.meta().get("trainer");
    IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
        () -> new Tables(6, 5, 3, 1, 0).state.restore(r, state));
    assertTrue(shape.getMessage().contains("ego_user shape mismatch: expected 6 x 3, got 7 x 3"), shape.getMessage());
    IllegalArgumentException steps = assertThrows(IllegalArgumentException.class,
        () -> new Tables(7, 5, 3, 1, 0).state.restore(r, JSON.createObjectNode()));
    assertTrue(steps.getMessage().contains("adam_steps"), steps.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new TableState("u", new float[20], new Adam(20, 0.1f), "i",
        new float[15], new Adam(15, 0.1f), 7, 5, 3));
  }
}
