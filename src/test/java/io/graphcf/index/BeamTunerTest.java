package io.graphcf.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.graphcf.graph.io.CorruptFileException;
import io.graphcf.propagation.Workers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tuned search beam: recall recomputed against brute force, minimality, held-out recall, and
 * the beam's round trip through the index file (including files of format version 1).
 */
class BeamTunerTest {
  static final int N = 6000;
  static final int DIM = 24;
  static final int NQ = 300;
  static final int K = 20;

  static float[] items;
  static float[] queries;
  static float[] heldOut;
  static HnswIndex index;

  @BeforeAll
  static void build() {
    items = IndexTestData.embeddingLike(N, DIM, 21);
    queries = IndexTestData.embeddingLike(NQ, DIM, 22);
    heldOut = IndexTestData.embeddingLike(NQ, DIM, 23);
    // a sparse graph built with a narrow beam, so that ef = k is well short of the target
    index = HnswIndex.builder().m(4).efConstruction(20).seed(5).threads(2).build(items, N, DIM);
  }

  static final java.util.Map<float[], int[][]> BRUTE = new java.util.IdentityHashMap<>();

  /** Mean recall@K at beam ef over {@code qs}, against the test's own brute force (computed once per query set). */
  static double bruteRecall(float[] qs, int ef) {
    int[][] expect = BRUTE.computeIfAbsent(qs, x -> {
      int[][] e = new int[NQ][];
      for (int q = 0; q < NQ; q++) {
        e[q] = IndexTestData.bruteForce(items, N, DIM, x, q * DIM, K, null);
      }
      return e;
    });
    double sum = 0;
    for (int q = 0; q < NQ; q++) {
      float[] query = java.util.Arrays.copyOfRange(qs, q * DIM, q * DIM + DIM);
      sum += IndexTestData.overlap(index.search(query, K, ef).items(), expect[q]);
    }
    return sum / NQ;
  }

  @Test
  void tunedBeamIsTheSmallestReachingTheTargetAndHoldsOnOtherQueries() {
    double target = 0.95;
    BeamTuner.Result r;
    BeamTuner tuner;
    try (Workers w = Workers.create(2)) {
      tuner = new BeamTuner(index, queries, NQ, K, w);
      r = tuner.tune(target);
    }
    assertTrue(r.reached());
    assertEquals(K, r.k());
    double atK = bruteRecall(queries, K);
    assertTrue(atK < target, "test data too easy: recall at ef=k is already " + atK);
    assertTrue(r.ef() > K, "beam " + r.ef());
    // the reported recall is the real one (independent brute force), and its lower bound passes
    assertEquals(bruteRecall(queries, r.ef()), r.recall(), 1e-9);
    assertTrue(r.lowerBound() >= target && r.lowerBound() <= r.recall(), r.toString());
    // one less does not pass
    assertTrue(tuner.measure(r.ef() - 1)[1] < target, "ef " + (r.ef() - 1) + " also passes");
    // other queries from the same distribution reach the target within sampling noise
    double held = bruteRecall(heldOut, r.ef());
    assertTrue(held >= target - 0.015, "held-out recall " + held + " at tuned ef " + r.ef());
  }

  @Test
  void deletedItemsAreNotPartOfTheReference() {
    HnswIndex idx = HnswIndex.builder().m(4).efConstruction(20).seed(5).threads(1).build(items.clone(), N, DIM);
    // delete every query's true best item, and a spread of others
    java.util.Set<Integer> gone = new java.util.HashSet<>();
    for (int q = 0; q < NQ; q++) {
      gone.add(IndexTestData.bruteForce(items, N, DIM, queries, q * DIM, 1, null)[0]);
    }
    for (int i = 0; i < N; i += 17) {
      gone.add(i);
    }
    for (int i : gone) {
      idx.delete(i);
    }
    BeamTuner.Result r;
    try (Workers w = Workers.create(2)) {
      r = new BeamTuner(idx, queries, NQ, K, w).tune(0.9);
    }
    double sum = 0;
    for (int q = 0; q < NQ; q++) {
      int[] expect = IndexTestData.bruteForce(items, N, DIM, queries, q * DIM, K, i -> !gone.contains(i));
      float[] query = java.util.Arrays.copyOfRange(queries, q * DIM, q * DIM + DIM);
      sum += IndexTestData.overlap(idx.search(query, K, r.ef()).items(), expect);
    }
    assertEquals(sum / NQ, r.recall(), 1e-9);
    assertTrue(r.recall() >= 0.9, r.toString());
  }

  @Test
  void perQueryExclusionsAreLeftOutOfReferenceAndSearch() {
    // each query excludes its own exact top 5 and every 13th item, as a user's seen items would be
    int[][] excluded = new int[NQ][];
    java.util.List<java.util.Set<Integer>> sets = new java.util.ArrayList<>();
    for (int q = 0; q < NQ; q++) {
      java.util.TreeSet<Integer> ex = new java.util.TreeSet<>();
      for (int i : IndexTestData.bruteForce(items, N, DIM, queries, q * DIM, 5, null)) {
        ex.add(i);
      }
      for (int i = q % 13; i < N; i += 13) {
        ex.add(i);
      }
      excluded[q] = ex.stream().mapToInt(Integer::intValue).toArray();
      sets.add(ex);
    }
    BeamTuner.Result r;
    try (Workers w = Workers.create(2)) {
      r = new BeamTuner(index, queries, NQ, K, excluded, w).tune(0.9);
    }
    double sum = 0;
    for (int q = 0; q < NQ; q++) {
      java.util.Set<Integer> ex = sets.get(q);
      int[] expect = IndexTestData.bruteForce(items, N, DIM, queries, q * DIM, K, i -> !ex.contains(i));
      float[] query = java.util.Arrays.copyOfRange(queries, q * DIM, q * DIM + DIM);
      int[] got = index.search(query, K, r.ef(), excluded[q], null).items();
      for (int i : got) {
        assertFalse(ex.contains(i), "excluded item " + i + " returned for query " + q);
      }
      sum += IndexTestData.overlap(got, expect);
    }
    assertEquals(sum / NQ, r.recall(), 1e-9);
    assertTrue(r.lowerBound() >= 0.9, r.toString());
    try (Workers w = Workers.create(1)) {
      assertThrows(IllegalArgumentException.class, () -> new BeamTuner(index, queries, NQ, K, new int[NQ - 1][], w));
    }
  }

  @Test
  void largerKScalesTheTunedBeamAndKeepsRecall() {
    HnswIndex idx = HnswIndex.builder().m(16).efConstruction(100).seed(5).threads(2).build(items, N, DIM);
    BeamTuner.Result r;
    try (Workers w = Workers.create(2)) {
      r = new BeamTuner(idx, queries, NQ, K, w).tune(0.95);
    }
    idx.setSearchBeam(r.ef(), r.k(), r.recall());
    assertEquals(r.ef(), idx.searchBeam(10));
    assertEquals(r.ef(), idx.searchBeam(K));
    assertTrue(r.ef() < N / 12, "beam " + r.ef() + " too close to the exact fallback for this test");
    assertEquals(3 * r.ef(), idx.searchBeam(3 * K));
    assertEquals((r.ef() * 25 + K - 1) / K, idx.searchBeam(25));
    int big = 3 * K;
    double sum = 0;
    for (int q = 0; q < NQ; q++) {
      int[] expect = IndexTestData.bruteForce(items, N, DIM, queries, q * DIM, big, null);
      float[] query = java.util.Arrays.copyOfRange(queries, q * DIM, q * DIM + DIM);
      sum += IndexTestData.overlap(idx.search(query, big, idx.searchBeam(big)).items(), expect);
    }
    // recall@60 at the scaled beam holds the target within sampling noise
    assertTrue(sum / NQ >= 0.94, "recall@" + big + " at scaled beam " + idx.searchBeam(big) + ": " + sum / NQ);
    HnswIndex untuned = HnswIndex.builder().m(4).efConstruction(20).seed(5).threads(1).build(items, 50, DIM);
    assertEquals(HnswIndex.DEFAULT_EF_SEARCH, untuned.searchBeam(K));
    assertEquals(300, untuned.searchBeam(300));
  }

  @Test
  void perfectRecallTargetAndArgumentChecks() {
    try (Workers w = Workers.create(1)) {
      BeamTuner tuner = new BeamTuner(index, queries, NQ, K, w);
      assertThrows(IllegalArgumentException.class, () -> tuner.tune(0));
      assertThrows(IllegalArgumentException.class, () -> tuner.tune(1.01));
      assertThrows(IllegalArgumentException.class, () -> new BeamTuner(index, queries, NQ + 1, K, w));
      assertThrows(IllegalArgumentException.class, () -> new BeamTuner(index, queries, NQ, 0, w));
      // recall 1 on every query: reached at the latest where the beam covers half the catalogue and
      // the index answers exactly
      BeamTuner.Result r = tuner.tune(1.0);
      assertTrue(r.reached());
      assertEquals(1.0, r.recall());
      assertTrue(r.ef() <= N / 2, "ef " + r.ef());
      assertTrue(tuner.measure(r.ef() - 1)[1] < 1.0);
    }
  }

  @Test
  void beamRoundTripsThroughTheFileAndVersion1FilesStillOpen(@TempDir Path dir) throws IOException {
    HnswIndex fresh = HnswIndex.builder().m(4).efConstruction(20).seed(5).threads(1).build(items, N, DIM);
    assertFalse(fresh.isSearchBeamTuned());
    assertEquals(HnswIndex.DEFAULT_EF_SEARCH, fresh.searchBeam());
    Path untuned = dir.resolve("untuned.hnsw");
    fresh.save(untuned);
    HnswIndex u = HnswIndex.load(untuned, items, N, DIM);
    assertFalse(u.isSearchBeamTuned());
    assertEquals(HnswIndex.DEFAULT_EF_SEARCH, u.searchBeam());
    assertTrue(Float.isNaN(u.searchBeamRecall()));

    fresh.setSearchBeam(137, 20, 0.9612);
    Path tuned = dir.resolve("tuned.hnsw");
    fresh.save(tuned);
    HnswIndex t = HnswIndex.load(tuned, items, N, DIM);
    assertTrue(t.isSearchBeamTuned());
    assertEquals(137, t.searchBeam());
    assertEquals(20, t.searchBeamK());
    assertEquals(0.9612f, t.searchBeamRecall());
    assertThrows(IllegalStateException.class, () -> t.setSearchBeam(10, 20, 0.9));

    // the same graph in format version 1 (no beam fields): opens, same results, untuned beam
    Path v1 = dir.resolve("v1.hnsw");
    Files.write(v1, toVersion1(Files.readAllBytes(tuned)));
    HnswIndex old = HnswIndex.load(v1, items, N, DIM);
    assertFalse(old.isSearchBeamTuned());
    assertEquals(HnswIndex.DEFAULT_EF_SEARCH, old.searchBeam());
    for (int q = 0; q < 20; q++) {
      float[] query = java.util.Arrays.copyOfRange(queries, q * DIM, q * DIM + DIM);
      assertEquals(java.util.Arrays.toString(t.search(query, K, 50).items()),
          java.util.Arrays.toString(old.search(query, K, 50).items()));
    }

    // a corrupt beam field with a valid checksum is refused by name
    byte[] bad = Files.readAllBytes(tuned);
    ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(16 + 56, -5);
    Path badFile = dir.resolve("badbeam.hnsw");
    Files.write(badFile, reseal(bad));
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> HnswIndex.load(badFile, items, N, DIM));
    assertTrue(e.getMessage().contains("badbeam.hnsw") && e.getMessage().contains("beam"), e.getMessage());
  }

  /** Drops the 16 bytes of beam fields after the 56-byte version-1 header and rewrites version and checksum. */
  static byte[] toVersion1(byte[] v2) {
    int cut = 16 + 56;
    byte[] v1 = new byte[v2.length - 16];
    System.arraycopy(v2, 0, v1, 0, cut);
    System.arraycopy(v2, cut + 16, v1, cut, v2.length - cut - 16);
    ByteBuffer.wrap(v1).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 1);
    return reseal(v1);
  }

  /** Recomputes the footer's CRC32C over every byte before the checksum field. */
  static byte[] reseal(byte[] file) {
    CRC32C crc = new CRC32C();
    crc.update(file, 0, file.length - 8);
    ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putLong(file.length - 8, crc.getValue());
    return file;
  }
}
