package io.streamlearn.pipeline.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.streamlearn.schemas.MetricsEvent;
import io.streamlearn.schemas.MetricsEventKind;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.Marker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.Layer;
import org.jfree.data.Range;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;

class LearningCurveChartTest {

  @Test
  void givesClassificationAScorePanelAndALogLossPanel() {
    List<XYPlot> panels =
        panels(history(snapshot(100, Map.of("accuracy", 0.8, "kappa", 0.6, "logLoss", 0.4))));

    assertThat(panels)
        .extracting(panel -> panel.getRangeAxis().getLabel())
        .containsExactly("accuracy, kappa", "log loss");
    assertThat(seriesNames(panels.get(0).getDataset())).containsExactly("accuracy", "kappa");
    assertThat(seriesNames(panels.get(1).getDataset())).containsExactly("log loss");
  }

  @Test
  void givesRegressionOneErrorPanel() {
    List<XYPlot> panels = panels(history(snapshot(100, Map.of("mae", 0.3, "rmse", 0.5))));

    assertThat(panels)
        .singleElement()
        .satisfies(
            panel -> {
              assertThat(panel.getRangeAxis().getLabel()).isEqualTo("error");
              assertThat(seriesNames(panel.getDataset())).containsExactly("MAE", "RMSE");
            });
  }

  @Test
  void leavesOutValuesThatAreNotFinite() {
    List<XYPlot> panels =
        panels(
            history(
                snapshot(100, Map.of("logLoss", Double.POSITIVE_INFINITY)),
                snapshot(200, Map.of("logLoss", 0.5)),
                snapshot(300, Map.of("logLoss", Double.NaN))));

    assertThat(panels.get(0).getDataset().getItemCount(0)).isOne();
  }

  @Test
  void marksEachDriftOnEveryPanelAndNamesItsDetectorOnTheTopOne() {
    KeyHistory history =
        new KeyHistory(
            "k",
            List.of(snapshot(100, Map.of("accuracy", 0.8, "logLoss", 0.4))),
            List.of(drift(40, "ADWIN"), drift(70, "PAGE_HINKLEY")));

    List<XYPlot> panels = panels(history);

    assertThat(markers(panels.get(0)))
        .extracting(ValueMarker::getValue, Marker::getLabel)
        .containsExactly(tuple(40.0, "ADWIN"), tuple(70.0, "PAGE_HINKLEY"));
    assertThat(markers(panels.get(0)).get(1).getLabelOffset().getTop())
        .as("the second label sits below the first, clear of it")
        .isGreaterThan(markers(panels.get(0)).get(0).getLabelOffset().getTop() + 10);
    assertThat(markers(panels.get(1)))
        .extracting(ValueMarker::getValue, Marker::getLabel)
        .containsExactly(tuple(40.0, null), tuple(70.0, null));
  }

  @Test
  void spansTheWholeStreamSoThatEveryDriftHasItsPlace() {
    // A replayed backlog as reported before count-based snapshots: two snapshots at the end, the
    // drifts long before them.
    KeyHistory history =
        new KeyHistory(
            "k",
            List.of(
                snapshot(33_837, Map.of("accuracy", 0.91, "logLoss", 0.2)),
                snapshot(40_000, Map.of("accuracy", 0.92, "logLoss", 0.19))),
            List.of(drift(7_680, "ADWIN"), drift(22_432, "ADWIN")));

    ValueAxis positions = LearningCurveChart.of(history).orElseThrow().getXYPlot().getDomainAxis();

    assertThat(positions.getLowerBound()).isZero();
    assertThat(positions.getUpperBound()).isBetween(40_000.0, 41_000.0);
    assertThat(markers(panels(history).get(0)))
        .allSatisfy(
            marker -> assertThat(positions.getRange().contains(marker.getValue())).isTrue());
  }

  @Test
  void keepsAccuracyAndKappaOnTheirWholeScale() {
    Range axis =
        topValueAxis(
            Map.of("accuracy", 0.851, "kappa", 0.70), Map.of("accuracy", 0.859, "kappa", 0.71));

    assertThat(axis).isEqualTo(new Range(0, 1));
  }

  @Test
  void widensTheScoreScaleToMinusOneForAKappaWorseThanChance() {
    Range axis =
        topValueAxis(
            Map.of("accuracy", 0.4, "kappa", -0.15), Map.of("accuracy", 0.6, "kappa", 0.2));

    assertThat(axis).isEqualTo(new Range(-1, 1));
  }

  @Test
  void drawsALogLossThatBarelyMovesAsTheFlatLineItIs() {
    Range axis = topValueAxis(Map.of("logLoss", 0.1115), Map.of("logLoss", 0.1126));

    assertThat(axis.getLowerBound()).as("losses start from their best, zero").isZero();
    assertThat(axis.getUpperBound()).isGreaterThan(0.1126).isLessThan(0.15);
    assertThat((0.1126 - 0.1115) / axis.getLength())
        .as("share of the panel's height the change takes")
        .isLessThan(0.01);
  }

  @Test
  void givesErrorsRoomAboveTheirHighestValue() {
    Range axis = topValueAxis(Map.of("mae", 2.0, "rmse", 3.0), Map.of("mae", 1.0, "rmse", 1.5));

    assertThat(axis.getLowerBound()).isZero();
    assertThat(axis.getUpperBound()).isGreaterThan(3.0).isLessThanOrEqualTo(3.5);
  }

  @Test
  void drawsNoChartForAKeyWithoutLearningCurveMetrics() {
    assertThat(LearningCurveChart.of(history(snapshot(100, Map.of("predictions", 100.0)))))
        .isEmpty();
  }

  /** The value axis of the top panel of a chart of two snapshots, at 100 and 200. */
  private static Range topValueAxis(Map<String, Double> first, Map<String, Double> second) {
    return panels(history(snapshot(100, first), snapshot(200, second)))
        .get(0)
        .getRangeAxis()
        .getRange();
  }

  private static List<XYPlot> panels(KeyHistory history) {
    JFreeChart chart = LearningCurveChart.of(history).orElseThrow();
    return ((CombinedDomainXYPlot) chart.getXYPlot()).getSubplots();
  }

  private static List<String> seriesNames(XYDataset dataset) {
    return IntStream.range(0, dataset.getSeriesCount())
        .mapToObj(series -> dataset.getSeriesKey(series).toString())
        .toList();
  }

  @SuppressWarnings("unchecked") // JFreeChart's marker collections are raw
  private static List<ValueMarker> markers(XYPlot panel) {
    return List.copyOf(panel.getDomainMarkers(Layer.FOREGROUND));
  }

  private static KeyHistory history(MetricsEvent... snapshots) {
    return new KeyHistory("k", List.of(snapshots), List.of());
  }

  private static MetricsEvent snapshot(long position, Map<String, Double> metrics) {
    return event(MetricsEventKind.SNAPSHOT, position, metrics).build();
  }

  private static MetricsEvent drift(long position, String detector) {
    return event(MetricsEventKind.DRIFT, position, Map.of()).setDetector(detector).build();
  }

  private static MetricsEvent.Builder event(
      MetricsEventKind kind, long position, Map<String, Double> metrics) {
    return MetricsEvent.newBuilder()
        .setKind(kind)
        .setKey("k")
        .setPosition(position)
        .setTime(Instant.ofEpochMilli(position))
        .setMetrics(metrics);
  }
}
