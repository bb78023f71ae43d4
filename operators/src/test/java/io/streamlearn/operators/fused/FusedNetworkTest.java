package io.streamlearn.operators.fused;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.learning.config.AdaMax;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The fused core trains each key's model as plain DL4J does: the same keys, from the same states,
 * on the same batches, through {@link FusedNetwork#step} and through one {@code
 * MultiLayerNetwork.fit} per key, end with the same parameters, updater state and predictions.
 *
 * <p>The comparisons run in double precision. In float, the batched and the per-key matrix products
 * sum in different orders depending on the CPU's BLAS kernel, and a thousand steps of Adam amplify
 * those last-bit differences: with {@code OPENBLAS_CORETYPE=SkylakeX} one key of the "Adam with L2"
 * case ends 11% apart in one weight while the default kernel on an AVX-512 Xeon agrees to 1e-4.
 * Double precision leaves such rounding far below the tolerance, so any difference these tests find
 * is a difference in arithmetic. A short float run covers the precision the pipeline trains in.
 */
class FusedNetworkTest {

  private static final int KEYS = 3;
  private static final int BATCH = 16;
  private static final int STEPS = 1_000;

  /**
   * Steps of most comparisons: arithmetic that differs from DL4J's shows within a few steps. One,
   * Adam with L2, runs the full {@link #STEPS}, the case where float rounding once drifted apart.
   */
  private static final int SHORT_STEPS = 250;

  /** Float rounding stays below the tolerance for this many steps on every BLAS kernel tried. */
  private static final int FLOAT_STEPS = 50;

  private static final int FEATURES = 10;

  /** A parameter agrees when it is within this of DL4J's, relative to the larger magnitude. */
  private static final double RELATIVE = 1e-4;

  /** Below this magnitude the difference is compared absolutely (float rounding near zero). */
  private static final double ABSOLUTE = 1e-5;

  static Stream<Arguments> updaters() {
    return Stream.of(
        Arguments.of("Sgd", new Sgd(0.05), UnaryOperator.identity(), SHORT_STEPS),
        Arguments.of("Sgd with L2", new Sgd(0.05), l2(1e-3), SHORT_STEPS),
        Arguments.of("Nesterovs", new Nesterovs(0.02, 0.9), UnaryOperator.identity(), SHORT_STEPS),
        Arguments.of("Adam", new Adam(0.005), UnaryOperator.identity(), SHORT_STEPS),
        Arguments.of("Adam with L2", new Adam(0.005), l2(1e-3), STEPS),
        Arguments.of(
            "AdamW (Adam with weight decay)", new Adam(0.005), weightDecay(1e-2), SHORT_STEPS),
        Arguments.of("RmsProp", new RmsProp(0.005), UnaryOperator.identity(), SHORT_STEPS),
        Arguments.of("AdaGrad", new AdaGrad(0.05), l2(1e-4), SHORT_STEPS));
  }

  @ParameterizedTest(name = "{0}, {3} steps")
  @MethodSource("updaters")
  void softmaxClassifierTrainsAsDl4jDoes(
      String name,
      IUpdater updater,
      UnaryOperator<NeuralNetConfiguration.Builder> regularized,
      int steps) {
    MultiLayerConfiguration configuration =
        regularized
            .apply(base(updater))
            .list()
            .layer(dense(FEATURES, 32, Activation.RELU))
            .layer(output(LossFunction.MCXENT, 32, 2, Activation.SOFTMAX))
            .build();
    assertTrainsAsDl4j(configuration, Task.CLASSES, steps);
  }

  @Test
  void floatNetworksTrainAsDl4jDoesOverAShortRun() {
    MultiLayerConfiguration configuration =
        base(new Adam(0.005), DataType.FLOAT)
            .l2(1e-3)
            .list()
            .layer(dense(FEATURES, 32, Activation.RELU))
            .layer(output(LossFunction.MCXENT, 32, 2, Activation.SOFTMAX))
            .build();
    assertTrainsAsDl4j(configuration, Task.CLASSES, FLOAT_STEPS);
  }

  @Test
  void aFloatNetworksLossBeyondFloatsRangeIsNotFiniteOnEitherPath() {
    // Outputs of 4e20 are floats; their squared error, 1.6e41, is not.
    assertAFloatLinearRegressionsStepIsNotFinite(1e20f, 1);
  }

  @Test
  void aFloatNetworksStepBeyondFloatsRangeIsNotFiniteOnEitherPath() {
    // Outputs of 4 * 1e37 * 100 overflow float, not double.
    assertAFloatLinearRegressionsStepIsNotFinite(1e37f, 100);
  }

  /**
   * A float linear regression of 4 inputs, every parameter {@code parameter} and every feature
   * {@code feature}, steps to a score that is not finite in plain Java and with batched ND4J.
   */
  private static void assertAFloatLinearRegressionsStepIsNotFinite(float parameter, float feature) {
    MultiLayerConfiguration configuration =
        base(new Sgd(10), DataType.FLOAT)
            .list()
            .layer(output(LossFunction.MSE, 4, 1, Activation.IDENTITY))
            .build();
    for (long plainWorkLimit : new long[] {FusedNetwork.PLAIN_WORK_LIMIT, 0}) {
      FusedNetwork fused = FusedNetwork.of(configuration, plainWorkLimit);
      assertThat(fused.stepsInPlainJava(BATCH)).isEqualTo(plainWorkLimit > 0);
      double[] parameters = new double[Math.toIntExact(fused.parameterCount())];
      Arrays.fill(parameters, parameter);
      float[] features = new float[BATCH * 4];
      Arrays.fill(features, feature);

      double[] scores =
          fused.step(
              parameters, null, new int[1], new double[] {1}, features, new float[BATCH], BATCH);

      assertThat(Double.isFinite(scores[0]))
          .as("the score, stepped in plain Java: %s", plainWorkLimit > 0)
          .isFalse();
    }
  }

  @Test
  void sigmoidOutputsWithCrossEntropyTrainAsDl4jDoes() {
    MultiLayerConfiguration configuration =
        base(new Adam(0.005))
            .list()
            .layer(dense(FEATURES, 16, Activation.TANH))
            .layer(dense(16, 8, Activation.LEAKYRELU))
            .layer(output(LossFunction.XENT, 8, 3, Activation.SIGMOID))
            .build();
    assertTrainsAsDl4j(configuration, Task.MULTI_LABEL);
  }

  @Test
  void regressionWithSquaredErrorTrainsAsDl4jDoes() {
    MultiLayerConfiguration configuration =
        base(new Nesterovs(0.01, 0.9))
            .list()
            .layer(dense(FEATURES, 12, Activation.ELU))
            .layer(dense(12, 6, Activation.SIGMOID))
            .layer(output(LossFunction.MSE, 6, 2, Activation.IDENTITY))
            .build();
    assertTrainsAsDl4j(configuration, Task.REGRESSION);
  }

  @Test
  void layersWithTheirOwnUpdatersTrainAsDl4jDoes() {
    // Two updater blocks: DL4J keeps each block's state apart, and so must the fused core.
    MultiLayerConfiguration configuration =
        base(new Adam(0.005))
            .list()
            .layer(dense(FEATURES, 16, Activation.RELU))
            .layer(
                new OutputLayer.Builder(LossFunction.MCXENT)
                    .nIn(16)
                    .nOut(2)
                    .activation(Activation.SOFTMAX)
                    .updater(new RmsProp(0.01))
                    .l2(1e-3)
                    .build())
            .build();
    assertTrainsAsDl4j(configuration, Task.CLASSES);
  }

  @Test
  void namesWhatKeepsANetworkOnThePerKeyPath() {
    assertThat(
            FusedNetwork.notFusableReason(
                base(new Adam(0.01))
                    .list()
                    .layer(dense(FEATURES, 8, Activation.RELU))
                    .layer(output(LossFunction.MCXENT, 8, 2, Activation.SOFTMAX))
                    .build()))
        .isNull();
    assertThat(
            FusedNetwork.notFusableReason(
                base(new AdaMax(0.01))
                    .list()
                    .layer(dense(FEATURES, 8, Activation.RELU))
                    .layer(output(LossFunction.MCXENT, 8, 2, Activation.SOFTMAX))
                    .build()))
        .contains("AdaMax");
    assertThat(
            FusedNetwork.notFusableReason(
                base(new Adam(0.01))
                    .dropOut(0.5)
                    .list()
                    .layer(dense(FEATURES, 8, Activation.RELU))
                    .layer(output(LossFunction.MCXENT, 8, 2, Activation.SOFTMAX))
                    .build()))
        .contains("layer 0")
        .contains("dropout");
    assertThat(
            FusedNetwork.notFusableReason(
                base(new Adam(0.01))
                    .l1(1e-3)
                    .list()
                    .layer(dense(FEATURES, 8, Activation.RELU))
                    .layer(output(LossFunction.MCXENT, 8, 2, Activation.SOFTMAX))
                    .build()))
        .contains("L1Regularization");
    assertThat(
            FusedNetwork.notFusableReason(
                base(new Adam(0.01))
                    .gradientNormalization(GradientNormalization.ClipL2PerLayer)
                    .list()
                    .layer(dense(FEATURES, 8, Activation.RELU))
                    .layer(output(LossFunction.MCXENT, 8, 2, Activation.SOFTMAX))
                    .build()))
        .contains("gradient normalization");
    assertThat(
            FusedNetwork.notFusableReason(
                base(new Adam(0.01))
                    .list()
                    .layer(dense(FEATURES, 8, Activation.RELU))
                    .layer(output(LossFunction.L1, 8, 2, Activation.IDENTITY))
                    .build()))
        .contains("the loss");
    MultiLayerConfiguration recurrent =
        base(new Adam(0.01))
            .list()
            .layer(new LSTM.Builder().nIn(FEATURES).nOut(8).build())
            .layer(
                new RnnOutputLayer.Builder(LossFunction.MCXENT)
                    .nIn(8)
                    .nOut(2)
                    .activation(Activation.SOFTMAX)
                    .build())
            .build();
    assertThat(FusedNetwork.notFusableReason(recurrent)).contains("LSTM");
    assertThatThrownBy(() -> FusedNetwork.of(recurrent))
        .isInstanceOf(NotFusableException.class)
        .hasMessageContaining("only DenseLayer hidden layers");
  }

  /** What the labels of the generated batches are. */
  private enum Task {
    CLASSES,
    MULTI_LABEL,
    REGRESSION
  }

  @Test
  void stepsSmallBatchesInPlainJavaAndWideLayersWithNd4j() {
    FusedNetwork small =
        FusedNetwork.of(
            base(new Adam(0.005))
                .list()
                .layer(dense(FEATURES, 32, Activation.RELU))
                .layer(output(LossFunction.MCXENT, 32, 2, Activation.SOFTMAX))
                .build());
    FusedNetwork wide =
        FusedNetwork.of(
            base(new Adam(0.005))
                .list()
                .layer(dense(FEATURES, 512, Activation.RELU))
                .layer(dense(512, 512, Activation.RELU))
                .layer(output(LossFunction.MCXENT, 512, 2, Activation.SOFTMAX))
                .build());
    FusedNetwork withoutPlainLoss =
        FusedNetwork.of(
            base(new Adam(0.005))
                .list()
                .layer(dense(FEATURES, 32, Activation.RELU))
                .layer(output(LossFunction.MCXENT, 32, 2, Activation.SIGMOID))
                .validateOutputLayerConfig(false)
                .build());

    assertThat(small.stepsInPlainJava(BATCH)).isTrue();
    assertThat(small.stepsInPlainJava(1_000)).isFalse();
    assertThat(wide.stepsInPlainJava(BATCH)).isFalse();
    assertThat(withoutPlainLoss.stepsInPlainJava(1)).isFalse();
  }

  @Test
  void eachKeysLearningRateFactorTrainsAsDl4jWithThatMultipleOfTheRate() {
    // Adam's bias-corrected step and weight decay both apply the learning rate: both must scale.
    IntFunction<MultiLayerConfiguration> withRate =
        factor ->
            base(new Adam(0.002 * factor))
                .weightDecay(1e-2)
                .list()
                .layer(dense(FEATURES, 16, Activation.RELU))
                .layer(output(LossFunction.MCXENT, 16, 2, Activation.SOFTMAX))
                .build();
    double[] factors = new double[KEYS];
    for (int key = 0; key < KEYS; key++) {
      factors[key] = 1 + key;
    }
    assertTrainsAsDl4j(
        withRate.apply(1), key -> withRate.apply(1 + key), factors, Task.CLASSES, SHORT_STEPS);
  }

  private static void assertTrainsAsDl4j(MultiLayerConfiguration configuration, Task task) {
    assertTrainsAsDl4j(configuration, task, SHORT_STEPS);
  }

  private static void assertTrainsAsDl4j(
      MultiLayerConfiguration configuration, Task task, int steps) {
    double[] factors = new double[KEYS];
    Arrays.fill(factors, 1.0);
    assertTrainsAsDl4j(configuration, key -> configuration, factors, task, steps);
  }

  /**
   * Trains key {@code k} through DL4J with {@code dl4jConfiguration.apply(k)} and through the fused
   * core with {@code configuration} and learning-rate factor {@code learningRateFactors[k]}, for
   * {@code steps} batches each: once with the steps in plain Java, once with batched ND4J
   * operations.
   */
  private static void assertTrainsAsDl4j(
      MultiLayerConfiguration configuration,
      IntFunction<MultiLayerConfiguration> dl4jConfiguration,
      double[] learningRateFactors,
      Task task,
      int steps) {
    FusedNetwork plain = FusedNetwork.of(configuration);
    assertThat(plain.stepsInPlainJava(BATCH)).as("steps in plain Java").isTrue();
    assertTrainsAsDl4j(plain, dl4jConfiguration, learningRateFactors, task, steps);
    FusedNetwork batched = FusedNetwork.of(configuration, 0);
    assertThat(batched.stepsInPlainJava(BATCH)).as("steps in plain Java").isFalse();
    assertTrainsAsDl4j(batched, dl4jConfiguration, learningRateFactors, task, steps);
  }

  private static void assertTrainsAsDl4j(
      FusedNetwork fused,
      IntFunction<MultiLayerConfiguration> dl4jConfiguration,
      double[] learningRateFactors,
      Task task,
      int steps) {
    int outputs = fused.outputs();
    Random random = new Random(11);
    List<MultiLayerNetwork> perKey = new ArrayList<>();
    int[] iterations = new int[KEYS];
    for (int key = 0; key < KEYS; key++) {
      // Keys start from different weights, and the first keys have trained a few steps already:
      // their learning rates and Adam's bias correction are at other iterations than the rest.
      MultiLayerNetwork network = new MultiLayerNetwork(dl4jConfiguration.apply(key).clone());
      network.init();
      INDArray offsets = gaussian(random, network.params().shape()).muli(0.1);
      network.setParams(network.params().add(offsets));
      for (int warmUp = 0; warmUp < KEYS - 1 - key; warmUp++) {
        network.fit(batch(random, key, outputs, task));
      }
      iterations[key] = network.getIterationCount();
      perKey.add(network);
    }
    double[] parameters =
        values(Nd4j.vstack(perKey.stream().map(MultiLayerNetwork::params).toList()));
    double[] updaterState =
        fused.updaterStateSize() == 0
            ? null
            : values(
                Nd4j.vstack(
                    perKey.stream().map(FusedNetworkTest::initializedUpdaterState).toList()));
    assertThat(parameters).hasSize(Math.toIntExact(KEYS * fused.parameterCount()));

    double largestScoreDifference = 0;
    for (int step = 0; step < steps; step++) {
      List<DataSet> batches = new ArrayList<>();
      for (int key = 0; key < KEYS; key++) {
        batches.add(batch(random, key, outputs, task));
      }
      double[] scores =
          fused.step(
              parameters,
              updaterState,
              iterations,
              learningRateFactors,
              floats(batches.stream().map(DataSet::getFeatures)),
              floats(batches.stream().map(DataSet::getLabels)),
              BATCH);
      for (int key = 0; key < KEYS; key++) {
        MultiLayerNetwork network = perKey.get(key);
        network.fit(batches.get(key));
        iterations[key]++;
        assertThat(network.getIterationCount()).isEqualTo(iterations[key]);
        largestScoreDifference =
            Math.max(largestScoreDifference, relativeDifference(scores[key], network.score()));
      }
    }

    INDArray probe = gaussian(random, KEYS, BATCH, FEATURES);
    float[][] predictions =
        fused.predict(parameters, probe.dup('c').ravel().toFloatVector(), BATCH);
    int width = Math.toIntExact(fused.parameterCount());
    int stateWidth = Math.toIntExact(fused.updaterStateSize());
    for (int key = 0; key < KEYS; key++) {
      MultiLayerNetwork network = perKey.get(key);
      assertAgree(
          "parameters of key " + key,
          Nd4j.createFromArray(Arrays.copyOfRange(parameters, key * width, (key + 1) * width)),
          network.params());
      if (updaterState != null) {
        assertAgree(
            "updater state of key " + key,
            Nd4j.createFromArray(
                Arrays.copyOfRange(updaterState, key * stateWidth, (key + 1) * stateWidth)),
            network.getUpdater().getStateViewArray());
      }
      assertAgree(
          "predictions of key " + key,
          Nd4j.createFromArray(Arrays.copyOfRange(predictions, key * BATCH, (key + 1) * BATCH)),
          network.output(probe.get(NDArrayIndex.point(key)), false));
    }
    assertThat(largestScoreDifference).as("score").isLessThanOrEqualTo(RELATIVE);
  }

  /** An array's values in c order, as doubles. */
  private static double[] values(INDArray array) {
    return array.dup('c').ravel().toDoubleVector();
  }

  /** Arrays of equal shape, one after another: the values of their stack, in c order. */
  private static float[] floats(Stream<INDArray> arrays) {
    return Nd4j.stack(0, arrays.toArray(INDArray[]::new)).dup('c').ravel().toFloatVector();
  }

  /**
   * The updater state DL4J steps from: a fresh network fills it on its first fit (AdaGrad's history
   * starts at epsilon, not 0); asking each block for its updater does that without a step.
   */
  private static INDArray initializedUpdaterState(MultiLayerNetwork network) {
    ((BaseMultiLayerUpdater<?>) network.getUpdater(true))
        .getUpdaterBlocks()
        .forEach(UpdaterBlock::getGradientUpdater);
    return network.getUpdater().getStateViewArray().dup();
  }

  private static void assertAgree(String what, INDArray fused, INDArray dl4j) {
    float[] actual = fused.dup().ravel().toFloatVector();
    float[] expected = dl4j.dup().ravel().toFloatVector();
    assertThat(actual).as(what).hasSameSizeAs(expected);
    double worst = 0;
    int worstAt = -1;
    for (int i = 0; i < expected.length; i++) {
      double difference = relativeDifference(actual[i], expected[i]);
      if (difference > worst) {
        worst = difference;
        worstAt = i;
      }
    }
    assertThat(worst)
        .as(
            "%s: worst relative difference at %d (fused %s, DL4J %s)",
            what, worstAt, worstAt < 0 ? "" : actual[worstAt], worstAt < 0 ? "" : expected[worstAt])
        .isLessThanOrEqualTo(RELATIVE);
  }

  private static double relativeDifference(double actual, double expected) {
    double scale = Math.max(Math.max(Math.abs(actual), Math.abs(expected)), ABSOLUTE / RELATIVE);
    return Math.abs(actual - expected) / scale;
  }

  /** A batch of key {@code key}'s concept: each key has its own, so keys learn different models. */
  private static DataSet batch(Random random, int key, int outputs, Task task) {
    float[][] features = new float[BATCH][FEATURES];
    float[][] labels = new float[BATCH][outputs];
    for (int row = 0; row < BATCH; row++) {
      for (int column = 0; column < FEATURES; column++) {
        features[row][column] = (float) random.nextGaussian();
      }
      for (int output = 0; output < outputs; output++) {
        float signal =
            features[row][(key + output) % FEATURES] - features[row][(key + 3) % FEATURES];
        labels[row][output] =
            switch (task) {
              case CLASSES -> 0;
              case MULTI_LABEL -> signal > 0 ? 1 : 0;
              case REGRESSION -> 0.5f * signal + 0.1f * key;
            };
      }
      if (task == Task.CLASSES) {
        int label = features[row][key % FEATURES] + features[row][(key + 1) % FEATURES] > 0 ? 1 : 0;
        labels[row][label % outputs] = 1;
      }
    }
    return new DataSet(Nd4j.create(features), Nd4j.create(labels));
  }

  private static INDArray gaussian(Random random, long... shape) {
    float[] values = new float[Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b))];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return Nd4j.create(values, shape, 'c');
  }

  private static NeuralNetConfiguration.Builder base(IUpdater updater) {
    return base(updater, DataType.DOUBLE);
  }

  private static NeuralNetConfiguration.Builder base(IUpdater updater, DataType type) {
    return new NeuralNetConfiguration.Builder()
        .seed(3)
        .dataType(type)
        .weightInit(WeightInit.XAVIER)
        .updater(updater);
  }

  private static DenseLayer dense(int inputs, int outputs, Activation activation) {
    return new DenseLayer.Builder().nIn(inputs).nOut(outputs).activation(activation).build();
  }

  private static OutputLayer output(
      LossFunction loss, int inputs, int outputs, Activation activation) {
    return new OutputLayer.Builder(loss).nIn(inputs).nOut(outputs).activation(activation).build();
  }

  private static UnaryOperator<NeuralNetConfiguration.Builder> l2(double coefficient) {
    return builder -> builder.l2(coefficient);
  }

  private static UnaryOperator<NeuralNetConfiguration.Builder> weightDecay(double coefficient) {
    return builder -> builder.weightDecay(coefficient);
  }
}
