package io.streamlearn.pipeline.report;

import java.awt.Color;
import java.util.List;

/**
 * The panels of a learning-curve chart: metrics drawn against one value axis share a panel, so that
 * log loss (unbounded) does not squash accuracy (0 to 1). A key's chart has the panels its
 * snapshots have values for: classification or regression.
 */
enum CurvePanel {
  SCORES(
      "accuracy, kappa",
      new Curve("accuracy", "accuracy", new Color(0x1f77b4)),
      new Curve("kappa", "kappa", new Color(0xff7f0e))),
  LOG_LOSS("log loss", new Curve("logLoss", "log loss", new Color(0x2ca02c))),
  ERRORS(
      "error",
      new Curve("mae", "MAE", new Color(0x9467bd)),
      new Curve("rmse", "RMSE", new Color(0x8c564b)));

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
}
