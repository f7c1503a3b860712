package io.graphcf.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.graphcf.testutil.SharedData;
import org.junit.jupiter.api.Test;

class LightGcnReaderRealDataTest {
  @Test
  void gowallaHasPublishedCounts() {
    Dataset d = SharedData.load("gowalla");
    assertEquals(29_858, d.numUsers());
    assertEquals(40_981, d.numItems());
    assertEquals(810_128, d.train().nnz());
    assertEquals(217_242, d.test().nnz());
  }

  @Test
  void sampleHasPublishedCounts() throws Exception {
    Dataset d = new LightGcnReader().read(SharedData.sample().resolve("train.txt"),
        SharedData.sample().resolve("test.txt")).toDataset();
    assertEquals(1_435, d.numUsers());
    assertEquals(1_522, d.numItems());
    assertEquals(31_887, d.train().nnz());
    assertEquals(4_044, d.test().nnz());
  }
}
