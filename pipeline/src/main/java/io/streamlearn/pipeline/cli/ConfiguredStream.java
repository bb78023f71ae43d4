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
 * else the one that suits the model's input and task. A regression gets friedman with the model's
 * outputs; a multi-label model gets multilabel; a sequence input gets recall when the network has a
 * recurrent layer and motif when it has not; a vector classifier gets hyperplane for 2 classes and
 * rbf for more. Either way the stream's samples must have the model's shape: its feature and class
 * counts, label sets for a multi-label model, its number of regression targets.
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
    Shape model =
        new Shape(
            input.features(),
            task == Task.REGRESSION ? 0 : config.get(MODEL_CLASSES),
            task == Task.MULTI_LABEL,
            task == Task.REGRESSION ? config.get(MODEL_OUTPUTS) : 0);
    StandardStream kind = options.kind != null ? options.kind : suiting(config, input, task);
    SampleStream stream =
        kind.create(
            options.settings(
                input.features(),
                input.kind() == InputShape.Kind.SEQUENCE ? input.timesteps() : options.timesteps,
                input.kind() == InputShape.Kind.SEQUENCE ? input.channels() : options.channels,
                model.classes() == 0 ? options.classes : model.classes(),
                model.outputs() == 0 ? options.outputs : model.outputs()));
    Shape generated =
        new Shape(stream.features(), stream.classes(), stream.multiLabel(), stream.outputs());
    // Samples of another shape, or another kind of ground truth, would all be dead-lettered, and
    // the demo would wait forever for its first prediction.
    if (!generated.equals(model)) {
      throw new IllegalArgumentException(
          "the " + name(kind) + " stream has " + generated + ", but the model takes " + model);
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
    if (task == Task.REGRESSION || task == Task.MULTI_LABEL) {
      StandardStream vector =
          task == Task.REGRESSION ? StandardStream.FRIEDMAN : StandardStream.MULTILABEL;
      if (input.kind() != InputShape.Kind.VECTOR) {
        throw new IllegalArgumentException(
            "no generated stream suits a "
                + task
                + " model on "
                + input
                + ": "
                + name(vector)
                + " is a vector");
      }
      return vector;
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

  /**
   * What a stream's samples are and what a model takes, as far as they must agree.
   *
   * @param classes 0 for a regression
   * @param outputs regression targets; 0 for a classifier
   */
  private record Shape(int features, int classes, boolean multiLabel, int outputs) {
    @Override
    public String toString() {
      String truth;
      if (classes == 0) {
        truth = outputs == 1 ? "a regression target" : outputs + " regression targets";
      } else {
        truth = (multiLabel ? "label sets of " : "") + classes + " classes";
      }
      return features + " features and " + truth;
    }
  }

  private static String name(StandardStream kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }
}
