package io.streamlearn.operators;

import static io.streamlearn.operators.Samples.featureRows;
import static io.streamlearn.operators.Samples.keyedState;
import static io.streamlearn.operators.Samples.separable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamlearn.operators.drift.DetectorType;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Keys of one job that train different networks ({@link TrainerSettings#overrides()}). */
class ModelOverridesTrainerTest {

  /** Two layers: 8 tanh units, softmax. */
  private static final String SHALLOW = TestModels.classifier(new Adam(0.05)).toJson();

  /** Four layers: 16 relu, 8 relu and 4 tanh units, softmax. */
  private static final String DEEP =
      new NeuralNetConfiguration.Builder()
          .seed(11)
          .dataType(DataType.FLOAT)
          .weightInit(WeightInit.XAVIER)
          .updater(new Adam(0.02))
          .list()
          .layer(new DenseLayer.Builder().nIn(2).nOut(16).activation(Activation.RELU).build())
          .layer(new DenseLayer.Builder().nIn(16).nOut(8).activation(Activation.RELU).build())
          .layer(new DenseLayer.Builder().nIn(8).nOut(4).activation(Activation.TANH).build())
          .layer(
              new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                  .nIn(4)
                  .nOut(2)
                  .activation(Activation.SOFTMAX)
                  .build())
          .build()
          .toJson();

  private static final ModelShape SHAPE = ModelShape.classification(2, 2);

  @RegisterExtension final TrainerHarnesses trainers = new TrainerHarnesses();

  @Test
  void keysMatchingAnOverrideTrainItsNetworkAndPublishCheckpointsThatPlainDl4jLoads()
      throws Exception {
    var harness =
        trainers.open(settings(50, List.of(new ModelOverride("sensor-.*", deep(2, null)))));
    List<LabeledSample> plain = separable("plain", 100 * 32 + 16, 31);
    List<LabeledSample> sensor = separable("sensor-7", 100 * 32 + 16, 32);

    for (int start = 0; start < 100 * 32; start += 32) {
      harness.processBatch(plain.subList(start, start + 32));
      harness.processBatch(sensor.subList(start, start + 32));
    }
    List<LabeledSample> plainNext = plain.subList(100 * 32, plain.size());
    List<LabeledSample> sensorNext = sensor.subList(100 * 32, sensor.size());
    harness.processBatch(plainNext);
    harness.processBatch(sensorNext);

    ModelCheckpoint plainLatest = latest(harness, "plain");
    ModelCheckpoint sensorLatest = latest(harness, "sensor-7");
    assertThat(plainLatest.getVersion()).isEqualTo(100);
    // Two gradient steps per batch: the override's steps-per-batch is its own.
    assertThat(sensorLatest.getVersion()).isEqualTo(100);
    assertThat(sensorLatest.getSteps()).isEqualTo(200);
    assertThat(plainLatest.getSteps()).isEqualTo(100);
    assertThat(plainLatest.getConfigDigest()).isEqualTo(Dl4jKeyModel.sha256(SHALLOW));
    assertThat(sensorLatest.getConfigDigest()).isEqualTo(Dl4jKeyModel.sha256(DEEP));
    MultiLayerNetwork plainNetwork = restored(plainLatest);
    MultiLayerNetwork sensorNetwork = restored(sensorLatest);
    assertThat(plainNetwork.getnLayers()).isEqualTo(2);
    assertThat(sensorNetwork.getnLayers()).isEqualTo(4);
    assertServedAsPlainDl4jScores(harness, "plain", plainNext, plainNetwork);
    assertServedAsPlainDl4jScores(harness, "sensor-7", sensorNext, sensorNetwork);
    for (String key : List.of("plain", "sensor-7")) {
      List<Prediction> trained = predictionsOf(harness, key);
      List<Prediction> lastTrained =
          trained.subList(trained.size() - 16 - 640, trained.size() - 16);
      long correct =
          lastTrained.stream()
              .filter(p -> Objects.equals(p.getPredictedLabel(), p.getLabel()))
              .count();
      assertThat(correct / 640.0).as(key).isGreaterThanOrEqualTo(0.9);
    }
  }

  @Test
  void theFirstOverrideWhosePatternMatchesTheWholeKeyWins() throws Exception {
    ModelSpec deep = deep(1, null);
    ModelSpec twoSteps = new ModelSpec(SHALLOW, 2, null);
    KeyModelChoice choice =
        KeyModels.create(
            settings(
                10,
                List.of(
                    new ModelOverride("sensor-.*", deep),
                    new ModelOverride("sensor-1|pump-1", twoSteps))));

    KeyModel sensor = choice.modelOf("sensor-1");
    KeyModel pump = choice.modelOf("pump-1");
    KeyModel partial = choice.modelOf("pump-12");
    KeyModel other = choice.modelOf("plant");

    assertThat(sensor.configDigest()).isEqualTo(Dl4jKeyModel.sha256(DEEP));
    assertThat(pump.configDigest()).isEqualTo(Dl4jKeyModel.sha256(SHALLOW));
    assertThat(pump.stepsPerBatch()).isEqualTo(2);
    assertThat(partial.stepsPerBatch()).isEqualTo(1);
    assertThat(partial).isSameAs(other);
  }

  @Test
  void overridesOfEqualModelsShareOneNetworkWithEachOtherAndTheDefault() throws Exception {
    KeyModelChoice choice =
        KeyModels.create(
            settings(
                10,
                List.of(
                    new ModelOverride("a.*", deep(1, null)),
                    new ModelOverride("b.*", deep(1, null)),
                    new ModelOverride("c.*", new ModelSpec(SHALLOW, 1, null)))));

    assertThat(choice.modelOf("a1")).isSameAs(choice.modelOf("b1"));
    assertThat(choice.modelOf("c1")).isSameAs(choice.modelOf("d1"));
    assertThat(choice.modelOf("a1")).isNotSameAs(choice.modelOf("d1"));
  }

  @Test
  void aKeyStartsFromItsOverridesInitialModel() throws Exception {
    MultiLayerNetwork pretrained = randomized(DEEP);
    var harness =
        trainers.open(settings(50, List.of(new ModelOverride("warm", deep(1, zip(pretrained))))));

    assertFirstBatchIsScoredBy(harness, pretrained);
  }

  @Test
  void theFusedTrainerStartsKeysFromTheirOverridesInitialModelOfTheDefaultNetwork()
      throws Exception {
    MultiLayerNetwork pretrained = randomized(SHALLOW);
    ModelSpec warm = new ModelSpec(SHALLOW, 1, zip(pretrained));
    var harness =
        trainers.openFused(
            settings(50, List.of(new ModelOverride("warm", warm))), 2, Duration.ZERO);

    harness.processBatch(separable("cold", 16, 38));
    assertFirstBatchIsScoredBy(harness, pretrained);
    // fuse-keys 2: the two keys, from different starts, took one fused step together.
    for (String key : List.of("cold", "warm")) {
      assertThat(keyedState(harness, key, KeyStep.modelDescriptor()).value().getSteps())
          .as(key)
          .isEqualTo(1);
    }
    assertThat(predictionsOf(harness, "cold").get(0).getScores())
        .isNotEqualTo(predictionsOf(harness, "warm").get(0).getScores());
  }

  @Test
  void aKeyWhoseStateWasWrittenByAnotherNetworkFailsNamingTheKeyAndBothSizes() throws Exception {
    var before = trainers.open(settings(1_000, List.of()));
    before.processBatch(separable("sensor-1", 32, 34));
    before.processBatch(separable("plain", 32, 35));
    OperatorSubtaskState snapshot = before.snapshot(1L, 1L);
    var after =
        new TrainerHarness(
            new OnlineTrainer(
                settings(1_000, List.of(new ModelOverride("sensor-.*", deep(1, null)))),
                TrainerHarness.BATCH_PER_CALL));
    after.initializeState(snapshot);
    trainers.open(after);

    after.processBatch(separable("plain", 32, 36));
    assertThatThrownBy(() -> after.processBatch(separable("sensor-1", 32, 37)))
        .isInstanceOf(KeyStateMismatchException.class)
        .hasMessageContaining("key 'sensor-1'")
        .hasMessageContaining("the state holds 42 parameters")
        .hasMessageContaining("has 230");
    assertThat(predictionsOf(after, "plain")).hasSize(32);
  }

  @Test
  void theFusedTrainerRefusesOverridesOfAnotherNetwork() {
    TrainerSettings settings = settings(10, List.of(new ModelOverride("sensor-.*", deep(1, null))));

    assertThatThrownBy(
            () -> new FusedTrainer(settings, TrainerHarness.BATCH_PER_CALL, 4, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("override 0 ('sensor-.*') gives its keys another network");
  }

  /** A network of the configuration with random parameters, as if trained elsewhere. */
  private static MultiLayerNetwork randomized(String configurationJson) {
    MultiLayerNetwork network =
        new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configurationJson));
    network.init(Nd4j.rand(DataType.FLOAT, 1, (int) network.numParams()), false);
    return network;
  }

  private static byte[] zip(MultiLayerNetwork network) throws Exception {
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    ModelSerializer.writeModel(network, zip, false);
    return zip.toByteArray();
  }

  /** Key "warm"'s first batch is served by {@code initial}, before any step. */
  private static void assertFirstBatchIsScoredBy(TrainerHarness harness, MultiLayerNetwork initial)
      throws Exception {
    List<LabeledSample> first = separable("warm", 16, 33);
    harness.processBatch(first);
    float[][] expected = initial.output(Nd4j.create(featureRows(first))).toFloatMatrix();
    List<Prediction> served = predictionsOf(harness, "warm");
    for (int row = 0; row < 16; row++) {
      assertThat(served.get(row).getModelVersion()).isZero();
      assertScoresMatch(served.get(row).getScores(), expected[row]);
    }
  }

  private static ModelSpec deep(int stepsPerBatch, byte[] initialModel) {
    return new ModelSpec(DEEP, stepsPerBatch, initialModel);
  }

  private static TrainerSettings settings(int everySteps, List<ModelOverride> overrides) {
    return new TrainerSettings.Builder(
            SHALLOW,
            SHAPE,
            everySteps,
            Duration.ZERO,
            200,
            DriftSettings.alertOnly(DetectorType.NONE))
        .overrides(overrides)
        .build();
  }

  private static ModelCheckpoint latest(TrainerHarness harness, String key) {
    List<ModelCheckpoint> ofKey =
        harness.checkpoints().stream().filter(c -> c.getKey().equals(key)).toList();
    return ofKey.get(ofKey.size() - 1);
  }

  private static MultiLayerNetwork restored(ModelCheckpoint checkpoint) throws Exception {
    return ModelSerializer.restoreMultiLayerNetwork(
        new ByteArrayInputStream(checkpoint.getModel().array()), true);
  }

  private static List<Prediction> predictionsOf(TrainerHarness harness, String key) {
    return harness.extractOutputValues().stream().filter(p -> p.getKey().equals(key)).toList();
  }

  /** The key's last batch was served by the latest checkpoint's model, as plain DL4J scores it. */
  private static void assertServedAsPlainDl4jScores(
      TrainerHarness harness, String key, List<LabeledSample> last, MultiLayerNetwork network) {
    float[][] expected = network.output(Nd4j.create(featureRows(last))).toFloatMatrix();
    List<Prediction> all = predictionsOf(harness, key);
    List<Prediction> served = all.subList(all.size() - last.size(), all.size());
    for (int row = 0; row < last.size(); row++) {
      assertThat(served.get(row).getModelVersion()).isEqualTo(100);
      assertScoresMatch(served.get(row).getScores(), expected[row]);
    }
  }

  /**
   * The served scores are plain DL4J's within 1e-6: the trainer scores each sample as it arrives,
   * plain DL4J scores the batch's rows in one call, and the two can differ in the last bits.
   */
  private static void assertScoresMatch(List<Float> served, float[] expected) {
    assertThat(served).hasSize(expected.length);
    for (int c = 0; c < expected.length; c++) {
      assertThat(served.get(c)).isCloseTo(expected[c], within(1e-6f));
    }
  }
}
