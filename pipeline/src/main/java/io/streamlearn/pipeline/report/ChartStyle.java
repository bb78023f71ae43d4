package io.streamlearn.pipeline.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.text.NumberFormat;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;

/** The look every report chart shares, so that the PNGs read as one set. */
final class ChartStyle {

  private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 18);
  private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
  static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  static final BasicStroke CURVE_STROKE = new BasicStroke(2f);

  private static final Color GRID = new Color(0xcccccc);
  private static final double END_MARGIN = 0.02;

  private ChartStyle() {}

  /**
   * The x axis of every chart: where in the key's stream, in labeled predictions, from the start of
   * the stream to {@code end}, the last position of any event charted. Fitted to the points
   * instead, it would start at the first snapshot, and the drift markers before it would fall off
   * the chart.
   */
  static NumberAxis positionAxis(long end) {
    NumberAxis axis = axis("position (labeled predictions)");
    axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    axis.setNumberFormatOverride(NumberFormat.getIntegerInstance(Locale.ROOT));
    // A little room on the right: a marker at the very end would hide under the plot's outline.
    axis.setRange(0, Math.max(1, end) * (1 + END_MARGIN));
    return axis;
  }

  static NumberAxis axis(String label) {
    NumberAxis axis = new NumberAxis(label);
    axis.setLabelFont(LABEL_FONT);
    axis.setTickLabelFont(TICK_FONT);
    return axis;
  }

  static void apply(XYPlot plot) {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(GRID);
    plot.setRangeGridlinePaint(GRID);
    plot.setOutlinePaint(Color.GRAY);
  }

  static JFreeChart chart(String title, XYPlot plot) {
    JFreeChart chart = new JFreeChart(title, TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    chart.setTextAntiAlias(true);
    LegendTitle legend = chart.getLegend();
    legend.setItemFont(LABEL_FONT);
    legend.setPosition(RectangleEdge.BOTTOM);
    legend.setFrame(BlockBorder.NONE);
    return chart;
  }
}
