package io.streamlearn.pipeline.cli;

import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_CLASSES;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_OUTPUTS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_TASK;

import io.streamlearn.operators.InputShape;
import io.streamlearn.operators.KeyModels;
import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.pipeline.config.Task;
import io.streamlearn.pipeline.generate.SampleStream;
import io.streamlearn.pipeline.generate.StandardStream;
import java.util.Locale;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;

/**
 * The generated stream {@code demo --config} trains a configuration on: the one --stream names, or
 * else the one that suits the model's input and task. A regression gets friedman; a sequence input
 * gets recall when the network has a recurrent layer and motif when it has not; a vector classifier
 * gets hyperplane for 2 classes and rbf for more. Either way the stream's samples must have the
 * model's feature and class counts.
 */
final class ConfiguredStream {

  private ConfiguredStream() {}

  /**
   * @throws IllegalArgumentException when no generated stream suits the configuration, or the one
   *     asked for does not
   */
  static SampleStream of(StreamlearnConfig config, GeneratorOptions options) {
    InputShape input = config.inputShape();
    Task task = config.get(MODEL_TASK);
    int classes = task == Task.REGRESSION ? 0 : config.get(MODEL_CLASSES);
    StandardStream kind = options.kind != null ? options.kind : suiting(config, input, task);
    SampleStream stream =
        kind.create(
            options.settings(
                input.features(),
                input.kind() == InputShape.Kind.SEQUENCE ? input.timesteps() : options.timesteps,
                input.kind() == InputShape.Kind.SEQUENCE ? input.channels() : options.channels,
                classes == 0 ? options.classes : classes));
    if (stream.features() != input.features() || stream.classes() != classes) {
      throw new IllegalArgumentException(
          "the "
              + name(kind)
              + " stream has "
              + describe(stream.features(), stream.classes())
              + ", but the model takes "
              + describe(input.features(), classes));
    }
    return stream;
  }

  private static StandardStream suiting(StreamlearnConfig config, InputShape input, Task task) {
    if (input.kind() == InputShape.Kind.GRID) {
      throw new IllegalArgumentException(
          "no generated stream suits a grid input ("
              + input
              + "): train it on your own samples with run --config and produce --csv");
    }
    // The generators give each sample one class or one target; a demo of these tasks would
    // dead-letter every sample and never see a prediction.
    if (task == Task.MULTI_LABEL) {
      throw new IllegalArgumentException(
          "no generated stream has label sets (model.task MULTI_LABEL): train it on your own"
              + " samples with run --config");
    }
    if (task == Task.REGRESSION && config.get(MODEL_OUTPUTS) > 1) {
      throw new IllegalArgumentException(
          "no generated stream has several targets (model.outputs "
              + config.get(MODEL_OUTPUTS)
              + "): train it on your own samples with run --config");
    }
    if (task == Task.REGRESSION) {
      if (input.kind() != InputShape.Kind.VECTOR) {
        throw new IllegalArgumentException(
            "no generated stream suits a regression on " + input + ": friedman is a vector");
      }
      return StandardStream.FRIEDMAN;
    }
    if (input.kind() == InputShape.Kind.SEQUENCE) {
      return recurrent(config) ? StandardStream.RECALL : StandardStream.MOTIF;
    }
    return config.get(MODEL_CLASSES) == 2 ? StandardStream.HYPERPLANE : StandardStream.RBF;
  }

  /** Whether a layer of the network is recurrent; a ComputationGraph's layers are not looked at. */
  private static boolean recurrent(StreamlearnConfig config) {
    if (KeyModels.isGraph(config.modelConfigurationJson())) {
      return false;
    }
    for (NeuralNetConfiguration layerConf : config.modelConfiguration().getConfs()) {
      Layer layer = layerConf.getLayer();
      if (layer instanceof BaseRecurrentLayer
          || layer instanceof LastTimeStep
          || layer instanceof Bidirectional) {
        return true;
      }
    }
    return false;
  }

  private static String describe(int features, int classes) {
    return features
        + " features and "
        + (classes == 0 ? "a regression target" : classes + " classes");
  }

  private static String name(StandardStream kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }
}
