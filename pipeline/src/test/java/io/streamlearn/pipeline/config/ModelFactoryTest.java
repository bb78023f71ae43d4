package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.ConfigFixtures.problemsOf;
import static io.streamlearn.pipeline.config.ConfigFixtures.required;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInitXavier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

class ModelFactoryTest {

  @TempDir Path tempDir;

  // ---- compact spec ----

  @Test
  void compactSpecBuildsDenseHiddenLayersThenSoftmaxOutputForClassification() {
    MultiLayerConfiguration conf =
        model(required("model.hidden-layers", "32", "model.classes", "2", "model.seed", "7"));

    assertThat(conf.getConfs()).hasSize(2);
    DenseLayer hidden = (DenseLayer) conf.getConf(0).getLayer();
    assertThat(hidden.getNIn()).isEqualTo(16);
    assertThat(hidden.getNOut()).isEqualTo(32);
    assertThat(hidden.getActivationFn()).isInstanceOf(ActivationReLU.class);
    assertThat(hidden.getWeightInitFn()).isInstanceOf(WeightInitXavier.class);
    OutputLayer output = (OutputLayer) conf.getConf(1).getLayer();
    assertThat(output.getNIn()).isEqualTo(32);
    assertThat(output.getNOut()).isEqualTo(2);
    assertThat(output.getActivationFn()).isInstanceOf(ActivationSoftmax.class);
    assertThat(output.getLossFn()).isInstanceOf(LossMCXENT.class);
    assertThat(output.getIUpdater()).isEqualTo(new Adam(0.01));
    assertThat(conf.getConf(0).getSeed()).isEqualTo(7);
    assertThat(conf.getDataType()).isEqualTo(DataType.FLOAT);
  }

  @Test
  void compactSpecBuildsIdentityMseOutputWithOneUnitForRegression() {
    MultiLayerConfiguration conf =
        model(
            required(
                "model.task",
                "REGRESSION",
                "model.hidden-layers",
                "8,4",
                "model.activation",
                "tanh"));

    assertThat(conf.getConfs()).hasSize(3);
    assertThat(((DenseLayer) conf.getConf(1).getLayer()).getActivationFn())
        .isInstanceOf(ActivationTanH.class);
    OutputLayer output = (OutputLayer) conf.getConf(2).getLayer();
    assertThat(output.getNIn()).isEqualTo(4);
    assertThat(output.getNOut()).isEqualTo(1);
    assertThat(output.getActivationFn()).isInstanceOf(ActivationIdentity.class);
    assertThat(output.getLossFn()).isInstanceOf(LossMSE.class);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "16, 32, 2, CLASSIFICATION, 610", // 16*32+32 + 32*2+2
    "3, '8,4', 2, REGRESSION, 73", // 3*8+8 + 8*4+4 + 4*1+1
    "5, '', 3, CLASSIFICATION, 18", // logistic: 5*3+3
  })
  void networkFromCompactSpecHasTheHandCountedNumberOfParameters(
      int features, String hiddenLayers, int classes, Task task, long expectedParameters) {
    MultiLayerConfiguration conf =
        model(
            required(
                "model.features", String.valueOf(features),
                "model.hidden-layers", hiddenLayers,
                "model.classes", String.valueOf(classes),
                "model.task", task.name()));

    MultiLayerNetwork network = new MultiLayerNetwork(conf);
    network.init();

    assertThat(network.numParams()).isEqualTo(expectedParameters);
  }

  @ParameterizedTest
  @CsvSource({
    "ADAM, org.nd4j.linalg.learning.config.Adam",
    "SGD, org.nd4j.linalg.learning.config.Sgd",
    "NESTEROVS, org.nd4j.linalg.learning.config.Nesterovs",
    "ADAGRAD, org.nd4j.linalg.learning.config.AdaGrad",
    "RMSPROP, org.nd4j.linalg.learning.config.RmsProp",
  })
  void updaterUsesTheConfiguredLearningRate(UpdaterType type, Class<? extends IUpdater> expected) {
    MultiLayerConfiguration conf =
        model(required("model.updater", type.name(), "model.learning-rate", "0.005"));

    IUpdater updater = ((BaseLayer) conf.getConf(0).getLayer()).getIUpdater();
    assertThat(updater).isInstanceOf(expected);
    assertThat(updater.getLearningRate(0, 0)).isEqualTo(0.005);
  }

  @Test
  void l2AddsL2RegularizationToEveryLayer() {
    MultiLayerConfiguration conf = model(required("model.l2", "0.001"));

    for (int layer = 0; layer < conf.getConfs().size(); layer++) {
      assertThat(((BaseLayer) conf.getConf(layer).getLayer()).getRegularization())
          .containsExactly(new L2Regularization(0.001));
    }
  }

  @Test
  void modelConfigurationIsAFreshCopyEachCallBecauseNetworksMutateIt() {
    StreamlearnConfig config = StreamlearnConfig.fromMap(required());

    MultiLayerConfiguration first = config.modelConfiguration();
    first.setIterationCount(500);

    assertThat(config.modelConfiguration()).isNotSameAs(first);
    assertThat(config.modelConfiguration().getIterationCount()).isZero();
  }

  // ---- DL4J JSON file ----

  @Test
  void jsonFileRoundTripsToAnEqualConfiguration() throws IOException {
    MultiLayerConfiguration original = model(required("model.hidden-layers", "12,6"));
    Path file = jsonFile(original);

    MultiLayerConfiguration loaded = model(required("model.configuration-file", file.toString()));

    assertThat(loaded).isEqualTo(original);
  }

  @Test
  void rejectsJsonWhoseFirstLayerInputsDifferFromFeatures() throws IOException {
    Path file = jsonFile(model(required("model.features", "16")));

    assertThat(
            problemsOf(
                required("model.features", "10", "model.configuration-file", file.toString())))
        .containsExactly(
            "model.configuration-file: the first layer of '"
                + file
                + "' has nIn 16 but model.features is 10, they must be equal");
  }

  @Test
  void rejectsJsonWhoseLastLayerOutputsDifferFromClassesOrOneForRegression() throws IOException {
    Path file = jsonFile(model(required("model.classes", "3")));

    assertThat(problemsOf(required("model.configuration-file", file.toString())))
        .containsExactly(
            "model.configuration-file: the last layer of '"
                + file
                + "' has nOut 3 but model.classes is 2, they must be equal");
    assertThat(
            problemsOf(
                required("model.task", "REGRESSION", "model.configuration-file", file.toString())))
        .containsExactly(
            "model.configuration-file: the last layer of '"
                + file
                + "' has nOut 3 but model.outputs is 1, they must be equal");
  }

  @Test
  void rejectsJsonFileTogetherWithCompactSpecKeysNamingBoth() throws IOException {
    Path file = jsonFile(model(required()));

    assertThat(
            problemsOf(
                required(
                    "model.configuration-file", file.toString(),
                    "model.hidden-layers", "64",
                    "model.learning-rate", "0.1")))
        .containsExactlyInAnyOrder(
            "model.hidden-layers: '64' cannot be set together with model.configuration-file, which"
                + " defines the whole network; remove one of the two",
            "model.learning-rate: '0.1' cannot be set together with model.configuration-file,"
                + " which defines the whole network; remove one of the two");
  }

  @Test
  void rejectsMissingJsonFile() {
    Path missing = tempDir.resolve("missing.json");

    assertThat(problemsOf(required("model.configuration-file", missing.toString())))
        .containsExactly("model.configuration-file: '" + missing + "' not found");
  }

  @Test
  void rejectsFileThatIsNotDl4jJson() throws IOException {
    Path notJson = Files.writeString(tempDir.resolve("network.json"), "layers: 3");
    Path otherJson = Files.writeString(tempDir.resolve("other.json"), "{\"layers\": 3}");

    for (Path file : List.of(notJson, otherJson)) {
      assertThat(problemsOf(required("model.configuration-file", file.toString())))
          .singleElement()
          .asString()
          .startsWith(
              "model.configuration-file: '"
                  + file
                  + "' is not a DL4J MultiLayerConfiguration or ComputationGraphConfiguration in"
                  + " JSON, as their toJson() writes it: ");
    }
  }

  @Test
  void toMapLeavesOutCompactSpecKeysWhenAJsonFileDefinesTheNetwork() throws IOException {
    Path file = jsonFile(model(required()));

    Map<String, String> map =
        StreamlearnConfig.fromMap(required("model.configuration-file", file.toString())).toMap();

    assertThat(map).containsEntry("model.configuration-file", file.toString());
    assertThat(map.keySet())
        .doesNotContainAnyElementsOf(
            ModelFactory.COMPACT_SPEC.stream().map(option -> option.key()).toList());
    assertThat(StreamlearnConfig.fromMap(map).modelConfiguration()).isEqualTo(model(required()));
  }

  private static MultiLayerConfiguration model(Map<String, String> flat) {
    return StreamlearnConfig.fromMap(flat).modelConfiguration();
  }

  private Path jsonFile(MultiLayerConfiguration conf) throws IOException {
    return Files.writeString(Files.createTempFile(tempDir, "network", ".json"), conf.toJson());
  }
}
