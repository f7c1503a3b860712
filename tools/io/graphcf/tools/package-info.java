/**
 * The {@code graphcf} command line (picocli): one class per subcommand, writers injected so that
 * tests run commands in-process; exit codes 0 ok, 1 failure, 2 invalid input.
 */
package io.graphcf.tools;
