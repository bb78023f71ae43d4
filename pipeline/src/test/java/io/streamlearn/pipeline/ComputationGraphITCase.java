package io.streamlearn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.ModelFormat;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * A ComputationGraph configuration file, as Keras functional models become in DL4J, trained through
 * the whole job: real Kafka, the MiniCluster, and checkpoints that plain DL4J restores as a
 * ComputationGraph and that score as served.
 */
class ComputationGraphITCase {

  private static final int KEYS = 2;
  private static final int SAMPLES = 6_000;
  private static final int FEATURES = 10;

  @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

  @RegisterExtension static final KafkaJobFixture KAFKA = new KafkaJobFixture();

  @TempDir Path tempDir;

  @Test
  void trainsAGraphPerKeyAndPublishesGraphsThatPlainDl4jServes() throws Exception {
    Path graphFile = Files.writeString(tempDir.resolve("graph.json"), twoBranchGraph());
    StreamlearnConfig config =
        KAFKA.config(
            Map.of(
                "model.features", Integer.toString(FEATURES),
                "model.configuration-file", graphFile.toString(),
                "batch.size", "16",
                "job.parallelism", "2",
                "job.checkpoint-interval", "500 ms",
                "model.checkpoint.every-steps", "25"));
    List<LabeledSample> samples = KAFKA.produceHyperplane(11, FEATURES, KEYS, SAMPLES);

    KAFKA.drainOncePredicted(
        KAFKA.submit(config, "computation-graph-it"), SAMPLES, Duration.ofMinutes(4));
    List<Prediction> predictions =
        KAFKA.readCommitted(KafkaJobFixture.PREDICTIONS, WireCodec.predictions());
    List<ModelCheckpoint> checkpoints =
        KAFKA.readCommitted(KafkaJobFixture.CHECKPOINTS, WireCodec.modelCheckpoints());

    assertThat(predictions).hasSize(SAMPLES);
    predictions.stream()
        .collect(Collectors.groupingBy(Prediction::getKey))
        .forEach(
            (key, keyPredictions) -> {
              List<Prediction> last =
                  keyPredictions.stream()
                      .sorted(Comparator.comparing(Prediction::getEventTime))
                      .skip(keyPredictions.size() - 1_000)
                      .toList();
              long correct =
                  last.stream()
                      .filter(p -> Objects.equals(p.getLabel(), p.getPredictedLabel()))
                      .count();
              assertThat(correct / 1_000.0)
                  .as("accuracy of %s over its last 1000", key)
                  .isGreaterThanOrEqualTo(0.85);
            });
    assertThat(checkpoints)
        .isNotEmpty()
        .allSatisfy(
            checkpoint ->
                assertThat(checkpoint.getModelFormat())
                    .isEqualTo(ModelFormat.DL4J_COMPUTATION_GRAPH_ZIP));

    Map<String, LabeledSample> samplesById =
        samples.stream().collect(Collectors.toMap(LabeledSample::getId, Function.identity()));
    ModelCheckpoint published = checkpoints.get(0);
    ComputationGraph restored =
        ModelSerializer.restoreComputationGraph(
            new ByteArrayInputStream(KafkaJobFixture.bytes(published.getModel())), true);
    List<Prediction> servedByIt =
        predictions.stream()
            .filter(
                p ->
                    p.getKey().equals(published.getKey())
                        && p.getModelVersion() == published.getVersion())
            .toList();
    assertThat(servedByIt).isNotEmpty();
    for (Prediction prediction : servedByIt) {
      float[] expected =
          restored
              .outputSingle(
                  KafkaJobFixture.modelInput(samplesById.get(prediction.getSampleId()), published))
              .toFloatVector();
      for (int c = 0; c < expected.length; c++) {
        assertThat(prediction.getScores().get(c)).isCloseTo(expected[c], within(1e-6f));
      }
    }
  }

  /** The features into a tanh and a relu branch, concatenated, then softmax over two classes. */
  private static String twoBranchGraph() {
    return new NeuralNetConfiguration.Builder()
        .seed(3)
        .dataType(DataType.FLOAT)
        .weightInit(WeightInit.XAVIER)
        .updater(new Adam(0.02))
        .graphBuilder()
        .addInputs("features")
        .addLayer(
            "tanh",
            new DenseLayer.Builder().nIn(FEATURES).nOut(16).activation(Activation.TANH).build(),
            "features")
        .addLayer(
            "relu",
            new DenseLayer.Builder().nIn(FEATURES).nOut(16).activation(Activation.RELU).build(),
            "features")
        .addVertex("both", new MergeVertex(), "tanh", "relu")
        .addLayer(
            "scores",
            new OutputLayer.Builder(LossFunction.MCXENT)
                .nIn(32)
                .nOut(2)
                .activation(Activation.SOFTMAX)
                .build(),
            "both")
        .setOutputs("scores")
        .build()
        .toJson();
  }
}
