package io.streamlearn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.schemas.DeadLetterReason;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.MetricsEvent;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A REGRESSION job with model.outputs 2 through Kafka: samples carry two targets, predictions two
 * values that beat predicting each target's mean, the metrics topic MAE over both, and a sample
 * with one target goes to the dead letters.
 */
class MultiOutputRegressionITCase {

  private static final int SAMPLES = 3_000;

  @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(1);

  @RegisterExtension static final KafkaJobFixture KAFKA = new KafkaJobFixture();

  @Test
  void learnsBothTargetsAndDeadLettersASampleWithOne() throws Exception {
    StreamlearnConfig config =
        KAFKA.config(
            Map.of(
                "model.features", "3",
                "model.task", "REGRESSION",
                "model.outputs", "2",
                "model.hidden-layers", "16",
                "model.learning-rate", "0.02",
                "batch.size", "16",
                "job.checkpoint-interval", "500 ms"));
    Random random = new Random(23);
    List<LabeledSample> samples = new ArrayList<>();
    for (int n = 0; n < SAMPLES; n++) {
      // Three features uniform in [-1, 1], two linear targets of them.
      List<Float> x = random.doubles(3, -1, 1).mapToObj(v -> (float) v).toList();
      double first = 2.0 * x.get(0) - x.get(1) + 1.0;
      double second = 0.5 * x.get(2) - x.get(0) - 2.0;
      samples.add(sample("s-" + n, n, x).setTargets(List.of(first, second)).build());
    }
    List<LabeledSample> sent = new ArrayList<>(samples);
    sent.add(SAMPLES / 2, sample("one-target", 0, List.of(0f, 0f, 0f)).setTarget(1.0).build());
    List<Prediction> predictions = KAFKA.predict(config, "multi-output-it", sent, SAMPLES);

    assertThat(predictions).hasSize(SAMPLES);
    List<Prediction> last = KafkaJobFixture.latest(predictions, 1_000);
    for (int output = 0; output < 2; output++) {
      int o = output;
      double[] errors =
          KafkaJobFixture.absoluteErrorsOfModelAndMean(
              last, p -> p.getScores().get(o), p -> p.getTargets().get(o));
      assertThat(errors[0])
          .as("output %d: MAE over the last 1000, against %s for their mean", o, errors[1])
          .isLessThan(errors[1] / 4);
    }

    assertThat(KAFKA.readCommitted(KafkaJobFixture.DEAD_LETTERS, WireCodec.deadLetters()))
        .singleElement()
        .satisfies(
            letter -> {
              assertThat(letter.getSampleId()).isEqualTo("one-target");
              assertThat(letter.getReason()).isEqualTo(DeadLetterReason.LABEL_OUT_OF_RANGE);
              assertThat(letter.getMessage())
                  .contains("has 1 regression targets, the REGRESSION model has 2 outputs");
            });
    MetricsEvent lastOfKey = KAFKA.latestSnapshot("key-0");
    assertThat(lastOfKey.getMetrics()).containsKeys("mae", "rmse");
    assertThat(lastOfKey.getMetrics().get("mae")).isLessThan(0.2);
  }

  private static LabeledSample.Builder sample(String id, int n, List<Float> features) {
    return LabeledSample.newBuilder()
        .setId(id)
        .setKey("key-0")
        .setFeatures(features)
        .setEventTime(Instant.ofEpochMilli(1_000L + n));
  }
}
