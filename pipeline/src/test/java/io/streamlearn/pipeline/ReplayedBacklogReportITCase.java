package io.streamlearn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.pipeline.config.StreamlearnOptions;
import io.streamlearn.pipeline.generate.ConceptDriftStream;
import io.streamlearn.pipeline.generate.FlippedLabels;
import io.streamlearn.pipeline.generate.RotatingHyperplane;
import io.streamlearn.pipeline.report.LearningCurveReport;
import io.streamlearn.pipeline.report.RenderedCurves;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.MetricsEvent;
import io.streamlearn.schemas.MetricsEventKind;
import io.streamlearn.schemas.WireCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.LongStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backlog replayed through the whole job in seconds, far faster than the snapshot interval, then
 * drawn by {@code report}: the curves must still have a point every {@code metrics.snapshot-every}
 * predictions, and every drift its marker, at its position, on the chart.
 */
class ReplayedBacklogReportITCase {

  @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(1);

  private static final int KEYS = 3;
  private static final int SAMPLES = 18_000;
  private static final int LABELS_FLIP_AT = 9_000;

  @TempDir Path report;

  @Test
  void drawsAPointEverySoManyPredictionsAndEveryDriftWhereItHappened() throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    // One source reader, as one Kafka partition, so that each key's samples keep their order.
    env.setParallelism(1);
    CollectingSink<MetricsEvent> metrics = new CollectingSink<>();
    StreamlearnJob.defineWorkflow(
        env,
        BoundedSource.of(backlog()),
        new PipelineSinks(
            new CollectingSink<>(), new CollectingSink<>(), new CollectingSink<>(), metrics),
        settings());
    env.execute("replayed backlog");
    List<MetricsEvent> events = metrics.values();
    LearningCurveReport.write(events, report);

    int every = StreamlearnOptions.METRICS_SNAPSHOT_EVERY.defaultValue();
    checkChart(events, null, "overall.png", SAMPLES / every, every);
    for (int k = 0; k < KEYS; k++) {
      checkChart(events, "key-" + k, "key-key-" + k + ".png", SAMPLES / KEYS / every, every);
    }
  }

  private void checkChart(List<MetricsEvent> events, String key, String png, int points, int every)
      throws Exception {
    RenderedCurves chart = RenderedCurves.of(events, key, report.resolve(png));
    List<Double> drifts =
        events.stream()
            .filter(event -> event.getKind() == MetricsEventKind.DRIFT)
            .filter(event -> Objects.equals(event.getKey(), key))
            .map(event -> (double) event.getPosition())
            .toList();
    System.out.printf("%s: drifts at %s%n", png, drifts);

    assertThat(chart.points("accuracy"))
        .as("%s: a point every %d predictions", png, every)
        .containsExactlyElementsOf(
            LongStream.rangeClosed(1, points).mapToObj(n -> (double) n * every).toList());
    assertThat(chart.positionAxis().getLowerBound()).isZero();
    assertThat(drifts).as("%s: the flipped labels are detected", png).isNotEmpty();
    assertThat(chart.driftMarkers()).containsExactlyElementsOf(drifts);
    for (double drift : drifts) {
      assertThat(chart.positionAxis().contains(drift)).as("%s: drift at %s", png, drift).isTrue();
      assertThat(chart.driftRedAt(drift))
          .as("%s: share of the panel's height drawn red at the drift at %s", png, drift)
          .isGreaterThan(0.3);
    }
  }

  /** Three keys taking turns; every label flips at once halfway through. */
  private static List<byte[]> backlog() {
    Iterator<LabeledSample> samples =
        new ConceptDriftStream(
            hyperplane(1), new FlippedLabels(hyperplane(1)), LABELS_FLIP_AT, 1, 1);
    WireCodec<LabeledSample> codec = WireCodec.labeledSamples();
    List<byte[]> values = new ArrayList<>(SAMPLES);
    for (int n = 0; n < SAMPLES; n++) {
      values.add(codec.encode(samples.next()));
    }
    return values;
  }

  private static RotatingHyperplane hyperplane(long seed) {
    return new RotatingHyperplane(seed, 10, KEYS, 0, 0.05);
  }

  private static PipelineSettings settings() {
    return KafkaJob.pipelineSettings(
        StreamlearnConfig.fromMap(
            Map.of(
                "kafka.bootstrap-servers", "unused:9092",
                "model.features", "10",
                "model.hidden-layers", "16",
                "model.learning-rate", "0.005",
                "batch.size", "32",
                "batch.max-delay", "0 s",
                "model.checkpoint.interval", "0 s",
                // Only the end of input may bring a snapshot the count does not.
                "metrics.snapshot-interval", "1 h")));
  }
}
