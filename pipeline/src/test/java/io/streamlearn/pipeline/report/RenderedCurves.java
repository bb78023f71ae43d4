package io.streamlearn.pipeline.report;

import io.streamlearn.schemas.MetricsEvent;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.Range;
import org.jfree.data.xy.XYDataset;

/**
 * One key's learning-curve chart of a written report, read back for tests outside this package: the
 * points of each curve, the position axis, and which pixels of the report's PNG the drift markers
 * coloured. The chart is built again from the same events, for its layout; the pixels are the
 * report's own.
 */
public final class RenderedCurves {

  private final JFreeChart chart;
  private final ChartRenderingInfo layout = new ChartRenderingInfo();
  private final BufferedImage png;

  private RenderedCurves(JFreeChart chart, BufferedImage png) {
    this.chart = chart;
    this.png = png;
    chart.createBufferedImage(png.getWidth(), png.getHeight(), layout);
  }

  /**
   * @param key the model key, or null for the whole job
   * @param png the chart's file in the report written from {@code events}
   */
  public static RenderedCurves of(List<MetricsEvent> events, String key, Path png)
      throws IOException {
    KeyHistory history =
        KeyHistory.of(events).stream()
            .filter(candidate -> Objects.equals(candidate.key(), key))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no events of key " + key));
    return new RenderedCurves(
        LearningCurveChart.of(history).orElseThrow(), ImageIO.read(png.toFile()));
  }

  /** The positions of the points of the curve with this legend entry. */
  public List<Double> points(String curve) {
    for (XYPlot panel : panels()) {
      XYDataset dataset = panel.getDataset();
      for (int series = 0; series < dataset.getSeriesCount(); series++) {
        if (dataset.getSeriesKey(series).equals(curve)) {
          List<Double> positions = new ArrayList<>();
          for (int item = 0; item < dataset.getItemCount(series); item++) {
            positions.add(dataset.getXValue(series, item));
          }
          return positions;
        }
      }
    }
    throw new AssertionError("no curve " + curve);
  }

  public Range positionAxis() {
    return chart.getXYPlot().getDomainAxis().getRange();
  }

  /** Where the top panel has its drift markers. */
  @SuppressWarnings("unchecked") // JFreeChart's marker collections are raw
  public List<Double> driftMarkers() {
    Collection<ValueMarker> markers = panels().get(0).getDomainMarkers(Layer.FOREGROUND);
    return markers == null ? List.of() : markers.stream().map(ValueMarker::getValue).toList();
  }

  /**
   * The share of the top panel's height that is drift red in the PNG at the pixel column of {@code
   * position}: the best of that column and its two neighbours, which anti-aliasing may colour
   * instead.
   */
  public double driftRedAt(double position) {
    Rectangle2D area = layout.getPlotInfo().getSubplotInfo(0).getDataArea();
    int x =
        (int)
            Math.round(
                chart
                    .getXYPlot()
                    .getDomainAxis()
                    .valueToJava2D(position, area, RectangleEdge.BOTTOM));
    double best = 0;
    for (int column = x - 1; column <= x + 1; column++) {
      int red = 0;
      for (int y = (int) area.getMinY(); y < (int) area.getMaxY(); y++) {
        red += Pixels.isDriftRed(png.getRGB(column, y) & 0xffffff) ? 1 : 0;
      }
      best = Math.max(best, red / area.getHeight());
    }
    return best;
  }

  private List<XYPlot> panels() {
    return ((CombinedDomainXYPlot) chart.getXYPlot()).getSubplots();
  }
}
