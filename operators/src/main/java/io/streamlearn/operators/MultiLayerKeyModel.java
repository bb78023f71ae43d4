package io.streamlearn.operators;

import io.streamlearn.schemas.ModelFormat;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Keys' models as one {@link MultiLayerNetwork} (a stack of layers), swapped per key. */
final class MultiLayerKeyModel extends Dl4jKeyModel {

  private final MultiLayerNetwork network;

  MultiLayerKeyModel(String configurationJson, ModelShape shape, int stepsPerBatch) {
    this(initialized(configurationJson), configurationJson, shape, stepsPerBatch);
  }

  /** Keys start from {@code network}'s parameters. */
  MultiLayerKeyModel(MultiLayerNetwork network, ModelShape shape, int stepsPerBatch) {
    this(network, network.getLayerWiseConfigurations().toJson(), shape, stepsPerBatch);
  }

  private MultiLayerKeyModel(
      MultiLayerNetwork network, String configurationJson, ModelShape shape, int stepsPerBatch) {
    super(configurationJson, shape, stepsPerBatch);
    this.network = network;
    initialized();
  }

  private static MultiLayerNetwork initialized(String configurationJson) {
    MultiLayerNetwork network =
        new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configurationJson));
    network.init();
    return network;
  }

  @Override
  Model model() {
    return network;
  }

  @Override
  Layer[] layers() {
    return network.getLayers();
  }

  @Override
  INDArray updaterState() {
    return network.getUpdater(true).getStateViewArray();
  }

  @Override
  void setUpdaterState(INDArray state) {
    network.getUpdater(true).setStateViewArray(network, state, false);
  }

  @Override
  void rebuildUpdater() {
    network.setUpdater(null);
  }

  @Override
  int iterationCount() {
    return network.getIterationCount();
  }

  @Override
  int epochCount() {
    return network.getEpochCount();
  }

  @Override
  void setIterationCount(int iterations) {
    network.setIterationCount(iterations);
  }

  @Override
  INDArray output(INDArray features) {
    return network.output(features, false);
  }

  @Override
  void fit(INDArray features, INDArray labels) {
    network.fit(features, labels);
  }

  @Override
  public ModelFormat format() {
    return ModelFormat.DL4J_MODEL_SERIALIZER_ZIP;
  }
}
