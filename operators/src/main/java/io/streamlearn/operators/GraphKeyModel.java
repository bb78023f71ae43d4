package io.streamlearn.operators;

import io.streamlearn.schemas.ModelFormat;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keys' models as one {@link ComputationGraph} (what DL4J builds for Keras functional models and
 * other graphs of layers), swapped per key. The graph takes the samples as its one input and gives
 * its one output as the scores.
 */
final class GraphKeyModel extends Dl4jKeyModel {

  private final ComputationGraph graph;

  GraphKeyModel(String configurationJson, ModelShape shape, int stepsPerBatch) {
    this(initialized(configurationJson), configurationJson, shape, stepsPerBatch);
  }

  /** Keys start from {@code graph}'s parameters. */
  GraphKeyModel(ComputationGraph graph, ModelShape shape, int stepsPerBatch) {
    this(graph, graph.getConfiguration().toJson(), shape, stepsPerBatch);
  }

  private GraphKeyModel(
      ComputationGraph graph, String configurationJson, ModelShape shape, int stepsPerBatch) {
    super(configurationJson, shape, stepsPerBatch);
    ComputationGraphConfiguration configuration = graph.getConfiguration();
    if (configuration.getNetworkInputs().size() != 1
        || configuration.getNetworkOutputs().size() != 1) {
      throw new IllegalArgumentException(
          "the trainer feeds a graph one input and scores its one output; this graph has "
              + configuration.getNetworkInputs().size()
              + " inputs and "
              + configuration.getNetworkOutputs().size()
              + " outputs");
    }
    this.graph = graph;
    initialized();
  }

  private static ComputationGraph initialized(String configurationJson) {
    ComputationGraph graph =
        new ComputationGraph(ComputationGraphConfiguration.fromJson(configurationJson));
    graph.init();
    return graph;
  }

  @Override
  Model model() {
    return graph;
  }

  @Override
  Layer[] layers() {
    return graph.getLayers();
  }

  @Override
  INDArray updaterState() {
    return graph.getUpdater(true).getStateViewArray();
  }

  @Override
  void setUpdaterState(INDArray state) {
    graph.getUpdater(true).setStateViewArray(state);
  }

  @Override
  void rebuildUpdater() {
    graph.setUpdater(null);
  }

  @Override
  int iterationCount() {
    return graph.getConfiguration().getIterationCount();
  }

  @Override
  int epochCount() {
    return graph.getConfiguration().getEpochCount();
  }

  @Override
  void setIterationCount(int iterations) {
    graph.getConfiguration().setIterationCount(iterations);
  }

  @Override
  INDArray output(INDArray features) {
    return graph.output(false, features)[0];
  }

  @Override
  void fit(INDArray features, INDArray labels) {
    graph.fit(new INDArray[] {features}, new INDArray[] {labels});
  }

  @Override
  public ModelFormat format() {
    return ModelFormat.DL4J_COMPUTATION_GRAPH_ZIP;
  }
}
