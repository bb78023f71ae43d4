package io.streamlearn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.schemas.DeadLetter;
import io.streamlearn.schemas.DeadLetterReason;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.MetricsEvent;
import io.streamlearn.schemas.MetricsEventKind;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TopologyITCase {

  @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

  @Test
  void predictsEverySampleOnceAndPublishesGrowingVersionsPerKey() throws Exception {
    List<byte[]> values = new ArrayList<>();
    WireCodec<LabeledSample> codec = WireCodec.labeledSamples();
    Random random = new Random(11);
    int good = 6_000;
    for (int n = 0; n < good; n++) {
      String key = "key-" + (n % 3);
      float x0 = random.nextFloat() * 2 - 1;
      float x1 = random.nextFloat() * 2 - 1;
      int label = (n % 3 == 1 ? x0 - x1 : x0 + x1) > 0 ? 1 : 0;
      values.add(
          codec.encode(
              LabeledSample.newBuilder()
                  .setId(key + "/" + n)
                  .setKey(key)
                  .setFeatures(List.of(x0, x1))
                  .setLabel(label)
                  .setEventTime(Instant.ofEpochMilli(n))
                  .build()));
      if (n % 1000 == 0) {
        values.add(("garbage " + n).getBytes());
      }
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    CollectingSink<Prediction> predictions = new CollectingSink<>();
    CollectingSink<ModelCheckpoint> checkpoints = new CollectingSink<>();
    CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
    CollectingSink<MetricsEvent> metrics = new CollectingSink<>();

    StreamlearnJob.defineWorkflow(
        env,
        BoundedSource.of(values),
        new PipelineSinks(predictions, checkpoints, deadLetters, metrics),
        settings());
    env.execute("topology");

    assertThat(deadLetters.values())
        .hasSize(6)
        .allSatisfy(
            d -> {
              assertThat(d.getReason()).isEqualTo(DeadLetterReason.NOT_SINGLE_OBJECT);
              assertThat(new String(d.getValue().array())).startsWith("garbage ");
            });
    assertThat(predictions.values()).hasSize(good);
    assertThat(predictions.values().stream().map(Prediction::getSampleId).distinct().count())
        .isEqualTo(good);
    Map<String, List<Prediction>> byKey =
        predictions.values().stream().collect(Collectors.groupingBy(Prediction::getKey));
    assertThat(byKey).hasSize(3);
    byKey.forEach(
        (key, keyPredictions) -> {
          List<Prediction> last =
              keyPredictions.subList(keyPredictions.size() - 500, keyPredictions.size());
          long correct =
              last.stream()
                  .filter(p -> Objects.equals(p.getLabel(), p.getPredictedLabel()))
                  .count();
          assertThat(correct / 500.0).as("accuracy of %s", key).isGreaterThanOrEqualTo(0.9);
        });
    // End of input brings a final snapshot per key and for the job, each at its full position.
    Map<String, Long> finalPositions =
        metrics.values().stream()
            .filter(m -> m.getKind() == MetricsEventKind.SNAPSHOT)
            .collect(
                Collectors.toMap(
                    m -> String.valueOf(m.getKey()), MetricsEvent::getPosition, Math::max));
    assertThat(finalPositions)
        .containsEntry("key-0", 2_000L)
        .containsEntry("key-1", 2_000L)
        .containsEntry("key-2", 2_000L)
        .containsEntry("null", 6_000L);
    Map<String, List<Long>> versions =
        checkpoints.values().stream()
            .collect(
                Collectors.groupingBy(
                    ModelCheckpoint::getKey,
                    Collectors.mapping(ModelCheckpoint::getVersion, Collectors.toList())));
    assertThat(versions).hasSize(3);
    versions.forEach(
        (key, list) -> {
          assertThat(list).as("versions of %s", key).isSorted().doesNotHaveDuplicates();
          // 2000 samples in batches of 32 is 63 steps: the final model is published at end of
          // input.
          assertThat(list.get(list.size() - 1)).isEqualTo(63L);
        });
  }

  private static PipelineSettings settings() {
    return KafkaJob.pipelineSettings(
        StreamlearnConfig.fromMap(
            Map.of(
                "kafka.bootstrap-servers", "unused:9092",
                "model.features", "2",
                "model.hidden-layers", "16",
                "model.learning-rate", "0.02",
                "batch.size", "32",
                "batch.max-delay", "30 s",
                "model.checkpoint.every-steps", "20",
                "model.checkpoint.interval", "0 s",
                "metrics.window", "500")));
  }
}
