package io.streamlearn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.Prediction;
import java.time.Instant;
import java.util.ArrayList;
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
    List<Prediction> predictions = KAFKA.predict(config, "regression-loss-it", samples, SAMPLES);

    assertThat(predictions).hasSize(SAMPLES);
    double[] errors =
        KafkaJobFixture.absoluteErrorsOfModelAndMean(
            KafkaJobFixture.latest(predictions, 1_000),
            p -> p.getScores().get(0),
            Prediction::getTarget);
    double modelError = errors[0];
    double meanError = errors[1];
    assertThat(modelError)
        .as("MAE over the last 1000, against %s for predicting their mean", meanError)
        .isLessThan(meanError / 4);
  }
}
