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
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The plain-Java scoring pass gives what DL4J's {@code MultiLayerNetwork.output} gives for each
 * key, to float rounding: for every activation the fused network takes, as a hidden layer's and as
 * the output layer's, and for one that has no plain form (DL4J's object then runs).
 */
class PlainForwardTest {

  private static final int KEYS = 5;
  private static final int ROWS = 3;
  private static final int FEATURES = 6;
  private static final float TOLERANCE = 1e-6f;

  static Stream<IActivation> activations() {
    return Stream.concat(
        Stream.of(
                Activation.IDENTITY,
                Activation.RELU,
                Activation.RELU6,
                Activation.LEAKYRELU,
                Activation.ELU,
                Activation.SELU,
                Activation.TANH,
                Activation.SIGMOID,
                Activation.HARDSIGMOID,
                Activation.HARDTANH,
                Activation.SOFTPLUS,
                Activation.SOFTSIGN,
                Activation.SWISH,
                Activation.SOFTMAX)
            .map(Activation::getActivationFunction),
        Stream.of(new ActivationLReLU(0.3), new ActivationELU(0.5)));
  }

  @ParameterizedTest
  @MethodSource("activations")
  void scoresAsDl4jDoesForEveryActivation(IActivation activation) {
    assertThat(RowActivation.of(activation)).as("a plain form of " + activation).isNotNull();
    // Softmax is fused only as the output layer's activation.
    IActivation hidden =
        activation.equals(Activation.SOFTMAX.getActivationFunction())
            ? Activation.TANH.getActivationFunction()
            : activation;
    assertScoresAsDl4j(hidden, activation, DataType.FLOAT);
  }

  @Test
  void scoresWithDl4jsObjectWhenAnActivationHasNoPlainForm() {
    IActivation capped = new ActivationReLU(1.5, 0.25, 0.1);
    assertThat(RowActivation.of(capped)).isNull();
    assertScoresAsDl4j(capped, capped, DataType.FLOAT);
  }

  @Test
  void scoresDoubleNetworksAsDl4jDoes() {
    IActivation tanh = Activation.TANH.getActivationFunction();
    assertScoresAsDl4j(tanh, tanh, DataType.DOUBLE);
  }

  /** Keys with their own random parameters, scored together, each as DL4J scores it alone. */
  private static void assertScoresAsDl4j(IActivation hidden, IActivation output, DataType type) {
    MultiLayerConfiguration configuration =
        new NeuralNetConfiguration.Builder()
            .seed(3)
            .dataType(type)
            .weightInit(WeightInit.XAVIER)
            .updater(new Sgd(0.1))
            .list()
            .layer(new DenseLayer.Builder().nIn(FEATURES).nOut(9).activation(hidden).build())
            .layer(new DenseLayer.Builder().nIn(9).nOut(4).activation(hidden).build())
            .layer(
                new OutputLayer.Builder(LossFunction.MSE).nIn(4).nOut(3).activation(output).build())
            .build();
    FusedNetwork fused = FusedNetwork.of(configuration);
    Random random = new Random(11);
    int parameterCount = Math.toIntExact(fused.parameterCount());
    double[] parameters = new double[KEYS * parameterCount];
    float[] features = new float[KEYS * ROWS * FEATURES];
    for (int i = 0; i < parameters.length; i++) {
      // Of the size Xavier's initialization gives these layers: DL4J's float sums then round
      // about as a trained network's do.
      parameters[i] = 0.4 * random.nextGaussian();
    }
    for (int i = 0; i < features.length; i++) {
      features[i] = (float) random.nextGaussian();
    }

    float[][] scores = fused.predict(parameters, features, ROWS);

    assertThat(scores).hasNumberOfRows(KEYS * ROWS);
    for (int key = 0; key < KEYS; key++) {
      MultiLayerNetwork network = new MultiLayerNetwork(configuration.clone());
      network.init();
      double[] own = new double[parameterCount];
      System.arraycopy(parameters, key * parameterCount, own, 0, parameterCount);
      network.setParams(Nd4j.createFromArray(own).castTo(type).reshape(1, parameterCount));
      float[] rows = new float[ROWS * FEATURES];
      System.arraycopy(features, key * ROWS * FEATURES, rows, 0, rows.length);
      INDArray input = Nd4j.createFromArray(rows).castTo(type).reshape(ROWS, FEATURES);
      float[][] expectedRows = network.output(input, false).castTo(DataType.FLOAT).toFloatMatrix();
      for (int row = 0; row < ROWS; row++) {
        for (int column = 0; column < expectedRows[row].length; column++) {
          float want = expectedRows[row][column];
          assertThat(scores[key * ROWS + row][column])
              .as("%s, %s: key %d, row %d, output %d", hidden, output, key, row, column)
              .isCloseTo(want, within(TOLERANCE * Math.max(1, Math.abs(want))));
        }
      }
    }
  }
}
