package io.graphcf.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code graphcf bench} suites on the embedded sample: they run, report what they measured, refuse bad values. */
class BenchCommandTest {
  private static final String SAMPLE = "data/amazon-electronics";

  @Test
  void svdSuiteTimesEachRankAndFindsTheTopSingularValue() {
    CliRun r = CliRun.of("bench", "svd", "--data", SAMPLE, "--ranks", "3,20", "--repeats", "1", "--threads", "2");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("rank    3 (l = 13)"), r.out());
    Matcher m = Pattern.compile("rank   20 \\(l = 30\\): SVD .* ratio ([0-9.]+)x; top singular values ([0-9.]+),")
        .matcher(r.out());
    assertTrue(m.find(), r.out());
    assertTrue(Double.parseDouble(m.group(1)) > 0, r.out()); // a ratio is printed; its size is the benchmark's business
    // σ1 of the normalised matrix R~ is exactly 1 (singular vectors √d_u, √d_i)
    double top = Double.parseDouble(m.group(2));
    assertTrue(top > 0.99 && top < 1.0001, "top singular value " + top);

    CliRun bad = CliRun.of("bench", "svd", "--data", SAMPLE, "--ranks", "0", "--repeats", "1");
    assertEquals(2, bad.code(), bad.out());
    assertTrue(bad.err().contains("--ranks"), bad.err());
  }

  @Test
  void lightGclStepSuiteTakesTheInfoNceNegatives() {
    CliRun r = CliRun.of("bench", "lightgcl-step", "--data", SAMPLE, "--steps", "1", "--threads", "2",
        "--infonce-negatives", "batch");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("InfoNCE negatives: batch") && r.out().contains("GFLOP per step")
        && r.out().contains("garbage collections in the timed steps: "), r.out());
    CliRun bad = CliRun.of("bench", "lightgcl-step", "--data", SAMPLE, "--infonce-negatives", "none");
    assertEquals(2, bad.code(), bad.out());
    assertTrue(bad.err().contains("'all' or 'batch'"), bad.err());
  }
}
