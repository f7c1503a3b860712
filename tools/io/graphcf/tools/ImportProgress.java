package io.graphcf.tools;

import java.io.PrintWriter;
import java.util.function.LongConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;

/**
 * A bytes-read progress bar on the error writer that appears only once an import has run for
 * {@link #DELAY_MILLIS} (short imports print nothing). Disabled when not asked for, which is the
 * default without a console (tests, pipes).
 */
final class ImportProgress implements LongConsumer, AutoCloseable {
  static final long DELAY_MILLIS = 2000;

  private final boolean enabled;
  private final long totalBytes;
  private final PrintWriter err;
  private final long start = System.nanoTime();
  private ProgressBar bar;

  ImportProgress(boolean enabled, long totalBytes, PrintWriter err) {
    this.enabled = enabled;
    this.totalBytes = totalBytes;
    this.err = err;
  }

  @Override
  public void accept(long bytes) {
    if (!enabled) {
      return;
    }
    if (bar == null) {
      if ((System.nanoTime() - start) / 1_000_000 < DELAY_MILLIS) {
        return;
      }
      bar = new ProgressBarBuilder().setTaskName("import").setInitialMax(Math.max(totalBytes, 1))
          .setUnit(" MiB", 1 << 20).setUpdateIntervalMillis(250).setConsumer(new WriterConsumer(err))
          .clearDisplayOnFinish().build();
    }
    bar.stepTo(Math.min(bytes, totalBytes));
  }

  /** Shows a phase after reading (building, writing) once the bar is visible. */
  void phase(String name) {
    if (bar != null) {
      bar.setExtraMessage(name);
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }

  /** Renders the bar on a line of its own, rewritten in place with a carriage return. */
  private static final class WriterConsumer implements ProgressBarConsumer {
    private final PrintWriter w;

    WriterConsumer(PrintWriter w) {
      this.w = w;
    }

    @Override
    public int getMaxRenderedLength() {
      return 100;
    }

    @Override
    public void accept(String rendered) {
      w.print('\r');
      w.print(rendered);
      w.flush();
    }

    @Override
    public void clear() {
      w.print('\r');
      w.print(" ".repeat(getMaxRenderedLength()));
      w.print('\r');
      w.flush();
    }

    @Override
    public void close() {
      w.flush();
    }
  }
}
