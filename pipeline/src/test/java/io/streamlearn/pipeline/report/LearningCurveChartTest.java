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
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.Marker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.Layer;
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
  void drawsNoChartForAKeyWithoutLearningCurveMetrics() {
    assertThat(LearningCurveChart.of(history(snapshot(100, Map.of("predictions", 100.0)))))
        .isEmpty();
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
