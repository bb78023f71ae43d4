package io.streamlearn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.pipeline.config.SmallNetworks;
import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.pipeline.generate.RotatingHyperplane;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * model.initial through the whole topology: a Keras-made 3-class classifier (Sequential, and the
 * same model in Keras's functional form, which imports as a ComputationGraph) and a DL4J zip, each
 * given a new output for a 2-class stream, learn that stream; a frozen layer keeps the parameters
 * it came with in every published checkpoint.
 */
class TransferLearningITCase {

  @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(1);

  private static final int FEATURES = 4;
  private static final int SAMPLES = 6_000;
  private static final int LAST = 1_000;

  @TempDir Path tempDir;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "simple_sparse_xent_mlp_keras_2_model.h5",
        "simple_sparse_xent_mlp_keras_2_functional_model.h5"
      })
  void kerasClassifierWithANewOutputLearnsAStreamOfOtherClasses(String file) throws Exception {
    Run run =
        run(
            Map.of(
                "model.initial",
                Path.of("src/test/resources/keras", file).toString(),
                "model.initial.replace-output",
                "true",
                // The Keras file brings plain SGD, which needs a larger rate than Adam.
                "model.initial.learning-rate",
                "0.5"));

    assertThat(run.predictions()).hasSize(SAMPLES);
    assertThat(accuracyOfLast(run.predictions())).isGreaterThanOrEqualTo(0.85);
    assertThat(run.checkpoints()).isNotEmpty();
  }

  @Test
  void dl4jModelKeepsItsFrozenLayerAndLearnsWithANewOutput() throws Exception {
    MultiLayerNetwork initial = SmallNetworks.threeClassMlp(5);
    Path zip = tempDir.resolve("initial.zip");
    ModelSerializer.writeModel(initial, zip.toFile(), true);

    Run run =
        run(
            Map.of(
                "model.initial", zip.toString(),
                "model.initial.freeze-layers", "1",
                "model.initial.replace-output", "true",
                "model.initial.learning-rate", "0.02"));

    assertThat(accuracyOfLast(run.predictions())).isGreaterThanOrEqualTo(0.85);
    assertThat(run.checkpoints()).hasSizeGreaterThan(2);
    MultiLayerNetwork first = KafkaJobFixture.restore(run.checkpoints().get(0));
    for (ModelCheckpoint checkpoint : run.checkpoints()) {
      MultiLayerNetwork published = KafkaJobFixture.restore(checkpoint);
      assertThat(published.getLayer(0).params())
          .as("frozen layer at version %d", checkpoint.getVersion())
          .isEqualTo(initial.getLayer(0).params());
      assertThat(published.getLayer(1).getParam("W").shape()).containsExactly(8, 2);
    }
    MultiLayerNetwork last =
        KafkaJobFixture.restore(run.checkpoints().get(run.checkpoints().size() - 1));
    assertThat(last.getLayer(1).params()).isNotEqualTo(first.getLayer(1).params());
  }

  private record Run(List<Prediction> predictions, List<ModelCheckpoint> checkpoints) {}

  private static Run run(Map<String, String> initial) throws Exception {
    Map<String, String> options = new HashMap<>(initial);
    options.put("kafka.bootstrap-servers", "unused:9092");
    options.put("model.features", String.valueOf(FEATURES));
    options.put("model.classes", "2");
    options.put("batch.size", "16");
    options.put("batch.max-delay", "0 s");
    options.put("model.checkpoint.every-steps", "50");
    options.put("model.checkpoint.interval", "0 s");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    CollectingSink<Prediction> predictions = new CollectingSink<>();
    CollectingSink<ModelCheckpoint> checkpoints = new CollectingSink<>();
    StreamlearnJob.defineWorkflow(
        env,
        BoundedSource.of(hyperplane()),
        new PipelineSinks(predictions, checkpoints, new CollectingSink<>(), new CollectingSink<>()),
        KafkaJob.pipelineSettings(StreamlearnConfig.fromMap(options)));
    env.execute("transfer learning");
    return new Run(predictions.values(), checkpoints.values());
  }

  /** A fixed 2-class hyperplane on 4 features, one key, with 5% label noise. */
  private static List<byte[]> hyperplane() {
    RotatingHyperplane stream = new RotatingHyperplane(17, FEATURES, 1, 0, 0.05);
    WireCodec<LabeledSample> codec = WireCodec.labeledSamples();
    List<byte[]> values = new ArrayList<>(SAMPLES);
    for (int n = 0; n < SAMPLES; n++) {
      values.add(codec.encode(stream.next()));
    }
    return values;
  }

  private static double accuracyOfLast(List<Prediction> predictions) {
    List<Prediction> last = predictions.subList(predictions.size() - LAST, predictions.size());
    long correct =
        last.stream().filter(p -> Objects.equals(p.getLabel(), p.getPredictedLabel())).count();
    double accuracy = correct / (double) LAST;
    System.out.printf("accuracy of the last %d predictions: %.3f%n", LAST, accuracy);
    return accuracy;
  }
}
