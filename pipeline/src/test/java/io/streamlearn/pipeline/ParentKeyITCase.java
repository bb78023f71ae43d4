package io.streamlearn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamlearn.pipeline.config.ConfigException;
import io.streamlearn.pipeline.config.SmallNetworks;
import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.pipeline.generate.RotatingHyperplane;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.ModelFormat;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * model.initial.parent-key against a real broker: a job trains key "key-0" and publishes its
 * checkpoints; a second job, told to start new keys from "key-0", serves a new key's first
 * predictions with the parent's latest checkpoint and its scaler, as plain DL4J restores them.
 */
class ParentKeyITCase {

  private static final int FEATURES = 4;
  private static final int PARENT_SAMPLES = 3_000;
  private static final int CHILD_SAMPLES = 800;

  @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(1);

  @RegisterExtension static final KafkaJobFixture KAFKA = new KafkaJobFixture();

  @Test
  void aNewKeyStartsFromTheParentsLatestCheckpointAndItsScaler() throws Exception {
    List<LabeledSample> parentSamples = hyperplane(21, "key-0", PARENT_SAMPLES);
    KAFKA.predict(KAFKA.config(job(Map.of())), "parent-job", parentSamples, PARENT_SAMPLES);
    List<ModelCheckpoint> parentCheckpoints = checkpointsOf("key-0");
    assertThat(parentCheckpoints).hasSizeGreaterThan(2);
    ModelCheckpoint latest = parentCheckpoints.get(parentCheckpoints.size() - 1);
    assertThat(latest.getScaler()).as("model.scaling standard, the default").isNotNull();

    StreamlearnConfig child = KAFKA.config(job(Map.of("model.initial.parent-key", "key-0")));
    assertThat(child.parentVersions()).containsExactly(Map.entry("key-0", latest.getVersion()));
    List<LabeledSample> childSamples = hyperplane(22, "child", CHILD_SAMPLES);
    List<Prediction> predictions =
        KAFKA.predict(child, "child-job", childSamples, PARENT_SAMPLES + CHILD_SAMPLES);

    List<Prediction> ofChild =
        predictions.stream()
            .filter(p -> p.getKey().equals("child"))
            .sorted(Comparator.comparing(Prediction::getEventTime))
            .toList();
    assertThat(ofChild).hasSize(CHILD_SAMPLES);
    // The child's versions count its own steps, from 0 like any new key's.
    assertThat(ofChild.get(0).getModelVersion()).isZero();
    assertThat(ofChild.get(CHILD_SAMPLES - 1).getModelVersion()).isPositive();
    // Every prediction of the child's version 0 is the parent's latest model on the features
    // scaled by the parent's scaler, as docs/wire-format.md tells consumers to apply them.
    MultiLayerNetwork parent = KafkaJobFixture.restore(latest);
    ModelCheckpoint asChildsStart =
        ModelCheckpoint.newBuilder(latest).setKey("child").setVersion(0).build();
    ServedScores.assertServedBy(parent::output, asChildsStart, predictions, childSamples);
    // An older checkpoint of the parent scores the child's first sample otherwise: it is the
    // latest that the child started from.
    ModelCheckpoint older = parentCheckpoints.get(0);
    float served = ofChild.get(0).getScores().get(0);
    LabeledSample first =
        childSamples.stream()
            .filter(s -> s.getId().equals(ofChild.get(0).getSampleId()))
            .findFirst()
            .orElseThrow();
    float ofOlder =
        KafkaJobFixture.restore(older)
            .output(KafkaJobFixture.modelInput(first, older))
            .getFloat(0, 0);
    assertThat(Math.abs(served - ofOlder)).isGreaterThan(1e-4f);
    List<ModelCheckpoint> childCheckpoints = checkpointsOf("child");
    assertThat(childCheckpoints).isNotEmpty();
    for (ModelCheckpoint checkpoint : childCheckpoints) {
      assertThat(checkpoint.getSteps()).isEqualTo(checkpoint.getVersion());
    }
    // DL4J's TransferLearning rebuilds the parent's configuration: the same layers, another JSON.
    assertThat(childCheckpoints.stream().map(ModelCheckpoint::getConfigDigest).distinct())
        .hasSize(1)
        .doesNotContain(latest.getConfigDigest());
  }

  @Test
  void aParentKeyWithoutCheckpointsStopsTheConfigurationNamingTheSetting() {
    assertThatThrownBy(() -> KAFKA.config(job(Map.of("model.initial.parent-key", "nobody"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "model.initial.parent-key: there is no checkpoint of key 'nobody' in"
                + " model-checkpoints on "
                + KAFKA.bootstrapServers());
  }

  @Test
  void aParentWhoseNetworkDoesNotGiveTheJobsOutputsIsRefused() throws Exception {
    publish(checkpoint("three-classes", 7, SmallNetworks.threeClassMlp(1)));

    assertThatThrownBy(
            () ->
                KAFKA.config(
                    job(
                        Map.of(
                            "model.initial.parent-key", "three-classes",
                            "model.scaling", "none"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "model.initial.parent-key: the checkpoint of key 'three-classes' (version 7) gives")
        .hasMessageContaining("set model.initial.replace-output to give it a new output layer");
  }

  @Test
  void aParentTrainedOnRawFeaturesIsRefusedForAScalingJob() throws Exception {
    publish(checkpoint("raw", 3, SmallNetworks.threeClassMlp(1)));

    assertThatThrownBy(() -> KAFKA.config(job(Map.of("model.initial.parent-key", "raw"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "model.initial.parent-key: the checkpoint of key 'raw' (version 3) was trained on raw"
                + " features (it carries no scaler: its job ran with model.scaling none), but"
                + " model.scaling is standard: set model.scaling: none");
  }

  private static Map<String, String> job(Map<String, String> extra) {
    Map<String, String> options = new HashMap<>(extra);
    options.put("model.features", Integer.toString(FEATURES));
    options.put("batch.size", "16");
    options.put("job.checkpoint-interval", "500 ms");
    options.put("model.checkpoint.every-steps", "25");
    return options;
  }

  /** Samples of one key of a hyperplane stream without drift or noise. */
  private static List<LabeledSample> hyperplane(long seed, String key, int count) {
    RotatingHyperplane generator = new RotatingHyperplane(seed, FEATURES, 1, 0.0, 0.0);
    List<LabeledSample> samples = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      LabeledSample sample = generator.next();
      samples.add(
          LabeledSample.newBuilder(sample).setKey(key).setId(key + "-" + sample.getId()).build());
    }
    return samples;
  }

  private static List<ModelCheckpoint> checkpointsOf(String key) {
    return KAFKA.readCommitted(KafkaJobFixture.CHECKPOINTS, WireCodec.modelCheckpoints()).stream()
        .filter(c -> c.getKey().equals(key))
        .sorted(Comparator.comparing(ModelCheckpoint::getVersion))
        .toList();
  }

  /** A checkpoint of the network, without scaler, as a job with model.scaling none publishes. */
  private static ModelCheckpoint checkpoint(String key, long version, MultiLayerNetwork network)
      throws Exception {
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    ModelSerializer.writeModel(network, zip, true);
    return ModelCheckpoint.newBuilder()
        .setKey(key)
        .setVersion(version)
        .setSteps(version)
        .setSamplesSeen(16 * version)
        .setCreatedAt(Instant.now())
        .setModelFormat(ModelFormat.DL4J_MODEL_SERIALIZER_ZIP)
        .setModel(ByteBuffer.wrap(zip.toByteArray()))
        .setMetrics(Map.of())
        .setConfigDigest("test")
        .setScaler(null)
        .build();
  }

  private static void publish(ModelCheckpoint checkpoint) throws Exception {
    KAFKA.produce(
        List.of(
            new ProducerRecord<>(
                KafkaJobFixture.CHECKPOINTS,
                checkpoint.getKey().getBytes(StandardCharsets.UTF_8),
                WireCodec.modelCheckpoints().encode(checkpoint))));
  }
}
