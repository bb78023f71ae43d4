package io.streamlearn.operators.fused;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The plain-Java loss and gradient are DL4J's: for every activation the fused network takes as a
 * hidden layer's, and for every output activation and loss with a plain form, each key's gradient
 * (summed over its rows, before the updater) and its mean loss agree with what {@code
 * MultiLayerNetwork.computeGradientAndScore} gives for that key alone, in double precision.
 */
class PlainBackwardTest {

  private static final int KEYS = 4;
  private static final int ROWS = 5;
  private static final int FEATURES = 6;

  /**
   * Relative. Wider than double's rounding: differences up to 3e-7 were seen with the hard sigmoid
   * and binary cross-entropy (which divides by o (1 - o)), 1e-9 with leaky ReLUs; where in DL4J
   * they come from (constants held in float, perhaps) was not traced.
   */
  private static final double TOLERANCE = 1e-6;

  /** Every activation the plain forward pass has, but softmax, which is fused only as output. */
  static Stream<IActivation> hiddenActivations() {
    return PlainForwardTest.activations()
        .filter(activation -> !(activation instanceof ActivationSoftmax));
  }

  @ParameterizedTest
  @MethodSource("hiddenActivations")
  void backpropagatesThroughEveryHiddenActivationAsDl4jDoes(IActivation hidden) {
    assertLossAndGradientAsDl4j(hidden, Activation.IDENTITY, LossFunction.MSE);
  }

  static Stream<Arguments> outputs() {
    return Stream.of(
        Arguments.of(Activation.SOFTMAX, LossFunction.MCXENT),
        Arguments.of(Activation.SOFTMAX, LossFunction.NEGATIVELOGLIKELIHOOD),
        Arguments.of(Activation.SIGMOID, LossFunction.XENT),
        Arguments.of(Activation.HARDSIGMOID, LossFunction.XENT),
        Arguments.of(Activation.IDENTITY, LossFunction.MSE),
        Arguments.of(Activation.TANH, LossFunction.MSE),
        Arguments.of(Activation.SOFTMAX, LossFunction.MSE));
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("outputs")
  void computesEveryPlainOutputLossAsDl4jDoes(Activation output, LossFunction loss) {
    assertLossAndGradientAsDl4j(Activation.TANH.getActivationFunction(), output, loss);
  }

  @Test
  void hasNoPlainFormWhereALossOrAnActivationLacksOne() {
    IActivation tanh = Activation.TANH.getActivationFunction();
    assertThat(backward(network(tanh, Activation.SIGMOID, LossFunction.MCXENT))).isNull();
    assertThat(backward(network(tanh, Activation.SOFTMAX, LossFunction.XENT))).isNull();
    assertThat(
            backward(
                network(new ActivationReLU(1.5, 0.25, 0.1), Activation.IDENTITY, LossFunction.MSE)))
        .isNull();
    assertThat(backward(network(tanh, Activation.SOFTMAX, LossFunction.MCXENT))).isNotNull();
  }

  private static PlainBackward backward(MultiLayerConfiguration configuration) {
    return FusedNetwork.of(configuration).backward();
  }

  private static MultiLayerConfiguration network(
      IActivation hidden, Activation output, LossFunction loss) {
    return new NeuralNetConfiguration.Builder()
        .seed(3)
        .dataType(DataType.DOUBLE)
        .updater(new Sgd(0.1))
        .list()
        .layer(new DenseLayer.Builder().nIn(FEATURES).nOut(9).activation(hidden).build())
        .layer(new DenseLayer.Builder().nIn(9).nOut(4).activation(hidden).build())
        .layer(new OutputLayer.Builder(loss).nIn(4).nOut(3).activation(output).build())
        // Pairs DL4J warns against are built too, to show they stay off the plain path.
        .validateOutputLayerConfig(false)
        .build();
  }

  /** Keys with their own random parameters and rows, together, each as DL4J computes it alone. */
  private static void assertLossAndGradientAsDl4j(
      IActivation hidden, Activation output, LossFunction loss) {
    MultiLayerConfiguration configuration = network(hidden, output, loss);
    PlainBackward backward = backward(configuration);
    assertThat(backward).as("a plain backward pass").isNotNull();
    Random random = new Random(5);
    int parameterCount = Math.toIntExact(FusedNetwork.of(configuration).parameterCount());
    int outputs = 3;
    double[] parameters = gaussian(random, KEYS * parameterCount, 0.4);
    double[] features = gaussian(random, KEYS * ROWS * FEATURES, 1);
    double[] labels = new double[KEYS * ROWS * outputs];
    for (int row = 0; row < KEYS * ROWS; row++) {
      for (int column = 0; column < outputs; column++) {
        // One-hot for the classifiers, in (0, 1) for the others.
        labels[row * outputs + column] =
            output == Activation.SOFTMAX && loss != LossFunction.MSE
                ? (column == row % outputs ? 1 : 0)
                : random.nextDouble();
      }
    }
    double[] gradient = new double[parameters.length];

    double[] losses = backward.lossAndGradient(parameters, features, labels, ROWS, gradient);

    for (int key = 0; key < KEYS; key++) {
      MultiLayerNetwork network = new MultiLayerNetwork(configuration.clone());
      network.init();
      network.setParams(
          Nd4j.createFromArray(slice(parameters, key, parameterCount)).reshape(1, -1));
      network.setInput(
          Nd4j.createFromArray(slice(features, key, ROWS * FEATURES)).reshape(ROWS, FEATURES));
      network.setLabels(
          Nd4j.createFromArray(slice(labels, key, ROWS * outputs)).reshape(ROWS, outputs));
      network.computeGradientAndScore();
      double[] expected = network.gradient().gradient().dup().ravel().toDoubleVector();
      double[] actual = slice(gradient, key, parameterCount);
      for (int i = 0; i < parameterCount; i++) {
        assertThat(actual[i])
            .as("%s, %s, %s: key %d, gradient %d", hidden, output, loss, key, i)
            .isCloseTo(expected[i], within(TOLERANCE * Math.max(1, Math.abs(expected[i]))));
      }
      assertThat(losses[key])
          .as("%s, %s, %s: loss of key %d", hidden, output, loss, key)
          .isCloseTo(network.score(), within(TOLERANCE * Math.max(1, network.score())));
    }
  }

  private static double[] gaussian(Random random, int length, double scale) {
    double[] values = new double[length];
    for (int i = 0; i < length; i++) {
      values[i] = scale * random.nextGaussian();
    }
    return values;
  }

  private static double[] slice(double[] values, int key, int length) {
    double[] slice = new double[length];
    System.arraycopy(values, key * length, slice, 0, length);
    return slice;
  }
}
