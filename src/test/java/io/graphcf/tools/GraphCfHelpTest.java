package io.graphcf.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Every command answers {@code --help} with its usage and exit code 0; unknown options exit 2. */
class GraphCfHelpTest {
  private static final String[][] COMMANDS = {
    {}, {"import"}, {"stats"}, {"train"}, {"eval"}, {"recommend"}, {"bench"}, {"index"}, {"index", "build"},
  };

  @Test
  void everyCommandPrintsHelp() {
    for (String[] cmd : COMMANDS) {
      String[] args = java.util.Arrays.copyOf(cmd, cmd.length + 1);
      args[cmd.length] = "--help";
      CliRun r = CliRun.of(args);
      String name = String.join(" ", cmd);
      assertEquals(0, r.code(), "'" + name + " --help' exit code; stderr: " + r.err());
      assertTrue(r.out().startsWith("Usage: graphcf"), "'" + name + " --help' printed: " + r.out());
    }
  }

  @Test
  void unknownOptionIsInvalidInput() {
    CliRun r = CliRun.of("stats", "some-store", "--no-such-option");
    assertEquals(GraphCf.EXIT_INVALID_INPUT, r.code());
    assertTrue(r.err().contains("--no-such-option"), r.err());
  }
}
