package io.streamlearn.operators;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Small networks of two features for the trainer tests, seeded so that every run starts alike. */
final class TestModels {

  private TestModels() {}

  /** A model of the configuration for two features and two classes, one step per batch. */
  static KeyModel keyModel(String configurationJson) {
    return KeyModels.create(configurationJson, ModelShape.classification(2, 2), 1);
  }

  /** Two features, 8 tanh units, softmax over two classes. */
  static MultiLayerConfiguration classifier(IUpdater updater) {
    return network(
        updater, 8, Activation.TANH, LossFunctions.LossFunction.MCXENT, 2, Activation.SOFTMAX);
  }

  /** Two features, 4 linear units, one linear output with squared error. */
  static MultiLayerConfiguration linearRegression(IUpdater updater) {
    return network(
        updater, 4, Activation.IDENTITY, LossFunctions.LossFunction.MSE, 1, Activation.IDENTITY);
  }

  private static MultiLayerConfiguration network(
      IUpdater updater,
      int hidden,
      Activation hiddenActivation,
      LossFunctions.LossFunction loss,
      int outputs,
      Activation outputActivation) {
    return new NeuralNetConfiguration.Builder()
        .seed(7)
        .dataType(DataType.FLOAT)
        .weightInit(WeightInit.XAVIER)
        .updater(updater)
        .list()
        .layer(new DenseLayer.Builder().nIn(2).nOut(hidden).activation(hiddenActivation).build())
        .layer(
            new OutputLayer.Builder(loss)
                .nIn(hidden)
                .nOut(outputs)
                .activation(outputActivation)
                .build())
        .build();
  }
}
