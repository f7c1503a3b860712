package io.graphcf.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
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
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = GraphCf.run(args, new PrintWriter(out), new PrintWriter(err));
      String name = String.join(" ", cmd);
      assertEquals(0, code, "'" + name + " --help' exit code; stderr: " + err);
      assertTrue(out.toString().startsWith("Usage: graphcf"), "'" + name + " --help' printed: " + out);
    }
  }

  @Test
  void unknownOptionIsInvalidInput() {
    StringWriter err = new StringWriter();
    int code = GraphCf.run(new String[] {"stats", "some-store", "--no-such-option"}, new PrintWriter(new StringWriter()),
        new PrintWriter(err));
    assertEquals(GraphCf.EXIT_INVALID_INPUT, code);
    assertTrue(err.toString().contains("--no-such-option"), err.toString());
  }
}
