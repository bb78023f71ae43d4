package io.streamlearn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.operators.ModelShape;
import io.streamlearn.operators.SourceRecord;
import io.streamlearn.operators.TrainerSettings;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class TopologyITCase {

  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

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

    StreamlearnJob.defineWorkflow(env, boundedSource(values), predictions, checkpoints, settings());
    env.execute("topology");

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

  private static DataGeneratorSource<SourceRecord> boundedSource(List<byte[]> values) {
    ArrayList<byte[]> serializable = new ArrayList<>(values);
    return new DataGeneratorSource<>(
        offset -> new SourceRecord("samples", 0, offset, serializable.get(offset.intValue())),
        serializable.size(),
        RateLimiterStrategy.noOp(),
        TypeInformation.of(SourceRecord.class));
  }

  private static PipelineSettings settings() {
    String model =
        new NeuralNetConfiguration.Builder()
            .seed(3)
            .dataType(DataType.FLOAT)
            .weightInit(WeightInit.XAVIER)
            .updater(new Adam(0.02))
            .list()
            .layer(new DenseLayer.Builder().nIn(2).nOut(16).activation(Activation.RELU).build())
            .layer(
                new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .nIn(16)
                    .nOut(2)
                    .activation(Activation.SOFTMAX)
                    .build())
            .build()
            .toJson();
    return new PipelineSettings(
        32,
        Duration.ofSeconds(30),
        new TrainerSettings(model, ModelShape.classification(2, 2), 20, Duration.ZERO, 500));
  }
}
