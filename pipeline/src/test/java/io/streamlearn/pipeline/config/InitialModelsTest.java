package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.ConfigFixtures.problemsOf;
import static io.streamlearn.pipeline.config.ConfigFixtures.required;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

class InitialModelsTest {

  private static final String KERAS_CLASSIFIER =
      KerasFixturesTest.KERAS.resolve("simple_sparse_xent_mlp_keras_2_model.h5").toString();
  private static final String KERAS_CONV1D =
      KerasFixturesTest.KERAS.resolve("conv1d_k3_s1_d1_cl_valid_model.h5").toString();

  @TempDir Path tempDir;

  @Test
  void kerasClassifierKeepsItsOutputAndGetsALossWhenTheClassesMatch() throws Exception {
    StreamlearnConfig config =
        StreamlearnConfig.fromMap(
            required(
                "model.features", "4", "model.classes", "3", "model.initial", KERAS_CLASSIFIER));

    MultiLayerNetwork network = restored(config.initialModel());

    assertThat(network.getLayerWiseConfigurations().getConf(2).getLayer())
        .isInstanceOf(LossLayer.class);
    assertThat(config.modelConfigurationJson())
        .isEqualTo(network.getLayerWiseConfigurations().toJson());
    try (Hdf5Archive reference =
        new Hdf5Archive(
            KerasFixturesTest.KERAS
                .resolve("simple_sparse_xent_mlp_keras_2_inputs_and_outputs.h5")
                .toString())) {
      INDArray input = reference.readDataSet("dense_1_input", "inputs");
      INDArray expected = reference.readDataSet("activation_1", "predictions");
      assertThat(
              network
                  .output(input)
                  .castTo(DataType.DOUBLE)
                  .sub(expected)
                  .amaxNumber()
                  .doubleValue())
          .isLessThanOrEqualTo(3e-8);
    }
  }

  @Test
  void replaceOutputGivesTheKerasClassifierANewSeededOutputForOtherClasses() throws Exception {
    Map<String, String> options =
        required(
            "model.features", "4",
            "model.classes", "5",
            "model.initial", KERAS_CLASSIFIER,
            "model.initial.replace-output", "true",
            "model.initial.learning-rate", "0.05");

    MultiLayerNetwork network = restored(StreamlearnConfig.fromMap(options).initialModel());
    MultiLayerNetwork again = restored(StreamlearnConfig.fromMap(options).initialModel());

    assertThat(network.getnLayers()).isEqualTo(1);
    OutputLayer output = (OutputLayer) network.getLayerWiseConfigurations().getConf(0).getLayer();
    assertThat(output.getNIn()).isEqualTo(4);
    assertThat(output.getNOut()).isEqualTo(5);
    assertThat(output.getIUpdater().getLearningRate(0, 0)).isEqualTo(0.05);
    assertThat(network.params()).isEqualTo(again.params());
  }

  @Test
  void kerasClassifierWithOtherClassesNeedsReplaceOutput() {
    assertThat(
            problemsOf(
                required(
                    "model.features",
                    "4",
                    "model.classes",
                    "2",
                    "model.initial",
                    KERAS_CLASSIFIER)))
        .singleElement()
        .asString()
        .startsWith("model.initial: the initial model")
        .contains("model.classes is 2")
        .contains("model.initial.replace-output");
  }

  @Test
  void initialModelMustTakeTheDeclaredInput() {
    assertThat(problemsOf(required("model.features", "5", "model.initial", KERAS_CLASSIFIER)))
        .singleElement()
        .asString()
        .contains("has nIn 4 but model.features is 5");
  }

  @Test
  void kerasChannelsLastSequenceIsRefusedWithTheReason() {
    assertThat(
            problemsOf(
                required(
                    "model.features", "48",
                    "model.input.type", "SEQUENCE",
                    "model.input.timesteps", "16",
                    "model.input.channels", "3",
                    "model.initial", KERAS_CONV1D,
                    "model.initial.replace-output", "true")))
        .singleElement()
        .asString()
        .contains("channels last");
  }

  @Test
  void freezingEveryLayerIsAnError() throws Exception {
    assertThat(
            problemsOf(
                required(
                    "model.features", "4",
                    "model.initial", dl4jZip().toString(),
                    "model.initial.freeze-layers", "2")))
        .containsExactly(
            "model.initial.freeze-layers: 2 must be less than the initial model's 2 layers: at"
                + " least one layer must train");
  }

  @Test
  void freezingTheLayerThatIsReplacedIsAnError() {
    assertThat(
            problemsOf(
                required(
                    "model.features", "4",
                    "model.classes", "2",
                    "model.initial", KERAS_CLASSIFIER,
                    "model.initial.replace-output", "true",
                    "model.initial.freeze-layers", "1")))
        .singleElement()
        .asString()
        .contains("would freeze layer 1");
  }

  @Test
  void dl4jZipWithFrozenFirstLayerAndNewOutputKeepsTheFrozenParameters() throws Exception {
    Path zip = dl4jZip();
    MultiLayerNetwork original = ModelSerializer.restoreMultiLayerNetwork(zip.toFile());

    StreamlearnConfig config = StreamlearnConfig.fromMap(frozenFirstLayerAndNewOutput(zip));
    MultiLayerNetwork network = restored(config.initialModel());

    assertThat(network.getLayerWiseConfigurations().getConf(0).getLayer())
        .isInstanceOf(FrozenLayer.class);
    assertThat(network.getLayer(0).params()).isEqualTo(original.getLayer(0).params());
    OutputLayer output = (OutputLayer) network.getLayerWiseConfigurations().getConf(1).getLayer();
    assertThat(output.getNIn()).isEqualTo(8);
    assertThat(output.getNOut()).isEqualTo(2);
    assertThat(((BaseLayer) output).getIUpdater()).isEqualTo(new Adam(0.01));
  }

  @Test
  void dl4jGraphZipGetsANewOutputVertex() throws Exception {
    ComputationGraph graph =
        new ComputationGraph(
            new NeuralNetConfiguration.Builder()
                .seed(1)
                .updater(new Adam(0.01))
                .graphBuilder()
                .addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder().nIn(4).nOut(8).build(), "in")
                .addLayer(
                    "out",
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nIn(8)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build(),
                    "hidden")
                .setOutputs("out")
                .build());
    graph.init();
    Path zip = tempDir.resolve("graph.zip");
    ModelSerializer.writeModel(graph, zip.toFile(), false);

    StreamlearnConfig config = StreamlearnConfig.fromMap(frozenFirstLayerAndNewOutput(zip));
    ComputationGraph adapted =
        ModelSerializer.restoreComputationGraph(
            new ByteArrayInputStream(config.initialModel()), false);

    assertThat(adapted.getConfiguration().getNetworkOutputs())
        .containsExactly(InitialModels.NEW_OUTPUT);
    assertThat(adapted.getLayer("hidden").params()).isEqualTo(graph.getLayer("hidden").params());
    assertThat(adapted.getLayer(InitialModels.NEW_OUTPUT).getParam("W").shape())
        .containsExactly(8, 2);
  }

  @Test
  void initialModelExcludesTheKeysThatDescribeANetwork() {
    assertThat(
            problemsOf(
                required(
                    "model.features", "4",
                    "model.initial", KERAS_CLASSIFIER,
                    "model.hidden-layers", "8")))
        .contains(
            "model.hidden-layers: '8' cannot be set together with model.initial, whose model"
                + " defines the whole network; remove one of the two");
  }

  @Test
  void toMapOfAnInitialModelLoadsTheSameModelAgain() throws IOException {
    StreamlearnConfig config =
        StreamlearnConfig.fromMap(
            required(
                "model.features", "4", "model.classes", "3", "model.initial", KERAS_CLASSIFIER));

    Map<String, String> map = config.toMap();

    assertThat(map.keySet())
        .doesNotContainAnyElementsOf(
            InitialModels.REPLACED_KEYS.stream().map(option -> option.key()).toList());
    StreamlearnConfig again = StreamlearnConfig.fromMap(map);
    assertThat(again.modelConfigurationJson()).isEqualTo(config.modelConfigurationJson());
    // Entry by entry: each serialization stamps its zip entries with the time it ran.
    assertThat(zipEntries(again.initialModel())).isEqualTo(zipEntries(config.initialModel()));
  }

  /** A zip's entries by name, their contents in hex. */
  private static Map<String, String> zipEntries(byte[] zip) throws IOException {
    Map<String, String> entries = new TreeMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        entries.put(entry.getName(), HexFormat.of().formatHex(in.readAllBytes()));
      }
    }
    return entries;
  }

  @Test
  void initialOptionsWithoutInitialModelAreAnError() {
    assertThat(problemsOf(required("model.initial.freeze-layers", "1")))
        .containsExactly(
            "model.initial.freeze-layers: '1' is only used with model.initial or"
                + " model.initial.parent-key, and neither is set");
  }

  @Test
  void fileThatIsNoModelIsNamed() throws Exception {
    Path text = Files.writeString(tempDir.resolve("model.txt"), "not a model");

    assertThat(problemsOf(required("model.initial", text.toString())))
        .containsExactly(
            "model.initial: '"
                + text
                + "' is neither a DL4J ModelSerializer zip nor a Keras HDF5 file");
  }

  @Test
  void hdf5FileThatKerasImportRejectsIsNamedWithTheReason() throws Exception {
    byte[] hdf5Signature = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n', 0, 0};
    Path broken = Files.write(tempDir.resolve("broken.h5"), hdf5Signature);

    assertThat(problemsOf(required("model.initial", broken.toString())))
        .singleElement()
        .asString()
        .startsWith("model.initial: '" + broken + "' cannot be imported: ");
  }

  @Test
  void keras3FileIsRefusedNamingTheKerasVersionThatSavedIt() {
    String keras3 = "src/test/resources/keras3/functional_two_branch_keras_3_model.h5";

    assertThat(
            problemsOf(
                required("model.features", "4", "model.classes", "3", "model.initial", keras3)))
        .containsExactly(
            "model.initial: '"
                + keras3
                + "' was saved by Keras 3.15.1, and DL4J 1.0.0-M2.1 imports files of Keras 1 and"
                + " 2 only: save the model with Keras 2 (tf.keras of TensorFlow 2.15 or earlier,"
                + " or the tf_keras package), or as a DL4J ModelSerializer zip");
  }

  /** A 4-8-3 classifier as DL4J's ModelSerializer writes it. */
  private Path dl4jZip() throws Exception {
    Path zip = tempDir.resolve("mlp.zip");
    ModelSerializer.writeModel(SmallNetworks.threeClassMlp(1), zip.toFile(), true);
    return zip;
  }

  /** A 2-class configuration that freezes the model's first layer and replaces its output. */
  private static Map<String, String> frozenFirstLayerAndNewOutput(Path model) {
    return required(
        "model.features", "4",
        "model.classes", "2",
        "model.initial", model.toString(),
        "model.initial.freeze-layers", "1",
        "model.initial.replace-output", "true");
  }

  private static MultiLayerNetwork restored(byte[] zip) throws Exception {
    return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(zip), false);
  }
}
