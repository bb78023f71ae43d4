package io.streamlearn.pipeline.report;

import java.awt.Color;
import java.util.List;
import org.jfree.data.Range;

/**
 * The panels of a learning-curve chart: metrics drawn against one value axis share a panel, so that
 * log loss (unbounded) does not squash accuracy (0 to 1). A key's chart has the panels its
 * snapshots have values for: classification or regression. Each panel has its own {@link #scale}.
 */
enum CurvePanel {
  SCORES(
      "accuracy, kappa",
      new Curve("accuracy", "accuracy", new Color(0x1f77b4)),
      new Curve("kappa", "kappa", new Color(0xff7f0e))) {
    /**
     * Their whole scale, always: zoomed into the band the values happen to span, accuracy moving
     * from 0.85 to 0.86 would fill the panel. Kappa below zero (worse than chance) widens it to
     * kappa's own lower end.
     */
    @Override
    Range scale(Range values) {
      return new Range(values.getLowerBound() < 0 ? -1 : 0, 1);
    }
  },
  LOG_LOSS("log loss", new Curve("logLoss", "log loss", new Color(0x2ca02c))),
  ERRORS(
      "error",
      new Curve("mae", "MAE", new Color(0x9467bd)),
      new Curve("rmse", "RMSE", new Color(0x8c564b)));

  /** Room above an unbounded panel's highest value, as a share of it. */
  private static final double HEADROOM = 0.1;

  /** One line: the metric it plots, its legend entry and its colour (the same on every chart). */
  record Curve(String metric, String label, Color color) {}

  private final String axisLabel;
  private final List<Curve> curves;

  CurvePanel(String axisLabel, Curve... curves) {
    this.axisLabel = axisLabel;
    this.curves = List.of(curves);
  }

  String axisLabel() {
    return axisLabel;
  }

  List<Curve> curves() {
    return curves;
  }

  /**
   * The value axis of a panel whose curves span {@code values}. Losses and errors are never below
   * zero, their best: the axis starts there, so that a change shows in proportion to the value (a
   * log loss from 0.1115 to 0.1126 is a flat line, not a steep climb), with some room above.
   */
  Range scale(Range values) {
    double top = values.getUpperBound() > 0 ? values.getUpperBound() * (1 + HEADROOM) : 1;
    return new Range(Math.min(0, values.getLowerBound()), top);
  }
}
