package io.streamlearn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * model.task BINARY with a model.layers network through the whole job: predictions carry the two
 * class probabilities of the one sigmoid output, it learns, and plain DL4J serves the published
 * model's probability of class 1.
 */
class BinaryTaskITCase {

  private static final int SAMPLES = 4_000;
  private static final int FEATURES = 6;

  @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(1);

  @RegisterExtension static final KafkaJobFixture KAFKA = new KafkaJobFixture();

  @Test
  void oneSigmoidOutputLearnsAndIsServedAsTwoClassProbabilities() throws Exception {
    StreamlearnConfig config =
        KAFKA.config(
            Map.of(
                "model.features", Integer.toString(FEATURES),
                "model.task", "BINARY",
                "model.layers", "type:dense,units:16;type:dropout,rate:0.1",
                "model.updater", "NADAM",
                "model.learning-rate.schedule", "WARMUP",
                "model.learning-rate.steps", "20",
                "batch.size", "16",
                "job.checkpoint-interval", "500 ms",
                "model.checkpoint.every-steps", "50"));
    List<LabeledSample> samples = KAFKA.produceHyperplane(5, FEATURES, 1, SAMPLES);

    KAFKA.drainOncePredicted(
        KAFKA.submit(config, "binary-task-it"), SAMPLES, Duration.ofMinutes(4));
    List<Prediction> predictions =
        KAFKA.readCommitted(KafkaJobFixture.PREDICTIONS, WireCodec.predictions());
    List<ModelCheckpoint> checkpoints =
        KAFKA.readCommitted(KafkaJobFixture.CHECKPOINTS, WireCodec.modelCheckpoints());

    assertThat(predictions).hasSize(SAMPLES);
    List<Prediction> last =
        predictions.stream()
            .sorted(Comparator.comparing(Prediction::getEventTime))
            .skip(SAMPLES - 1_000)
            .toList();
    long correct =
        last.stream().filter(p -> Objects.equals(p.getLabel(), p.getPredictedLabel())).count();
    assertThat(correct / 1_000.0).as("accuracy over the last 1000").isGreaterThan(0.85);
    assertThat(predictions)
        .allSatisfy(
            p -> {
              assertThat(p.getScores()).hasSize(2);
              assertThat(p.getScores().get(0) + p.getScores().get(1)).isCloseTo(1f, within(1e-6f));
            });

    Map<String, LabeledSample> samplesById =
        samples.stream().collect(Collectors.toMap(LabeledSample::getId, Function.identity()));
    ModelCheckpoint published = checkpoints.get(0);
    MultiLayerNetwork restored = KafkaJobFixture.restore(published);
    List<Prediction> servedByIt =
        predictions.stream().filter(p -> p.getModelVersion() == published.getVersion()).toList();
    assertThat(servedByIt).isNotEmpty();
    for (Prediction prediction : servedByIt) {
      float[] probability =
          restored
              .output(
                  KafkaJobFixture.modelInput(samplesById.get(prediction.getSampleId()), published))
              .toFloatVector();
      assertThat(probability).hasSize(1);
      assertThat(prediction.getScores().get(1)).isCloseTo(probability[0], within(1e-6f));
    }
  }
}
