package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.ConfigFixtures.problemsOf;
import static io.streamlearn.pipeline.config.ConfigFixtures.required;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.regularization.L1Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMAE;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/** Updaters, learning-rate schedules, regularization and tasks: built, trained and reloaded. */
class TrainingControlsTest {

  @ParameterizedTest
  @EnumSource(UpdaterType.class)
  void everyUpdaterBuildsAndTrains(UpdaterType type) {
    MultiLayerNetwork network = trained(conf(required("model.updater", type.name())), 3);

    assertThat(Double.isFinite(network.score())).isTrue();
  }

  @Test
  void updaterParametersReachTheUpdater() {
    Adam adam =
        (Adam)
            updater(
                required(
                    "model.updater", "ADAM",
                    "model.updater.beta1", "0.8",
                    "model.updater.beta2", "0.99",
                    "model.updater.epsilon", "1e-6"));
    assertThat(adam.getBeta1()).isEqualTo(0.8);
    assertThat(adam.getBeta2()).isEqualTo(0.99);
    assertThat(adam.getEpsilon()).isEqualTo(1e-6);
    Nesterovs nesterovs =
        (Nesterovs)
            updater(required("model.updater", "NESTEROVS", "model.updater.momentum", "0.5"));
    assertThat(nesterovs.getMomentum()).isEqualTo(0.5);
    RmsProp rmsProp =
        (RmsProp) updater(required("model.updater", "RMSPROP", "model.updater.rho", "0.7"));
    assertThat(rmsProp.getRmsDecay()).isEqualTo(0.7);
  }

  @Test
  void adamWIsAdamWithDecoupledWeightDecay() {
    MultiLayerConfiguration conf =
        conf(required("model.updater", "ADAMW", "model.updater.weight-decay", "0.05"));

    BaseLayer layer = (BaseLayer) conf.getConf(0).getLayer();
    assertThat(layer.getIUpdater()).isInstanceOf(Adam.class);
    assertThat(layer.getRegularization()).contains(new WeightDecay(0.05, true));
  }

  @ParameterizedTest(name = "{0} at step {6}")
  @CsvSource({
    // schedule, decay-rate, steps, power, max, lr, iteration, expected
    "STEP, 0.5, 10, , , 0.1, 25, 0.025", // 0.1 * 0.5^floor(25/10)
    "EXPONENTIAL, 0.9, , , , 0.1, 3, 0.0729", // 0.1 * 0.9^3
    "INVERSE, 0.1, , 2, , 0.1, 10, 0.025", // 0.1 / (1 + 0.1*10)^2
    "POLY, , 100, 2, , 0.1, 50, 0.025", // 0.1 * (1 - 50/100)^2
    "POLY, , 100, 2, , 0.1, 500, 0.00001", // held at 0.1 * (1 - 99/100)^2
    "SIGMOID, 0.5, 20, , , 0.1, 20, 0.05", // 0.1 / (1 + exp(-0.5*(20-20)))
    "CYCLIC, , 20, , 0.3, 0.1, 5, 0.2", // halfway up the first triangle
    "CYCLIC, , 20, , 0.3, 0.1, 35, 0.2", // halfway down the second
    "WARMUP, , 10, , , 0.1, 4, 0.05", // 0.1 * (4+1)/10
    "WARMUP, , 10, , , 0.1, 500, 0.1", // warmed up
  })
  void scheduleGivesTheLearningRateOfTheIterationAndSurvivesAPlainDl4jReload(
      LearningRateSchedule schedule,
      String decayRate,
      String steps,
      String power,
      String max,
      double rate,
      int iteration,
      double expected)
      throws IOException {
    Map<String, String> flat =
        required(
            "model.learning-rate.schedule", schedule.name(),
            "model.learning-rate", String.valueOf(rate),
            "model.updater", "SGD");
    putIfGiven(flat, "model.learning-rate.decay-rate", decayRate);
    putIfGiven(flat, "model.learning-rate.steps", steps);
    putIfGiven(flat, "model.learning-rate.power", power);
    putIfGiven(flat, "model.learning-rate.max", max);
    MultiLayerNetwork network = trained(conf(flat), 2);

    assertThat(learningRate(network, iteration)).isCloseTo(expected, within(1e-9));
    MultiLayerNetwork reloaded = reloaded(network);
    assertThat(learningRate(reloaded, iteration)).isCloseTo(expected, within(1e-9));
    assertThat(reloaded.getIterationCount()).isEqualTo(2);
  }

  @Test
  void regularizationAndGradientClippingReachEveryLayerAndSurviveAReload() throws IOException {
    MultiLayerConfiguration conf =
        conf(
            required(
                "model.l1", "0.001",
                "model.weight-decay", "0.0005",
                "model.dropout", "0.25",
                "model.gradient-normalization", "ClipL2PerLayer",
                "model.gradient-normalization.threshold", "0.5"));
    MultiLayerNetwork reloaded = reloaded(trained(conf, 2));

    for (org.deeplearning4j.nn.api.Layer layer : reloaded.getLayers()) {
      BaseLayer base = (BaseLayer) layer.conf().getLayer();
      assertThat(base.getRegularization())
          .contains(new L1Regularization(0.001), new WeightDecay(0.0005, true));
      assertThat(base.getIDropout()).isNotNull();
      assertThat(base.getGradientNormalization()).isEqualTo(GradientNormalization.ClipL2PerLayer);
      assertThat(base.getGradientNormalizationThreshold()).isEqualTo(0.5);
    }
  }

  @Test
  void binaryTaskHasOneSigmoidOutputWithBinaryCrossEntropy() {
    MultiLayerConfiguration conf = conf(required("model.task", "BINARY"));

    org.deeplearning4j.nn.conf.layers.OutputLayer output =
        (org.deeplearning4j.nn.conf.layers.OutputLayer) conf.getConf(1).getLayer();
    assertThat(output.getNOut()).isEqualTo(1);
    assertThat(output.getActivationFn().toString()).isEqualTo("sigmoid");
    assertThat(output.getLossFn()).isInstanceOf(LossBinaryXENT.class);
  }

  @Test
  void regressionTakesTheConfiguredLoss() {
    assertThat(outputLoss(required("model.task", "REGRESSION"))).isInstanceOf(LossMSE.class);
    assertThat(outputLoss(required("model.task", "REGRESSION", "model.loss", "MAE")))
        .isInstanceOf(LossMAE.class);
  }

  @Test
  void combinationsThatCannotBeMeantAreRefusedNamingTheSetting() {
    assertThat(problemsOf(required("model.loss", "MAE")))
        .containsExactly(
            "model.loss: 'MAE' is a regression loss, but model.task is CLASSIFICATION, which takes"
                + " the loss its output needs; remove it or set the task to REGRESSION");
    assertThat(problemsOf(required("model.task", "BINARY", "model.classes", "3")))
        .containsExactly(
            "model.classes: 3 classes, but model.task is BINARY, whose classes are 0 and 1; remove"
                + " it or use CLASSIFICATION");
    assertThat(problemsOf(required("model.updater", "SGD", "model.updater.beta1", "0.8")))
        .containsExactly(
            "model.updater.beta1: only used by the updaters ADAM, ADAMW, ADAMAX, NADAM, AMSGRAD,"
                + " but model.updater is SGD");
    assertThat(problemsOf(required("model.learning-rate.schedule", "STEP")))
        .containsExactly(
            "model.learning-rate.decay-rate: required when model.learning-rate.schedule is STEP",
            "model.learning-rate.steps: required when model.learning-rate.schedule is STEP");
    assertThat(problemsOf(required("model.learning-rate.power", "2")))
        .containsExactly(
            "model.learning-rate.power: only used by the schedules INVERSE, POLY, but"
                + " model.learning-rate.schedule is NONE");
    assertThat(
            problemsOf(
                required(
                    "model.updater", "ADADELTA",
                    "model.learning-rate.schedule", "EXPONENTIAL",
                    "model.learning-rate.decay-rate", "0.9")))
        .containsExactly(
            "model.learning-rate.schedule: EXPONENTIAL schedules a learning rate, but ADADELTA has"
                + " none; use NONE");
    assertThat(
            problemsOf(
                required(
                    "model.learning-rate.schedule", "CYCLIC",
                    "model.learning-rate.steps", "10",
                    "model.learning-rate.max", "0.001")))
        .containsExactly(
            "model.learning-rate.max: 0.001 must be above model.learning-rate (0.01), where a"
                + " CYCLIC schedule starts and ends each cycle");
    assertThat(problemsOf(required("model.gradient-normalization.threshold", "2")))
        .containsExactly(
            "model.gradient-normalization.threshold: only used by the Clip* modes of"
                + " model.gradient-normalization, but it is None");
  }

  @Test
  void valuesOutOfRangeAreRefusedBeforeTheNetworkIsBuilt() {
    assertThat(problemsOf(required("model.dropout", "1")))
        .containsExactly("model.dropout: 1 is out of range, must be >= 0.0 and < 1.0");
    assertThat(problemsOf(required("model.updater.beta2", "1.5")))
        .containsExactly("model.updater.beta2: 1.5 is out of range, must be >= 0.0 and < 1.0");
    assertThat(
            problemsOf(
                required(
                    "model.learning-rate.schedule", "WARMUP", "model.learning-rate.steps", "0")))
        .containsExactly("model.learning-rate.steps: 0 is out of range, must be >= 1");
  }

  private static void putIfGiven(Map<String, String> flat, String key, String value) {
    if (value != null) {
      flat.put(key, value);
    }
  }

  private static Object outputLoss(Map<String, String> flat) {
    return ((org.deeplearning4j.nn.conf.layers.OutputLayer) conf(flat).getConf(1).getLayer())
        .getLossFn();
  }

  private static IUpdater updater(Map<String, String> flat) {
    return ((BaseLayer) conf(flat).getConf(0).getLayer()).getIUpdater();
  }

  private static MultiLayerConfiguration conf(Map<String, String> flat) {
    return StreamlearnConfig.fromMap(flat).modelConfiguration();
  }

  private static double learningRate(MultiLayerNetwork network, int iteration) {
    IUpdater updater = ((BaseLayer) network.getLayer(0).conf().getLayer()).getIUpdater();
    return updater.getLearningRate(iteration, 0);
  }

  /** A network of the configuration after {@code steps} gradient steps on random data. */
  private static MultiLayerNetwork trained(MultiLayerConfiguration conf, int steps) {
    MultiLayerNetwork network = new MultiLayerNetwork(conf);
    network.init();
    INDArray features = Nd4j.rand(DataType.FLOAT, 8, 16);
    INDArray labels = Nd4j.zeros(DataType.FLOAT, 8, network.layerSize(network.getnLayers() - 1));
    for (int row = 0; row < 8; row++) {
      labels.putScalar(row, row % labels.columns(), 1);
    }
    for (int step = 0; step < steps; step++) {
      network.fit(features, labels);
    }
    return network;
  }

  /** The network written as Streamlearn publishes it and read back by plain DL4J. */
  private static MultiLayerNetwork reloaded(MultiLayerNetwork network) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ModelSerializer.writeModel(network, bytes, true);
    return ModelSerializer.restoreMultiLayerNetwork(
        new ByteArrayInputStream(bytes.toByteArray()), true);
  }
}
