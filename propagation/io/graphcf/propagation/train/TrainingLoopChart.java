package io.graphcf.propagation.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

/** The end-of-training PNG: training loss (left axis) and the watched metric (right axis) against epochs. */
final class TrainingLoopChart {
  private TrainingLoopChart() {}

  static void write(ArrayNode history, String metric, Path png, String title) throws IOException {
    if (history.size() == 0) {
      return;
    }
    System.setProperty("java.awt.headless", "true");
    List<Double> lossX = new ArrayList<>();
    List<Double> lossY = new ArrayList<>();
    List<Double> metricX = new ArrayList<>();
    List<Double> metricY = new ArrayList<>();
    for (JsonNode line : history) {
      double e = line.path("epoch").asDouble();
      lossX.add(e);
      lossY.add(line.path("loss").asDouble());
      if (line.has(metric)) {
        metricX.add(e);
        metricY.add(line.path(metric).asDouble());
      }
    }
    XYChart chart = new XYChartBuilder().width(900).height(500).title(title + ": loss and " + metric)
        .xAxisTitle("epoch").build();
    chart.setYAxisGroupTitle(0, "training loss");
    chart.addSeries("loss", lossX, lossY).setYAxisGroup(0);
    if (!metricX.isEmpty()) {
      XYSeries m = chart.addSeries(metric, metricX, metricY);
      m.setYAxisGroup(1);
      chart.setYAxisGroupTitle(1, metric);
      chart.getStyler().setYAxisGroupPosition(1, org.knowm.xchart.style.Styler.YAxisPosition.Right);
    }
    Path tmp = png.resolveSibling("." + png.getFileName() + ".tmp");
    try (OutputStream os = Files.newOutputStream(tmp)) {
      BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG);
    }
    Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
