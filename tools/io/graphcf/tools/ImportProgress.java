package io.graphcf.tools;

import java.io.PrintWriter;
import java.util.Timer;
import java.util.TimerTask;
import java.util.function.LongConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;

/**
 * A progress bar on the error writer for a whole import (bytes read, then the phase: building,
 * writing the store) that appears only once the import has run for {@link #DELAY_MILLIS}, so short
 * imports print nothing. Disabled when not asked for, which is the default without a console
 * (tests, pipes). Thread-safe: the reader reports bytes, a timer thread shows the bar.
 */
final class ImportProgress implements LongConsumer, AutoCloseable {
  static final long DELAY_MILLIS = 2000;

  private final long totalBytes;
  private final PrintWriter err;
  private final Timer timer;
  private ProgressBar bar;
  private long bytes;
  private String phase = "reading";
  private boolean closed;

  ImportProgress(boolean enabled, long totalBytes, PrintWriter err) {
    this.totalBytes = Math.max(totalBytes, 1);
    this.err = err;
    if (enabled) {
      timer = new Timer("graphcf-import-progress", true);
      timer.schedule(new TimerTask() {
        @Override
        public void run() {
          show();
        }
      }, DELAY_MILLIS);
    } else {
      timer = null;
      closed = true;
    }
  }

  private synchronized void show() {
    if (closed || bar != null) {
      return;
    }
    bar = new ProgressBarBuilder().setTaskName("import").setInitialMax(totalBytes).setUnit(" MiB", 1 << 20)
        .setUpdateIntervalMillis(250).setConsumer(new WriterConsumer(err)).clearDisplayOnFinish().build();
    bar.stepTo(Math.min(bytes, totalBytes));
    bar.setExtraMessage(phase);
  }

  /** Bytes of input read so far. */
  @Override
  public synchronized void accept(long read) {
    bytes = read;
    if (bar != null) {
      bar.stepTo(Math.min(read, totalBytes));
    }
  }

  /** The current phase after reading ("building", "writing store"). */
  synchronized void phase(String name) {
    phase = name;
    if (bar != null) {
      bar.setExtraMessage(name);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (timer != null) {
      timer.cancel();
    }
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
