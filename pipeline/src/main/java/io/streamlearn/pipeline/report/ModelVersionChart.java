package io.streamlearn.pipeline.report;

import io.streamlearn.schemas.MetricsEvent;
import java.awt.Color;
import java.util.List;
import java.util.Optional;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Every key's model version against position, as steps: a version holds until the next one is
 * published. Positions are per key, as on the learning curves, so a version step lines up with the
 * drift marker on the key's own chart.
 */
final class ModelVersionChart {

  static final int WIDTH = 1000;
  static final int HEIGHT = 420;

  /** Colours for the keys, in turn; distinct from each other on white. */
  private static final List<Color> KEY_COLORS =
      List.of(
          new Color(0x1f77b4),
          new Color(0xff7f0e),
          new Color(0x2ca02c),
          new Color(0xd62728),
          new Color(0x9467bd),
          new Color(0x8c564b),
          new Color(0xe377c2),
          new Color(0x7f7f7f),
          new Color(0xbcbd22),
          new Color(0x17becf));

  private ModelVersionChart() {}

  /** Empty if no event names a model version (the whole job has none). */
  static Optional<JFreeChart> of(List<KeyHistory> histories) {
    XYSeriesCollection versions = new XYSeriesCollection();
    for (KeyHistory history : histories) {
      XYSeries steps = steps(history);
      if (!steps.isEmpty()) {
        versions.addSeries(steps);
      }
    }
    if (versions.getSeriesCount() == 0) {
      return Optional.empty();
    }
    XYStepRenderer renderer = new XYStepRenderer();
    for (int i = 0; i < versions.getSeriesCount(); i++) {
      renderer.setSeriesPaint(i, KEY_COLORS.get(i % KEY_COLORS.size()));
      renderer.setSeriesStroke(i, ChartStyle.CURVE_STROKE);
    }
    NumberAxis versionAxis = ChartStyle.axis("model version");
    versionAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    long end = histories.stream().mapToLong(KeyHistory::lastPosition).max().orElse(0);
    XYPlot plot = new XYPlot(versions, ChartStyle.positionAxis(end), versionAxis, renderer);
    ChartStyle.apply(plot);
    return Optional.of(ChartStyle.chart("Model versions", plot));
  }

  private static XYSeries steps(KeyHistory history) {
    XYSeries steps = new XYSeries(history.title());
    for (MetricsEvent snapshot : history.snapshots()) {
      if (snapshot.getModelVersion() != null) {
        steps.add(snapshot.getPosition(), snapshot.getModelVersion());
      }
    }
    return steps;
  }
}
