package io.graphcf.propagation;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A fixed set of worker threads that run {@code n} tasks and wait for all of them. The caller's
 * thread runs task 0, so {@code threads == 1} runs everything inline. Tasks are identified by index
 * and each owns a disjoint slice of the output, so results do not depend on scheduling.
 */
public final class Workers implements AutoCloseable {
  private static final AtomicInteger POOL_ID = new AtomicInteger();

  private final int threads;
  private final ExecutorService pool;

  private Workers(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    this.threads = threads;
    if (threads == 1) {
      this.pool = null;
    } else {
      int id = POOL_ID.incrementAndGet();
      AtomicInteger n = new AtomicInteger();
      ThreadFactory tf = r -> {
        Thread t = new Thread(r, "graphcf-worker-" + id + "-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      };
      this.pool = Executors.newFixedThreadPool(threads - 1, tf);
    }
  }

  /** A pool of {@code threads} threads (the caller counts as one). */
  public static Workers create(int threads) {
    return new Workers(threads);
  }

  /** The machine's available processors. */
  public static int defaultThreads() {
    return Runtime.getRuntime().availableProcessors();
  }

  public int threads() {
    return threads;
  }

  /** Runs {@code task.accept(t)} for every {@code t} in {@code [0, tasks)} and waits for all. */
  public void run(int tasks, IntConsumer task) {
    if (pool == null || tasks <= 1) {
      for (int t = 0; t < tasks; t++) {
        task.accept(t);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger(1);
    Runnable worker = () -> {
      for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) {
        task.accept(t);
      }
    };
    int helpers = Math.min(threads - 1, tasks - 1);
    @SuppressWarnings("unchecked")
    Future<?>[] futures = new Future<?>[helpers];
    for (int h = 0; h < helpers; h++) {
      futures[h] = pool.submit(worker);
    }
    Throwable failure = null;
    try {
      task.accept(0);
      worker.run();
    } catch (Throwable t) {
      failure = t;
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        if (failure == null) {
          failure = e.getCause();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (failure == null) {
          failure = e;
        }
      }
    }
    if (failure instanceof RuntimeException) {
      throw (RuntimeException) failure;
    }
    if (failure instanceof Error) {
      throw (Error) failure;
    }
    if (failure != null) {
      throw new IllegalStateException(failure);
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
