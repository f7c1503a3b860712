package io.graphcf.propagation.ultragcn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.graphcf.graph.Dataset;
import io.graphcf.graph.LightGcnReader;
import io.graphcf.testutil.SharedData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The benchmark runs end to end on the embedded sample and its two kernels agree (timings are not asserted). */
class UltraGcnStepBenchTest {
  @Test
  void bothKernelsRunTheSameBatchesAndAgreeToRounding() throws IOException {
    Dataset d = new LightGcnReader().read(SharedData.sample().resolve("train.txt"),
        SharedData.sample().resolve("test.txt")).toDataset();
    StringWriter sw = new StringWriter();
    double rel = UltraGcnStepBench.run(new PrintWriter(sw), d, 16, 2, 8, 5);
    String out = sw.toString();
    assertTrue(rel < 1e-5, "relative loss difference " + rel + "\n" + out);
    assertTrue(out.contains("Vector API") && out.contains("scalar") && out.contains("scalar / Vector API"), out);
    assertTrue(out.contains("4 rounds x 2 steps per kernel"), out);
  }
}
