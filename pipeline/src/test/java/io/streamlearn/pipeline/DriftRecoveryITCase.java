package io.streamlearn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.operators.drift.DriftReaction;
import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.pipeline.generate.ConceptDriftStream;
import io.streamlearn.pipeline.generate.FlippedLabels;
import io.streamlearn.pipeline.generate.RotatingHyperplane;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.MetricsEvent;
import io.streamlearn.schemas.MetricsEventKind;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A drift reaction makes a key's model recover from an abrupt concept change in fewer samples than
 * alerts alone, through the real topology.
 *
 * <p>The stream is one key of a fixed rotating hyperplane ({@link RotatingHyperplane} without drift
 * or noise) that changes at {@link #DRIFT} into the same hyperplane with every label flipped
 * ({@link ConceptDriftStream}, width 1). Flipping is the deliberate choice of after-concept: two
 * random hyperplanes of positive weights agree on most samples, which makes the change small and
 * the comparison noisy, while the flip is a change of known, maximal size that a trained model must
 * unlearn.
 *
 * <p><b>Recovery</b> is the number of samples after the drift position at which the accuracy of the
 * trailing {@link #WINDOW} predictions, all made after the drift, first gets back to within {@link
 * #TOLERANCE} of the accuracy of the last {@link #WINDOW} predictions before it. Each seed runs
 * once with {@code ALERT} and once with the reaction under test, on the same samples.
 */
class DriftRecoveryITCase {

  private static final int FEATURES = 10;
  private static final int DRIFT = 6_000;
  private static final int AFTER_DRIFT = 6_000;
  private static final int WINDOW = 200;
  private static final double TOLERANCE = 0.05;

  @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(1);

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void aResetRecoversInFewerSamplesThanAnAlert(long seed) throws Exception {
    Run alert = run(DriftReaction.ALERT, seed);
    Run reset = run(DriftReaction.RESET, seed);

    String figures =
        String.format(
            "seed %d: recovery after the drift at %d: ALERT %s samples, RESET %s samples"
                + " (pre-drift accuracy %.3f; reset detected at %d)",
            seed,
            DRIFT,
            alert.recovery(),
            reset.recovery(),
            reset.preDriftAccuracy(),
            reset.detectedAt());
    System.out.println(figures);
    assertThat(reset.reactions()).as(figures).containsExactly("RESET");
    assertThat(alert.reactions()).as(figures).containsOnly("ALERT").isNotEmpty();
    assertThat(reset.recovery()).as(figures).isLessThan(alert.recovery());
  }

  /** One run of the whole topology over the drifting stream, and what its outputs say. */
  private record Run(
      int recovery, double preDriftAccuracy, long detectedAt, List<String> reactions) {}

  private static Run run(DriftReaction reaction, long seed) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    CollectingSink<Prediction> predictions = new CollectingSink<>();
    CollectingSink<MetricsEvent> metrics = new CollectingSink<>();
    StreamlearnJob.defineWorkflow(
        env,
        BoundedSource.of(samples(seed)),
        new PipelineSinks(predictions, new CollectingSink<>(), new CollectingSink<>(), metrics),
        settings(reaction));
    env.execute("drift recovery " + reaction);

    List<Boolean> correct =
        predictions.values().stream()
            .sorted(Comparator.comparingLong(DriftRecoveryITCase::sampleNumber))
            .map(p -> Objects.equals(p.getLabel(), p.getPredictedLabel()))
            .toList();
    assertThat(correct).hasSize(DRIFT + AFTER_DRIFT);
    List<MetricsEvent> keyDrifts =
        metrics.values().stream()
            .filter(m -> m.getKind() == MetricsEventKind.DRIFT && m.getKey() != null)
            .filter(m -> m.getPosition() > DRIFT)
            .toList();
    return new Run(
        recovery(correct),
        accuracy(correct, DRIFT - WINDOW, DRIFT),
        keyDrifts.isEmpty() ? -1 : keyDrifts.get(0).getPosition(),
        keyDrifts.stream().map(MetricsEvent::getReaction).toList());
  }

  /**
   * Samples after the drift until the trailing window's accuracy is back within the tolerance of
   * the pre-drift level; the number of samples after the drift plus one if it never is.
   */
  private static int recovery(List<Boolean> correct) {
    double target = accuracy(correct, DRIFT - WINDOW, DRIFT) - TOLERANCE;
    for (int end = DRIFT + WINDOW; end <= correct.size(); end++) {
      if (accuracy(correct, end - WINDOW, end) >= target) {
        return end - DRIFT;
      }
    }
    return AFTER_DRIFT + 1;
  }

  private static double accuracy(List<Boolean> correct, int from, int to) {
    return correct.subList(from, to).stream().filter(c -> c).count() / (double) (to - from);
  }

  private static List<byte[]> samples(long seed) {
    Iterator<LabeledSample> stream =
        new ConceptDriftStream(
            hyperplane(seed), new FlippedLabels(hyperplane(seed)), DRIFT, 1, seed);
    WireCodec<LabeledSample> codec = WireCodec.labeledSamples();
    List<byte[]> values = new ArrayList<>();
    for (int n = 0; n < DRIFT + AFTER_DRIFT; n++) {
      values.add(codec.encode(stream.next()));
    }
    return values;
  }

  private static RotatingHyperplane hyperplane(long seed) {
    return new RotatingHyperplane(seed, FEATURES, 1, 0, 0.0);
  }

  /** Ids are {@code key-0-<n>}: n is the sample's place in the key's stream. */
  private static long sampleNumber(Prediction prediction) {
    String id = prediction.getSampleId();
    return Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
  }

  private static PipelineSettings settings(DriftReaction reaction) {
    return KafkaJob.pipelineSettings(
        StreamlearnConfig.fromMap(
            Map.of(
                "kafka.bootstrap-servers", "unused:9092",
                "model.features", Integer.toString(FEATURES),
                "model.hidden-layers", "16",
                "model.learning-rate", "0.01",
                "batch.size", "16",
                "batch.max-delay", "0 s",
                "model.checkpoint.every-steps", "100",
                "model.checkpoint.interval", "0 s",
                "metrics.drift-detector", "ADWIN",
                "model.drift.reaction", reaction.name())));
  }
}
