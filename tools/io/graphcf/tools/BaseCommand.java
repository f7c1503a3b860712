package io.graphcf.tools;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Base of every subcommand: the injected writers, {@code --verbose}, and the mapping from
 * exceptions to exit codes done by {@link GraphCf}. Subclasses implement {@link #execute()}.
 */
public abstract class BaseCommand implements Callable<Integer> {
  @Spec
  protected CommandSpec spec;

  @Option(names = "--verbose", description = "Print stack traces on failure.")
  protected boolean verbose;

  /** Where results go (stdout in the launcher; a StringWriter in tests). */
  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** Where progress and errors go. */
  protected PrintWriter err() {
    return spec.commandLine().getErr();
  }

  @Override
  public final Integer call() throws Exception {
    GraphCf.VERBOSE.set(verbose);
    return execute();
  }

  /** Runs the command; returns the exit code. Throw {@link UsageException} for invalid input. */
  protected abstract int execute() throws Exception;

  /** Invalid input detected by a command (exit code 2). */
  public static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
      super(message);
    }
  }

  /** Convenience for commands: picocli's own usage error for the current command. */
  protected CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
