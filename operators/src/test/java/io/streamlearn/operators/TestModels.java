package io.streamlearn.operators;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
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
    return classifier(updater, 8);
  }

  /** Two features, {@code hidden} tanh units, softmax over two classes. */
  static MultiLayerConfiguration classifier(IUpdater updater, int hidden) {
    return network(
        updater, hidden, Activation.TANH, LossFunctions.LossFunction.MCXENT, 2, Activation.SOFTMAX);
  }

  /**
   * Two features into two tanh branches of 4 units whose outputs are concatenated, then softmax
   * over two classes: a graph, as Keras functional models are, that no layer stack describes.
   */
  static ComputationGraphConfiguration graphClassifier(IUpdater updater) {
    return new NeuralNetConfiguration.Builder()
        .seed(7)
        .dataType(DataType.FLOAT)
        .weightInit(WeightInit.XAVIER)
        .updater(updater)
        .graphBuilder()
        .addInputs("features")
        .addLayer(
            "left",
            new DenseLayer.Builder().nIn(2).nOut(4).activation(Activation.TANH).build(),
            "features")
        .addLayer(
            "right",
            new DenseLayer.Builder().nIn(2).nOut(4).activation(Activation.RELU).build(),
            "features")
        .addVertex("both", new MergeVertex(), "left", "right")
        .addLayer(
            "scores",
            new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nIn(8)
                .nOut(2)
                .activation(Activation.SOFTMAX)
                .build(),
            "both")
        .setOutputs("scores")
        .build();
  }

  /** Two features, 8 tanh units, one sigmoid output with binary cross-entropy. */
  static MultiLayerConfiguration binaryClassifier(IUpdater updater) {
    return network(
        updater, 8, Activation.TANH, LossFunctions.LossFunction.XENT, 1, Activation.SIGMOID);
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
