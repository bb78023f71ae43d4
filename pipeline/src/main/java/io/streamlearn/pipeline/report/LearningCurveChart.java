package io.streamlearn.pipeline.report;

import io.streamlearn.pipeline.report.CurvePanel.Curve;
import io.streamlearn.schemas.MetricsEvent;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Line2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.general.DatasetUtils;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * One key's learning curves against position: a panel per {@link CurvePanel} the key has values
 * for, with a vertical marker at each drift the key's detector reported. The position axis spans
 * the key's whole stream, so that every marker has its place.
 */
final class LearningCurveChart {

  static final int WIDTH = 1000;
  static final int HEIGHT = 640;
  private static final Color DRIFT_COLOR = new Color(0xd62728);

  private static final BasicStroke DRIFT_STROKE =
      new BasicStroke(
          1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);

  private static final int LABEL_ROWS = 3;
  private static final int LABEL_ROW_HEIGHT = 16;
  private static final Color LABEL_BACKGROUND = new Color(255, 255, 255, 220);

  private LearningCurveChart() {}

  /** Empty if none of the key's snapshots has a value of a charted metric. */
  static Optional<JFreeChart> of(KeyHistory history) {
    CombinedDomainXYPlot plot =
        new CombinedDomainXYPlot(ChartStyle.positionAxis(history.lastPosition()));
    plot.setGap(16);
    for (CurvePanel panel : CurvePanel.values()) {
      List<Curve> drawn = new ArrayList<>();
      XYSeriesCollection series = new XYSeriesCollection();
      for (Curve curve : panel.curves()) {
        XYSeries points = points(curve, history.snapshots());
        if (!points.isEmpty()) {
          drawn.add(curve);
          series.addSeries(points);
        }
      }
      if (!drawn.isEmpty()) {
        // Only the top panel labels the drift markers: the same label on each panel is clutter.
        boolean labelDrifts = plot.getSubplots().isEmpty();
        plot.add(panel(panel, drawn, series, history.drifts(), labelDrifts));
      }
    }
    if (plot.getSubplots().isEmpty()) {
      return Optional.empty();
    }
    ChartStyle.apply(plot);
    if (!history.drifts().isEmpty()) {
      LegendItemCollection legend = plot.getLegendItems();
      legend.add(driftLegend());
      plot.setFixedLegendItems(legend);
    }
    return Optional.of(ChartStyle.chart(history.title() + ": learning curves", plot));
  }

  private static XYSeries points(Curve curve, List<MetricsEvent> snapshots) {
    XYSeries points = new XYSeries(curve.label());
    for (MetricsEvent snapshot : snapshots) {
      Double value = snapshot.getMetrics().get(curve.metric());
      // A non-finite value (log loss of a certain miss, say) would stretch the axis to nothing.
      if (value != null && Double.isFinite(value)) {
        points.add(snapshot.getPosition(), value);
      }
    }
    return points;
  }

  private static XYPlot panel(
      CurvePanel panel,
      List<Curve> curves,
      XYSeriesCollection series,
      List<MetricsEvent> drifts,
      boolean labelDrifts) {
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < curves.size(); i++) {
      renderer.setSeriesPaint(i, curves.get(i).color());
      renderer.setSeriesStroke(i, ChartStyle.CURVE_STROKE);
    }
    NumberAxis valueAxis = ChartStyle.axis(panel.axisLabel());
    valueAxis.setRange(panel.scale(DatasetUtils.findRangeBounds(series)));
    XYPlot plot = new XYPlot(series, null, valueAxis, renderer);
    ChartStyle.apply(plot);
    for (int i = 0; i < drifts.size(); i++) {
      ValueMarker marker = driftMarker(drifts.get(i));
      if (labelDrifts) {
        label(marker, drifts.get(i), i % LABEL_ROWS);
      }
      plot.addDomainMarker(marker);
    }
    return plot;
  }

  private static LegendItem driftLegend() {
    return new LegendItem(
        "drift detected",
        null,
        null,
        null,
        new Line2D.Double(-7, 0, 7, 0),
        DRIFT_STROKE,
        DRIFT_COLOR);
  }

  private static ValueMarker driftMarker(MetricsEvent drift) {
    return new ValueMarker(drift.getPosition(), DRIFT_COLOR, DRIFT_STROKE);
  }

  /**
   * Names the detector beside the marker, one of {@link #LABEL_ROWS} rows down in turn: drifts
   * close together would otherwise print their names over each other.
   */
  private static void label(ValueMarker marker, MetricsEvent drift, int row) {
    marker.setLabel(drift.getDetector() == null ? "drift" : drift.getDetector());
    marker.setLabelFont(ChartStyle.TICK_FONT);
    marker.setLabelPaint(DRIFT_COLOR);
    // Readable where it crosses a curve; JFreeChart's default is a grey box.
    marker.setLabelBackgroundColor(LABEL_BACKGROUND);
    marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
    marker.setLabelTextAnchor(TextAnchor.TOP_LEFT);
    marker.setLabelOffset(new RectangleInsets(3 + row * LABEL_ROW_HEIGHT, 3, 3, 3));
  }
}
