package io.graphcf.graph;

import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import java.util.ArrayList;
import java.util.List;

/**
 * Assigns dense ordinals to external ids in order of first appearance during import. The store
 * persists the result (Chronicle Map forward, a reverse file backward).
 */
public final class IdMapBuilder {
  private final Object2IntOpenHashMap<String> forward = new Object2IntOpenHashMap<>();
  private final List<String> reverse = new ArrayList<>();

  public IdMapBuilder() {
    forward.defaultReturnValue(-1);
  }

  /** The ordinal of {@code id}, assigning the next one if it is new. */
  public int intern(String id) {
    int o = forward.getInt(id);
    if (o < 0) {
      o = reverse.size();
      forward.put(id, o);
      reverse.add(id);
    }
    return o;
  }

  /** The ordinal of {@code id}, or -1 if it was never interned. */
  public int get(String id) {
    return forward.getInt(id);
  }

  public int size() {
    return reverse.size();
  }

  /** External id of each ordinal, in ordinal order. */
  public List<String> ids() {
    return reverse;
  }
}
