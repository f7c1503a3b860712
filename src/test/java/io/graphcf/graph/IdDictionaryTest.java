package io.graphcf.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.graphcf.graph.io.CorruptFileException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdDictionaryTest {
  @TempDir
  Path tmp;

  private static List<String> ids(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // Mixed widths, digits that look like numbers, non-ASCII and a comma.
      ids.add(i % 3 == 0 ? Integer.toString(i * 7) : i % 3 == 1 ? "user-é-" + i : "q,\"" + i + "\"ü");
    }
    return ids;
  }

  @Test
  void roundTripsEveryIdBothWays() throws Exception {
    List<String> ids = ids(500);
    IdDictionary.write("users", ids, tmp.resolve("u.ids"), tmp.resolve("u.fwd"));
    try (IdDictionary d = IdDictionary.open("users", tmp.resolve("u.ids"), tmp.resolve("u.fwd"), 500)) {
      assertEquals(500, d.size());
      for (int o = 0; o < ids.size(); o++) {
        assertEquals(ids.get(o), d.externalId(o), "ordinal " + o);
        assertEquals(o, d.ordinal(ids.get(o)), "id " + ids.get(o));
      }
      assertEquals(-1, d.ordinal("never-seen"));
      assertEquals(-1, d.ordinal(""));
      assertThrows(IllegalArgumentException.class, () -> d.externalId(500));
      assertThrows(IllegalArgumentException.class, () -> d.externalId(-1));
      d.verifyAll();
    }
  }

  @Test
  void heapForwardMapAgreesWithChronicle() throws Exception {
    List<String> ids = ids(300);
    IdDictionary.write("items", ids, tmp.resolve("h.ids"), tmp.resolve("h.fwd"));
    try (IdDictionary chronicle = IdDictionary.open("items", tmp.resolve("h.ids"), tmp.resolve("h.fwd"), 300);
        IdDictionary heap = IdDictionary.open("items", tmp.resolve("h.ids"), tmp.resolve("h.fwd"), 300)) {
      heap.loadForwardOnHeap();
      heap.loadForwardOnHeap(); // idempotent
      for (String id : ids) {
        assertEquals(chronicle.ordinal(id), heap.ordinal(id), "id " + id);
      }
      assertEquals(-1, heap.ordinal("never-seen"));
      assertEquals(-1, heap.ordinal(""));
    }
  }

  @Test
  void emptyDictionary() throws Exception {
    IdDictionary.write("items", List.of(), tmp.resolve("e.ids"), tmp.resolve("e.fwd"));
    try (IdDictionary d = IdDictionary.open("items", tmp.resolve("e.ids"), tmp.resolve("e.fwd"), 0)) {
      assertEquals(0, d.size());
      assertEquals(-1, d.ordinal("x"));
    }
  }

  @Test
  void countMismatchAndMissingForwardMapAreReported() throws Exception {
    IdDictionary.write("users", ids(10), tmp.resolve("u.ids"), tmp.resolve("u.fwd"));
    CorruptFileException e = assertThrows(CorruptFileException.class,
        () -> IdDictionary.open("users", tmp.resolve("u.ids"), tmp.resolve("u.fwd"), 11));
    assertTrue(e.getMessage().startsWith(tmp.resolve("u.ids").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("holds 10 users ids, the manifest says 11"), e.getMessage());
    Files.delete(tmp.resolve("u.fwd"));
    NoSuchFileException m = assertThrows(NoSuchFileException.class,
        () -> IdDictionary.open("users", tmp.resolve("u.ids"), tmp.resolve("u.fwd"), 10));
    assertEquals(tmp.resolve("u.fwd").toString(), m.getFile());
  }

  @Test
  void forwardMapOfAnotherDictionaryIsDetectedOnFirstUse() throws Exception {
    List<String> a = ids(40);
    List<String> b = new ArrayList<>(a);
    java.util.Collections.reverse(b); // same ids and count, other ordinals
    IdDictionary.write("users", a, tmp.resolve("a.ids"), tmp.resolve("a.fwd"));
    IdDictionary.write("users", b, tmp.resolve("b.ids"), tmp.resolve("b.fwd"));
    IdDictionary.write("users", ids(41), tmp.resolve("c.ids"), tmp.resolve("c.fwd"));
    try (IdDictionary d = IdDictionary.open("users", tmp.resolve("a.ids"), tmp.resolve("b.fwd"), 40)) {
      CorruptFileException e = assertThrows(CorruptFileException.class, d::openForward);
      assertTrue(e.getMessage().startsWith(tmp.resolve("b.fwd").toString()), e.getMessage());
      assertTrue(e.getMessage().contains("the reverse file says 0"), e.getMessage());
    }
    try (IdDictionary d = IdDictionary.open("users", tmp.resolve("a.ids"), tmp.resolve("c.fwd"), 40)) {
      CorruptFileException e = assertThrows(CorruptFileException.class, d::openForward);
      assertTrue(e.getMessage().contains("forward map holds 41 entries, the reverse file and manifest hold 40"),
          e.getMessage());
    }
  }

  @Test
  void manyThreadsAndHandlesAtOnce() throws Exception {
    List<String> ids = ids(2000);
    IdDictionary.write("items", ids, tmp.resolve("i.ids"), tmp.resolve("i.fwd"));
    IdDictionary shared = IdDictionary.open("items", tmp.resolve("i.ids"), tmp.resolve("i.fwd"), 2000);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> fs = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        int seed = t;
        fs.add(pool.submit(() -> {
          // Half the tasks share one lazily opened instance, half open their own handle.
          try (IdDictionary own = seed % 2 == 0 ? null
              : IdDictionary.open("items", tmp.resolve("i.ids"), tmp.resolve("i.fwd"), 2000)) {
            IdDictionary d = own == null ? shared : own;
            int ok = 0;
            for (int k = 0; k < 2000; k += 7) {
              int o = (k + seed * 13) % 2000;
              if (d.ordinal(ids.get(o)) == o && d.externalId(o).equals(ids.get(o))) {
                ok++;
              }
            }
            return ok;
          }
        }));
      }
      for (Future<Integer> f : fs) {
        assertEquals((2000 + 6) / 7, f.get());
      }
    } finally {
      pool.shutdown();
      shared.close();
    }
  }
}
