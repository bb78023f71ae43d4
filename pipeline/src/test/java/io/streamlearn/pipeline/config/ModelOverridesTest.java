package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.ConfigFixtures.problemsOf;
import static io.streamlearn.pipeline.config.ConfigFixtures.required;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.operators.ModelOverride;
import io.streamlearn.operators.ModelSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.layers.FrozenLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** model.overrides: read from YAML and --set, checked per override, inherited from the default. */
class ModelOverridesTest {

  @TempDir Path tempDir;

  @Test
  void yamlOverridesBuildTheirOwnNetworksInTheirOrder() throws IOException {
    Path file =
        yaml(
            """
            kafka.bootstrap-servers: localhost:9092
            model:
              features: 12
              hidden-layers: [32]
              learning-rate: 0.01
              overrides:
                - pattern: "sensor-.*"
                  layers:
                    - {type: dense, units: 8}
                    - {type: dense, units: 4, activation: tanh}
                - pattern: "pump-[0-9]+"
                  learning-rate: 0.2
                  steps-per-batch: 3
            """);

    StreamlearnConfig config = StreamlearnConfig.load(file, Map.of());

    List<ModelOverride> overrides = config.modelOverrides();
    assertThat(overrides)
        .extracting(ModelOverride::pattern)
        .containsExactly("sensor-.*", "pump-[0-9]+");
    assertThat(layerWidths(overrides.get(0))).containsExactly(8L, 4L, 2L);
    assertThat(learningRate(overrides.get(0).model().configurationJson()))
        .as("a layer list keeps the default's training controls")
        .isEqualTo(0.01);
    assertThat(layerWidths(overrides.get(1))).as("the default's network").containsExactly(32L, 2L);
    assertThat(learningRate(overrides.get(1).model().configurationJson())).isEqualTo(0.2);
    assertThat(overrides.get(1).model().stepsPerBatch()).isEqualTo(3);
    assertThat(learningRate(config.modelConfigurationJson())).isEqualTo(0.01);
  }

  @Test
  void commandLineKeysAndTheFlinkListFormGiveTheSameOverrides() {
    StreamlearnConfig numbered =
        StreamlearnConfig.fromMap(
            required(
                "model.overrides[0].pattern", "a.*",
                "model.overrides[0].hidden-layers", "4,4",
                "model.overrides[1].pattern", "b.*",
                "model.overrides[1].seed", "9"));
    StreamlearnConfig listed =
        StreamlearnConfig.fromMap(
            required(
                "model.overrides",
                FlinkText.listOfMaps(
                    List.of(
                        Map.of("pattern", "a.*", "hidden-layers", "4,4"),
                        Map.of("pattern", "b.*", "seed", "9")))));

    assertThat(listed.modelOverrides()).hasSize(2);
    for (int i = 0; i < 2; i++) {
      assertThat(listed.modelOverrides().get(i).model())
          .isEqualTo(numbered.modelOverrides().get(i).model());
    }
    assertThat(layerWidths(numbered.modelOverrides().get(0))).containsExactly(4L, 4L, 2L);
  }

  @Test
  void overridesRoundTripThroughToMap() {
    StreamlearnConfig config =
        StreamlearnConfig.fromMap(
            required(
                "model.overrides[0].pattern", "a.*",
                "model.overrides[0].layers", "type:dense,units:4;type:dropout,rate:0.5"));

    StreamlearnConfig again = StreamlearnConfig.fromMap(config.toMap());

    assertThat(again.modelOverrides().get(0).model())
        .isEqualTo(config.modelOverrides().get(0).model());
    assertThat(again.toMap()).containsEntry("model.overrides[0].pattern", "a.*");
  }

  @Test
  void aBadPatternAnUnknownKeyAndAJobWideKeyAreNamedByTheirOverride() {
    assertThat(
            problemsOf(
                required(
                    "model.overrides[0].pattern", "sensor-(",
                    "model.overrides[1].pattern", "x",
                    "model.overrides[1].hiden-layers", "4",
                    "model.overrides[2].pattern", "y",
                    "model.overrides[2].classes", "3",
                    "model.overrides[3].hidden-layers", "4")))
        .containsExactlyInAnyOrder(
            "model.overrides[0].pattern: 'sensor-(' is not a Java regular expression: Unclosed"
                + " group near index 8",
            "unknown key 'model.overrides[1].hiden-layers' (did you mean"
                + " 'model.overrides[1].hidden-layers'?)",
            "model.overrides[2].classes: model.classes is the job's, the same for every key; an"
                + " override sets only "
                + String.join(", ", overridableKeys()),
            "model.overrides[3].pattern: required, not set: a Java regular expression that matches"
                + " whole keys");
  }

  @Test
  void anOverridesNetworkIsCheckedAgainstModelInputAndNamedByItsKey() throws IOException {
    String narrow = file(dense(15, 2));
    assertThat(
            problemsOf(
                required(
                    "model.overrides[0].pattern", "s.*",
                    "model.overrides[0].layers", "type:lstm,units:4",
                    "model.overrides[1].pattern", "t.*",
                    "model.overrides[1].learning-rate", "-1",
                    "model.overrides[2].pattern", "u.*",
                    "model.overrides[2].configuration-file", narrow)))
        .containsExactlyInAnyOrder(
            "model.overrides[0].layers: layer 1 (lstm): takes a sequence, but receives a vector"
                + " (model.input.type is VECTOR)",
            "model.overrides[1].learning-rate: -1 is out of range, must be > 0.0",
            "model.overrides[2].configuration-file: the first layer of '"
                + narrow
                + "' has nIn 15 but model.features is 16, they must be equal");
  }

  @Test
  void anOverrideSettingANetworkDoesNotInheritTheDefaultsNetwork() throws IOException {
    // model.layers next to model.hidden-layers is a problem; an override's layers replace the
    // default's hidden-layers instead.
    StreamlearnConfig config =
        StreamlearnConfig.fromMap(
            required(
                "model.hidden-layers", "32,16",
                "model.learning-rate", "0.05",
                "model.overrides[0].pattern", "s.*",
                "model.overrides[0].layers", "type:dense,units:3",
                "model.overrides[1].pattern", "t.*",
                "model.overrides[1].configuration-file", file(dense(16, 2))));

    assertThat(layerWidths(config.modelOverrides().get(0))).containsExactly(3L, 2L);
    assertThat(config.modelOverrides().get(1).model().configurationJson()).isEqualTo(dense(16, 2));
    assertThat(
            problemsOf(
                required(
                    "model.overrides[0].pattern", "s.*",
                    "model.overrides[0].layers", "type:dense,units:3",
                    "model.overrides[0].hidden-layers", "3")))
        .containsExactly(
            "model.overrides[0].hidden-layers: cannot be set together with model.layers, which"
                + " lists every layer; remove one of the two");
  }

  @Test
  void anOverrideStartsItsKeysFromItsInitialModelWithoutTheDefaultsCompactKeys() throws Exception {
    Path zip = tempDir.resolve("mlp.zip");
    ModelSerializer.writeModel(SmallNetworks.threeClassMlp(1), zip.toFile(), true);

    // The default's layers and learning rate would each be refused next to model.initial.
    StreamlearnConfig config =
        StreamlearnConfig.fromMap(
            required(
                "model.features", "4",
                "model.hidden-layers", "8,8",
                "model.learning-rate", "0.05",
                "model.overrides[0].pattern", "warm-.*",
                "model.overrides[0].initial", zip.toString(),
                "model.overrides[0].initial.freeze-layers", "1",
                "model.overrides[0].initial.replace-output", "true"));

    ModelSpec warm = config.modelOverrides().get(0).model();
    assertThat(warm.initialModel()).isNotNull();
    MultiLayerNetwork start =
        ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(warm.initialModel()));
    assertThat(start.getLayer(0)).isInstanceOf(FrozenLayer.class);
    assertThat(start.getLayer(1).getParam("W").shape()).containsExactly(8L, 2L);
    assertThat(config.initialModel()).as("the default still starts from seeded weights").isNull();
    assertThat(
            problemsOf(
                required(
                    "model.overrides[0].pattern", "warm-.*",
                    "model.overrides[0].initial", zip.toString(),
                    "model.overrides[0].learning-rate", "0.1")))
        .containsExactly(
            "model.overrides[0].learning-rate: '0.1' cannot be set together with model.initial,"
                + " whose model defines the whole network; remove one of the two");
  }

  @Test
  void fusedRefusesOverridesOfAnotherNetworkAndAutoTrainsThemPerKey() {
    Map<String, String> overridden =
        required("model.overrides[0].pattern", "s.*", "model.overrides[0].hidden-layers", "8");

    assertThat(StreamlearnConfig.fromMap(overridden).fusedTraining()).isFalse();
    assertThat(StreamlearnConfig.fromMap(required()).fusedTraining()).isTrue();
    overridden.put("trainer.mode", "fused");
    assertThat(problemsOf(overridden))
        .containsExactly(
            "trainer.mode: fused cannot train this model: override 0 ('s.*') gives its keys"
                + " another network or steps per batch than the default, and the fused trainer"
                + " steps one network; set per-key or auto to train it per key");
  }

  @Test
  void anOverrideThatOnlyNamesKeysGivesThemTheDefaultModel() {
    StreamlearnConfig config =
        StreamlearnConfig.fromMap(
            required(
                "model.overrides[0].pattern", "sensor-0",
                "model.overrides[1].pattern", "sensor-.*",
                "model.overrides[1].hidden-layers", "8"));

    ModelOverride pinned = config.modelOverrides().get(0);
    assertThat(pinned.model().configurationJson()).isEqualTo(config.modelConfigurationJson());
    assertThat(config.fusedTraining()).isFalse();
    // Alone, it gives no key another network: the keys still train fused.
    assertThat(
            StreamlearnConfig.fromMap(required("model.overrides[0].pattern", "sensor-0"))
                .fusedTraining())
        .isTrue();
  }

  private static List<String> overridableKeys() {
    return Stream.concat(
            Stream.of("pattern"),
            ModelOverrides.OVERRIDABLE.stream().map(o -> o.key().substring("model.".length())))
        .toList();
  }

  /** The nOut of each layer of the override's layer stack. */
  private static List<Long> layerWidths(ModelOverride override) {
    return MultiLayerConfiguration.fromJson(override.model().configurationJson())
        .getConfs()
        .stream()
        .map(conf -> ((FeedForwardLayer) conf.getLayer()).getNOut())
        .toList();
  }

  private static double learningRate(String json) {
    BaseLayer first = (BaseLayer) MultiLayerConfiguration.fromJson(json).getConf(0).getLayer();
    IUpdater updater = first.getIUpdater();
    return updater.getLearningRate(0, 0);
  }

  /** A dense layer of 4 units on {@code inputs} features, then softmax over two classes. */
  private static String dense(int inputs, int classes) {
    return new NeuralNetConfiguration.Builder()
        .seed(1)
        .list()
        .layer(new DenseLayer.Builder().nIn(inputs).nOut(4).build())
        .layer(
            new OutputLayer.Builder(LossFunction.MCXENT)
                .nIn(4)
                .nOut(classes)
                .activation(Activation.SOFTMAX)
                .build())
        .build()
        .toJson();
  }

  private Path yaml(String text) throws IOException {
    return Files.writeString(tempDir.resolve("job.yaml"), text);
  }

  private String file(String json) throws IOException {
    return Files.writeString(Files.createTempFile(tempDir, "network", ".json"), json).toString();
  }
}
