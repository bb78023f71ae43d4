package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.ConfigFixtures.problemsOf;
import static io.streamlearn.pipeline.config.ConfigFixtures.required;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.operators.InputShape;
import io.streamlearn.operators.KeyModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** model.input.*, ComputationGraph files and model.steps-per-batch, checked before a job starts. */
class ModelInputTest {

  @TempDir Path tempDir;

  @Test
  void acceptsAComputationGraphFileAndHandsItsJsonToTheTrainer() throws IOException {
    String graph =
        new NeuralNetConfiguration.Builder()
            .graphBuilder()
            .addInputs("in")
            .addLayer("a", new DenseLayer.Builder().nIn(16).nOut(4).build(), "in")
            .addLayer("b", new DenseLayer.Builder().nIn(16).nOut(4).build(), "in")
            .addVertex("ab", new MergeVertex(), "a", "b")
            .addLayer("out", softmax(8, 2), "ab")
            .setOutputs("out")
            .build()
            .toJson();

    StreamlearnConfig config = load(required("model.configuration-file", file(graph)));

    assertThat(config.modelConfigurationJson()).isEqualTo(graph);
    assertThat(KeyModels.isGraph(config.modelConfigurationJson())).isTrue();
  }

  @Test
  void rejectsAGraphWhoseBranchesDoNotTakeTheFeatures() throws IOException {
    String graph =
        new NeuralNetConfiguration.Builder()
            .graphBuilder()
            .addInputs("in")
            .addLayer("a", new DenseLayer.Builder().nIn(16).nOut(4).build(), "in")
            .addLayer("b", new DenseLayer.Builder().nIn(12).nOut(4).build(), "in")
            .addVertex("ab", new MergeVertex(), "a", "b")
            .addLayer("out", softmax(8, 3), "ab")
            .setOutputs("out")
            .build()
            .toJson();
    String file = file(graph);

    assertThat(problemsOf(required("model.configuration-file", file)))
        .containsExactlyInAnyOrder(
            "model.configuration-file: the first layer of '"
                + file
                + "' has nIn 12 but model.features is 16, they must be equal",
            "model.configuration-file: the last layer of '"
                + file
                + "' has nOut 3 but model.classes is 2, they must be equal");
  }

  @Test
  void rejectsAnLstmOnAVectorInputNamingTheSetting() throws IOException {
    String file = file(lstm(4));

    assertThat(problemsOf(required("model.configuration-file", file)))
        .containsExactly(
            "model.configuration-file: the first layer of '"
                + file
                + "' is a LSTM, which takes a SEQUENCE input, but model.input.type is VECTOR;"
                + " declare the input the network takes");
  }

  @Test
  void acceptsAnLstmOnASequenceOfTheDeclaredChannels() throws IOException {
    StreamlearnConfig config =
        load(
            required(
                "model.configuration-file", file(lstm(4)),
                "model.input.type", "sequence",
                "model.input.timesteps", "4",
                "model.input.channels", "4"));

    assertThat(config.inputShape()).isEqualTo(InputShape.sequence(4, 4));
  }

  @Test
  void autoTrainsADenseNetworkFusedAndAnLstmPerKey() throws IOException {
    assertThat(load(required()).fusedTraining()).isTrue();
    assertThat(load(required("trainer.mode", "per-key")).fusedTraining()).isFalse();
    assertThat(
            load(required(
                    "model.configuration-file", file(lstm(4)),
                    "model.input.type", "sequence",
                    "model.input.timesteps", "4",
                    "model.input.channels", "4"))
                .fusedTraining())
        .isFalse();
  }

  @Test
  void rejectsFusedTrainingOfAModelItCannotTrainNamingTheReason() throws IOException {
    assertThat(
            problemsOf(
                required(
                    "trainer.mode", "FUSED",
                    "model.configuration-file", file(lstm(4)),
                    "model.input.type", "sequence",
                    "model.input.timesteps", "4",
                    "model.input.channels", "4")))
        .containsExactly(
            "trainer.mode: fused cannot train this model: only vector inputs are fused, not"
                + " SEQUENCE; set per-key or auto to train it per key");
  }

  @Test
  void rejectsAnLstmWhoseNInIsNotTheChannels() throws IOException {
    String file = file(lstm(4));

    assertThat(
            problemsOf(
                required(
                    "model.configuration-file", file,
                    "model.input.type", "SEQUENCE",
                    "model.input.timesteps", "8",
                    "model.input.channels", "2")))
        .containsExactly(
            "model.configuration-file: the first layer of '"
                + file
                + "' has nIn 4 but model.input.channels is 2, they must be equal");
  }

  @Test
  void rejectsTimestepsTimesChannelsThatAreNotTheFeatures() throws IOException {
    assertThat(
            problemsOf(
                required(
                    "model.configuration-file", file(lstm(4)),
                    "model.input.type", "SEQUENCE",
                    "model.input.timesteps", "5",
                    "model.input.channels", "4")))
        .containsExactly(
            "model.input.type: SEQUENCE of 5 model.input.timesteps x 4 model.input.channels holds"
                + " 20 values per sample, but model.features is 16; they must be equal");
  }

  @Test
  void rejectsMissingAndForeignDimensionsAndTheCompactSpecForGrids() {
    assertThat(
            problemsOf(
                required(
                    "model.input.type", "GRID",
                    "model.input.height", "4",
                    "model.input.timesteps", "4")))
        .containsExactlyInAnyOrder(
            "model.input.timesteps: only used when model.input.type is SEQUENCE, but it is GRID;"
                + " remove it or set the type",
            "model.input.width: required when model.input.type is GRID",
            "model.input.channels: required when model.input.type is GRID");
    assertThat(
            problemsOf(
                required(
                    "model.input.type", "GRID",
                    "model.input.height", "4",
                    "model.input.width", "4",
                    "model.input.channels", "1")))
        .containsExactly(
            "model.input.type: GRID needs model.layers, model.configuration-file, model.initial"
                + " or model.initial.parent-key: model.hidden-layers builds dense networks, which"
                + " take vectors");
  }

  @Test
  void stepsPerBatchMustBeAtLeastOne() {
    assertThat(load(required()).get(StreamlearnOptions.MODEL_STEPS_PER_BATCH)).isEqualTo(1);
    assertThat(problemsOf(required("model.steps-per-batch", "0"))).hasSize(1);
  }

  private static StreamlearnConfig load(Map<String, String> flat) {
    return StreamlearnConfig.fromMap(flat);
  }

  /** An LSTM of {@code channels} inputs whose last step feeds a softmax over two classes. */
  private static String lstm(int channels) {
    return new NeuralNetConfiguration.Builder()
        .list()
        .layer(new LastTimeStep(new LSTM.Builder().nIn(channels).nOut(6).build()))
        .layer(softmax(6, 2))
        .build()
        .toJson();
  }

  private static OutputLayer softmax(int inputs, int classes) {
    return new OutputLayer.Builder(LossFunction.MCXENT)
        .nIn(inputs)
        .nOut(classes)
        .activation(Activation.SOFTMAX)
        .build();
  }

  private String file(String json) throws IOException {
    return Files.writeString(Files.createTempFile(tempDir, "network", ".json"), json).toString();
  }
}
