package io.graphcf.tools;

import io.graphcf.graph.InputFormatException;
import io.graphcf.graph.io.CorruptFileException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code graphcf} command. Exit codes: 0 ok, 1 failure, 2 invalid input (bad arguments, bad
 * input files, missing or corrupt files). The message goes to stderr; the stack trace only with
 * {@code --verbose}.
 */
@Command(
    name = "graphcf",
    mixinStandardHelpOptions = true,
    version = "graphcf 0.1.0",
    description = "Graph-native collaborative filtering: import interaction logs, train and evaluate models, recommend.",
    subcommands = {
      CommandLine.HelpCommand.class,
      BenchCommand.class,
      IndexCommand.class,
      RecommendCommand.class,
      TrainCommand.class,
      EvalCommand.class,
      ImportCommand.class,
      StatsCommand.class,
    })
public final class GraphCf {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_INVALID_INPUT = 2;

  static final ThreadLocal<Boolean> VERBOSE = ThreadLocal.withInitial(() -> false);

  private GraphCf() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int code = run(args, out, err);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs the CLI in-process with the given writers and returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    VERBOSE.set(false);
    CommandLine cl = new CommandLine(GraphCf.class);
    addHelpOptions(cl);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExitCodeExceptionMapper(GraphCf::exitCode);
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      err.println("graphcf: " + message(ex));
      if (VERBOSE.get()) {
        ex.printStackTrace(err);
      }
      err.flush();
      return exitCode(ex);
    });
    cl.setParameterExceptionHandler((ex, a) -> {
      err.println("graphcf: " + ex.getMessage());
      err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
      err.flush();
      return EXIT_INVALID_INPUT;
    });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** Gives every subcommand {@code -h/--help} and {@code -V/--version}, as the root has. */
  private static void addHelpOptions(CommandLine cl) {
    for (CommandLine sub : cl.getSubcommands().values()) {
      if (!sub.getCommandSpec().mixinStandardHelpOptions()) {
        sub.getCommandSpec().mixinStandardHelpOptions(true);
      }
      addHelpOptions(sub);
    }
  }

  static String message(Throwable ex) {
    if (ex instanceof NoSuchFileException) {
      NoSuchFileException e = (NoSuchFileException) ex;
      return e.getFile() + ": " + (e.getReason() == null ? "no such file" : e.getReason());
    }
    String m = ex.getMessage();
    return m == null ? ex.getClass().getSimpleName() : m;
  }

  static int exitCode(Throwable ex) {
    if (ex instanceof InputFormatException
        || ex instanceof CorruptFileException
        || ex instanceof NoSuchFileException
        || ex instanceof BaseCommand.UsageException
        || ex instanceof IllegalArgumentException
        || ex instanceof CommandLine.ParameterException) {
      return EXIT_INVALID_INPUT;
    }
    return EXIT_FAILURE;
  }
}
