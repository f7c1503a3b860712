package io.graphcf.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The search's bounded heap: selecting the best k from a wide heap equals draining it best first. */
class IndexTopKTest {

  @Test
  void offerAllToKeepsTheBestKWithTheSameTieBreakAsDraining() {
    SplittableRandom r = new SplittableRandom(4);
    for (int trial = 0; trial < 200; trial++) {
      int ef = 1 + r.nextInt(300);
      int k = 1 + r.nextInt(40);
      TopK wide = new TopK(ef).reset(ef);
      int offered = r.nextInt(2 * ef + 1);
      for (int i = 0; i < offered; i++) {
        // few distinct scores: many ties, broken towards the smaller ordinal
        wide.offer(r.nextInt(10_000), r.nextInt(8) * 0.25f);
      }
      int n = wide.size();
      int[] heapOrder = new int[n];
      assertEquals(n, wide.copyItems(heapOrder));
      TopK best = new TopK(k).reset(k);
      wide.offerAllTo(best);
      assertEquals(n, wide.size(), "offerAllTo leaves the heap as it was");
      int[] got = new int[best.size()];
      float[] gotScores = new float[best.size()];
      best.drainBestFirst(got, gotScores);

      int[] all = new int[n];
      float[] allScores = new float[n];
      wide.drainBestFirst(all, allScores);
      int m = Math.min(k, n);
      assertArrayEquals(Arrays.copyOf(all, m), got, "trial " + trial);
      assertArrayEquals(Arrays.copyOf(allScores, m), gotScores, "trial " + trial);
      int[] a = heapOrder.clone();
      int[] b = all.clone();
      Arrays.sort(a);
      Arrays.sort(b);
      assertArrayEquals(b, a, "copyItems holds the kept items, trial " + trial);
    }
  }
}
