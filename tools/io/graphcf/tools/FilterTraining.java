package io.graphcf.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.propagation.Workers;
import io.graphcf.propagation.eval.EvalResult;
import io.graphcf.propagation.eval.Evaluator;
import io.graphcf.propagation.filter.Bspm;
import io.graphcf.propagation.filter.FilterModels;
import io.graphcf.propagation.filter.FilterScorer;
import io.graphcf.propagation.filter.GfCf;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code graphcf train --model gfcf|bspm}: fits a graph-filter model (the randomized SVD is all the
 * "training"), evaluates it when the data has a test split, and saves it (kind {@code filter}).
 * Prints one JSON line with the metrics and the timings (fit = SVD, eval = scoring + ranking).
 */
final class FilterTraining {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FilterTraining() {}

  static void run(String model, FilterOptions o, TrainData td, Path outDir, long seed, int threads, Workers w,
      PrintWriter out, PrintWriter err) throws IOException {
    long t0 = System.nanoTime();
    FilterScorer m;
    try {
      m = model.equals("gfcf")
          ? GfCf.fit(td.dataset().train(), o.k(), o.alpha(), o.powerIters(), o.oversample(), seed, w)
          : Bspm.fit(td.dataset().train(), o.bspm(seed), w);
    } catch (IllegalArgumentException e) {
      throw new BaseCommand.UsageException(e.getMessage());
    }
    double fitSeconds = (System.nanoTime() - t0) / 1e9;
    ObjectNode meta = FilterModels.meta(m);
    ((ObjectNode) meta.get("hyperparameters")).put("threads", threads);
    meta.set("data", td.meta());
    ObjectNode line = JSON.createObjectNode().put("model", model);
    ObjectNode timings = meta.putObject("timings").put("fit_seconds", fitSeconds);
    if (td.dataset().test().nnz() > 0) {
      EvalResult r = Evaluator.evaluate(m, td.dataset(), TrainCommand.KS, w);
      ObjectNode metrics = r.toJson();
      metrics.remove("eval_seconds");
      meta.set("metrics", metrics);
      line.setAll(metrics);
      timings.put("eval_seconds", r.seconds());
    } else {
      meta.putObject("metrics");
    }
    timings.put("total_seconds", (System.nanoTime() - t0) / 1e9);
    line.setAll(timings);
    FilterModels.saveTo(outDir, m, meta);
    out.println(JSON.writeValueAsString(line));
    err.printf(Locale.ROOT, "saved %s to %s (fit %.1f s, total %.1f s)%n", model, outDir, fitSeconds,
        timings.path("total_seconds").asDouble());
  }
}
