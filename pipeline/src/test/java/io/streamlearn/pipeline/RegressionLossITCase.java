package io.streamlearn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A REGRESSION model with model.loss MAE, an AMSGRAD updater and gradient clipping through the
 * whole job: its predictions of a linear target become far better than predicting the mean.
 */
class RegressionLossITCase {

  private static final int SAMPLES = 4_000;

  @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(1);

  @RegisterExtension static final KafkaJobFixture KAFKA = new KafkaJobFixture();

  @Test
  void maeRegressionLearnsALinearTarget() throws Exception {
    StreamlearnConfig config =
        KAFKA.config(
            Map.of(
                "model.features", "3",
                "model.task", "REGRESSION",
                "model.loss", "MAE",
                "model.hidden-layers", "16",
                "model.updater", "AMSGRAD",
                "model.learning-rate", "0.02",
                "model.gradient-normalization", "ClipElementWiseAbsoluteValue",
                "model.gradient-normalization.threshold", "5",
                "batch.size", "16",
                "job.checkpoint-interval", "500 ms"));
    Random random = new Random(9);
    List<LabeledSample> samples = new ArrayList<>();
    for (int n = 0; n < SAMPLES; n++) {
      float a = random.nextFloat() * 2 - 1;
      float b = random.nextFloat() * 2 - 1;
      float c = random.nextFloat() * 2 - 1;
      samples.add(
          LabeledSample.newBuilder()
              .setId("s-" + n)
              .setKey("key-0")
              .setFeatures(List.of(a, b, c))
              .setTarget(2.0 * a - b + 0.5 * c + 1.0)
              .setEventTime(Instant.ofEpochMilli(1_000L + n))
              .build());
    }
    KafkaConnectors.produce(KAFKA.bootstrapServers(), KafkaJobFixture.SAMPLES, samples);

    KAFKA.drainOncePredicted(
        KAFKA.submit(config, "regression-loss-it"), SAMPLES, Duration.ofMinutes(4));
    List<Prediction> predictions =
        KAFKA.readCommitted(KafkaJobFixture.PREDICTIONS, WireCodec.predictions());

    assertThat(predictions).hasSize(SAMPLES);
    List<Prediction> last =
        predictions.stream()
            .sorted(Comparator.comparing(Prediction::getEventTime))
            .skip(SAMPLES - 1_000)
            .toList();
    double mean = last.stream().mapToDouble(Prediction::getTarget).average().orElseThrow();
    double modelError =
        last.stream()
            .mapToDouble(p -> Math.abs(p.getScores().get(0) - p.getTarget()))
            .average()
            .orElseThrow();
    double meanError =
        last.stream().mapToDouble(p -> Math.abs(mean - p.getTarget())).average().orElseThrow();
    assertThat(modelError)
        .as("MAE over the last 1000, against %s for predicting their mean", meanError)
        .isLessThan(meanError / 4);
  }
}
