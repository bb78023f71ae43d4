package io.streamlearn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.operators.drift.DetectorType;
import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.pipeline.generate.ConceptDriftStream;
import io.streamlearn.pipeline.generate.FlippedLabels;
import io.streamlearn.pipeline.generate.RotatingHyperplane;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.MetricsEvent;
import io.streamlearn.schemas.MetricsEventKind;
import io.streamlearn.schemas.WireCodec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Drift detection through the whole topology: the job learns three keys at once, one on a
 * stationary concept, one whose concept changes abruptly and one whose concept changes gradually,
 * each at a known position, and the drift events on the metrics output must match them.
 *
 * <p>The bounds are what docs/training.md promises: a detection within {@value #ABRUPT_BOUND}
 * samples of an abrupt change, within {@value #GRADUAL_BOUND} samples of the end of a gradual one,
 * none before either change, and none at all over {@value #STATIONARY_SAMPLES} stationary samples.
 */
class DriftDetectionITCase {

  @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(1);

  private static final int FEATURES = 10;
  private static final double NOISE = 0.05;
  private static final int STATIONARY_SAMPLES = 50_000;
  private static final int DRIFTING_SAMPLES = 20_000;
  private static final int CHANGE_AT = 10_000;
  private static final int GRADUAL_WIDTH = 2_000;
  private static final int ABRUPT_BOUND = 1_000;
  private static final int GRADUAL_BOUND = 2_000;

  @ParameterizedTest
  @EnumSource(
      value = DetectorType.class,
      names = {"ADWIN", "PAGE_HINKLEY"})
  void firesSoonAfterEachKnownChangeAndNeverOnAStationaryStream(DetectorType detector)
      throws Exception {
    List<Iterator<LabeledSample>> streams =
        List.of(
            renamed("stationary", hyperplane(3), STATIONARY_SAMPLES),
            renamed(
                "abrupt",
                new ConceptDriftStream(
                    hyperplane(4), new FlippedLabels(hyperplane(5)), CHANGE_AT, 1, 1),
                DRIFTING_SAMPLES),
            renamed(
                "gradual",
                new ConceptDriftStream(
                    hyperplane(6), new FlippedLabels(hyperplane(7)), CHANGE_AT, GRADUAL_WIDTH, 1),
                DRIFTING_SAMPLES));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    // One source reader, as one Kafka partition: each reader of a bounded source reads its own
    // range of it, which would interleave each key's samples before and after its change.
    env.setParallelism(1);
    CollectingSink<MetricsEvent> metrics = new CollectingSink<>();

    StreamlearnJob.defineWorkflow(
        env,
        BoundedSource.of(interleaved(streams)),
        new PipelineSinks(
            new CollectingSink<>(), new CollectingSink<>(), new CollectingSink<>(), metrics),
        settings(detector));
    env.execute("drift detection " + detector);

    Map<String, List<Long>> drifts =
        metrics.values().stream()
            .filter(event -> event.getKind() == MetricsEventKind.DRIFT)
            .collect(
                Collectors.groupingBy(
                    event -> String.valueOf(event.getKey()),
                    Collectors.mapping(MetricsEvent::getPosition, Collectors.toList())));
    System.out.printf("%s drift positions: %s%n", detector, drifts);

    assertThat(drifts.getOrDefault("stationary", List.of()))
        .as("%s on %d stationary samples", detector, STATIONARY_SAMPLES)
        .isEmpty();
    assertThat(drifts.get("abrupt"))
        .as("%s on an abrupt change after sample %d", detector, CHANGE_AT)
        .isNotEmpty()
        .allSatisfy(position -> assertThat(position).isGreaterThan(CHANGE_AT));
    assertThat(drifts.get("abrupt").get(0)).isLessThanOrEqualTo(CHANGE_AT + ABRUPT_BOUND);
    int gradualStart = CHANGE_AT - GRADUAL_WIDTH / 2;
    int gradualEnd = CHANGE_AT + GRADUAL_WIDTH / 2;
    assertThat(drifts.get("gradual"))
        .as("%s on a change from sample %d to %d", detector, gradualStart, gradualEnd)
        .isNotEmpty()
        .allSatisfy(position -> assertThat(position).isGreaterThan(gradualStart));
    assertThat(drifts.get("gradual").get(0)).isLessThanOrEqualTo(gradualEnd + GRADUAL_BOUND);
  }

  private static RotatingHyperplane hyperplane(long seed) {
    return new RotatingHyperplane(seed, FEATURES, 1, 0, NOISE);
  }

  /** The first {@code count} samples of {@code stream}, as key {@code key}. */
  private static Iterator<LabeledSample> renamed(
      String key, Iterator<LabeledSample> stream, int count) {
    List<LabeledSample> samples = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      samples.add(LabeledSample.newBuilder(stream.next()).setKey(key).setId(key + "-" + n).build());
    }
    return samples.iterator();
  }

  /** The streams' samples taking turns, encoded for the source, until every stream has ended. */
  private static List<byte[]> interleaved(List<Iterator<LabeledSample>> streams) {
    WireCodec<LabeledSample> codec = WireCodec.labeledSamples();
    List<byte[]> values = new ArrayList<>();
    boolean any = true;
    while (any) {
      any = false;
      for (Iterator<LabeledSample> stream : streams) {
        if (stream.hasNext()) {
          values.add(codec.encode(stream.next()));
          any = true;
        }
      }
    }
    return values;
  }

  private static PipelineSettings settings(DetectorType detector) {
    return KafkaJob.pipelineSettings(
        StreamlearnConfig.fromMap(
            Map.of(
                "kafka.bootstrap-servers", "unused:9092",
                "model.features", String.valueOf(FEATURES),
                "model.hidden-layers", "16",
                "model.learning-rate", "0.005",
                "batch.size", "32",
                "batch.max-delay", "0 s",
                "model.checkpoint.every-steps", "100",
                "model.checkpoint.interval", "0 s",
                "metrics.drift-detector", detector.name())));
  }
}
