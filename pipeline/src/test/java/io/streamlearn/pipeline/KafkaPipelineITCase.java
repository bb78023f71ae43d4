package io.streamlearn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.pipeline.generate.RotatingHyperplane;
import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The job as {@code run} wires it: a real Kafka broker, the Flink MiniCluster, real DL4J. */
class KafkaPipelineITCase {

  private static final int SAMPLES = 20_000;
  private static final int KEYS = 4;
  private static final int FEATURES = 10;

  @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

  @RegisterExtension static final KafkaJobFixture KAFKA = new KafkaJobFixture();

  @Test
  void learnsEveryKeyAndPublishesModelsThatPlainDl4jServes() throws Exception {
    StreamlearnConfig config =
        KAFKA.config(
            Map.of(
                "model.features", Integer.toString(FEATURES),
                "model.learning-rate", "0.02",
                "batch.size", "16",
                "job.parallelism", "2",
                "job.checkpoint-interval", "500 ms",
                "model.checkpoint.every-steps", "25"));
    RotatingHyperplane generator = new RotatingHyperplane(7, FEATURES, KEYS, 0.0, 0.0);
    List<LabeledSample> samples = new ArrayList<>(SAMPLES);
    for (int n = 0; n < SAMPLES; n++) {
      samples.add(generator.next());
    }
    KafkaConnectors.produce(KAFKA.bootstrapServers(), KafkaJobFixture.SAMPLES, samples);

    JobClient job = KAFKA.submit(config, "kafka-pipeline-it");
    // Draining publishes every key's final model, as a stop before an upgrade would.
    KAFKA.drainOncePredicted(job, SAMPLES, Duration.ofMinutes(4));
    List<Prediction> predictions =
        KAFKA.readCommitted(KafkaJobFixture.PREDICTIONS, WireCodec.predictions());
    List<ModelCheckpoint> checkpoints =
        KAFKA.readCommitted(KafkaJobFixture.CHECKPOINTS, WireCodec.modelCheckpoints());

    assertThat(predictions).hasSize(SAMPLES);
    assertThat(predictions.stream().map(Prediction::getSampleId).distinct().count())
        .isEqualTo(SAMPLES);
    Map<String, List<Prediction>> byKey =
        predictions.stream().collect(Collectors.groupingBy(Prediction::getKey));
    assertThat(byKey).hasSize(KEYS);
    byKey.forEach(
        (key, keyPredictions) -> {
          List<Prediction> inStreamOrder =
              keyPredictions.stream()
                  .sorted(Comparator.comparing(Prediction::getEventTime))
                  .toList();
          List<Prediction> last =
              inStreamOrder.subList(inStreamOrder.size() - 2_000, inStreamOrder.size());
          long correct =
              last.stream()
                  .filter(p -> Objects.equals(p.getLabel(), p.getPredictedLabel()))
                  .count();
          assertThat(correct / 2_000.0)
              .as("accuracy of %s over its last 2000", key)
              .isGreaterThanOrEqualTo(0.9);
        });

    Map<String, List<ModelCheckpoint>> checkpointsByKey =
        checkpoints.stream().collect(Collectors.groupingBy(ModelCheckpoint::getKey));
    assertThat(checkpointsByKey).hasSize(KEYS);
    checkpointsByKey.forEach(
        (key, list) -> {
          assertThat(list)
              .extracting(ModelCheckpoint::getVersion)
              .as("versions of %s", key)
              .isSorted()
              .doesNotHaveDuplicates();
          assertThat(list.get(list.size() - 1).getSamplesSeen()).isEqualTo(SAMPLES / KEYS);
        });

    // A published model, restored by plain DL4J, scores like the operator's network did: the
    // predictions stamped with a checkpoint's version were made by exactly that model.
    ModelCheckpoint published = checkpointsByKey.get(samples.get(0).getKey()).get(0);
    MultiLayerNetwork restored = KafkaJobFixture.restore(published);
    ServedScores.assertServedBy(restored::output, published, predictions, samples);
  }
}
