package io.graphcf.tools;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process {@code graphcf} invocation: its exit code and everything it printed. */
record CliRun(int code, String out, String err) {

  static CliRun of(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = GraphCf.run(args, new PrintWriter(o), new PrintWriter(e));
    return new CliRun(code, o.toString(), e.toString());
  }
}
