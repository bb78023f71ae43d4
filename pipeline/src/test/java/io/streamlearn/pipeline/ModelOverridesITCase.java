package io.streamlearn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * model.overrides through the whole job (real Kafka, the MiniCluster, two subtasks): one key on the
 * default network and one on an override's deeper network, both learning and publishing checkpoints
 * of their own network that plain DL4J restores and that score as served.
 */
class ModelOverridesITCase {

  private static final int SAMPLES = 6_000;
  private static final int FEATURES = 10;

  @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

  @RegisterExtension static final KafkaJobFixture KAFKA = new KafkaJobFixture();

  @Test
  void keysTrainTheirOwnNetworksAndPublishThem() throws Exception {
    StreamlearnConfig config =
        KAFKA.config(
            Map.of(
                "model.features", Integer.toString(FEATURES),
                "model.hidden-layers", "16",
                "model.overrides[0].pattern", "key-1",
                "model.overrides[0].layers",
                    "type:dense,units:32;type:dense,units:16,activation:tanh",
                "batch.size", "16",
                "job.parallelism", "2",
                "job.checkpoint-interval", "500 ms",
                "model.checkpoint.every-steps", "25"));
    List<LabeledSample> samples = KAFKA.produceHyperplane(12, FEATURES, 2, SAMPLES);

    KAFKA.drainOncePredicted(
        KAFKA.submit(config, "model-overrides-it"), SAMPLES, Duration.ofMinutes(4));
    List<Prediction> predictions =
        KAFKA.readCommitted(KafkaJobFixture.PREDICTIONS, WireCodec.predictions());
    List<ModelCheckpoint> checkpoints =
        KAFKA.readCommitted(KafkaJobFixture.CHECKPOINTS, WireCodec.modelCheckpoints());

    assertThat(predictions).hasSize(SAMPLES);
    assertThat(predictions.stream().map(Prediction::getKey).distinct())
        .containsExactlyInAnyOrder("key-0", "key-1");
    ServedScores.assertEachKeyLearned(predictions, 0.85);
    Map<String, Integer> layersByKey = Map.of("key-0", 2, "key-1", 3);
    for (Map.Entry<String, Integer> expected : layersByKey.entrySet()) {
      List<ModelCheckpoint> ofKey =
          checkpoints.stream().filter(c -> c.getKey().equals(expected.getKey())).toList();
      assertThat(ofKey).as(expected.getKey()).isNotEmpty();
      assertThat(ofKey.stream().map(ModelCheckpoint::getConfigDigest).distinct()).hasSize(1);
      ModelCheckpoint published = ofKey.get(0);
      MultiLayerNetwork restored = KafkaJobFixture.restore(published);
      assertThat(restored.getnLayers()).as(expected.getKey()).isEqualTo(expected.getValue());
      ServedScores.assertServedBy(restored::output, published, predictions, samples);
    }
    assertThat(
            checkpoints.stream()
                .collect(
                    Collectors.groupingBy(
                        ModelCheckpoint::getConfigDigest,
                        Collectors.mapping(ModelCheckpoint::getKey, Collectors.toSet()))))
        .as("one configuration digest per key's network")
        .hasSize(2)
        .allSatisfy((digest, keys) -> assertThat(keys).hasSize(1));
  }
}
