package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.Problems.quote;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_CLASSES;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_HIDDEN_LAYERS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_LAYERS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_LOSS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_OUTPUTS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_TASK;

import java.util.List;
import org.apache.flink.configuration.Configuration;

/**
 * Combinations of the network keys that cannot be meant: two descriptions of the hidden layers, a
 * regression loss on a classification task, a class count other than 2 for a binary task, several
 * outputs for a task that is not a regression.
 */
final class ModelSpecRules {

  private ModelSpecRules() {}

  static void check(Configuration values, Problems problems) {
    if (values.contains(MODEL_LAYERS) && values.contains(MODEL_HIDDEN_LAYERS)) {
      problems.add(
          MODEL_HIDDEN_LAYERS,
          "cannot be set together with "
              + MODEL_LAYERS.key()
              + ", which lists every layer; remove one of the two");
    }
    if (problems.concernAny(List.of(MODEL_TASK, MODEL_LOSS, MODEL_CLASSES, MODEL_OUTPUTS))) {
      return;
    }
    Task task = values.get(MODEL_TASK);
    if (values.contains(MODEL_LOSS) && task != Task.REGRESSION) {
      problems.add(
          MODEL_LOSS,
          quote(values.get(MODEL_LOSS).name())
              + " is a regression loss, but "
              + MODEL_TASK.key()
              + " is "
              + task
              + ", which takes the loss its output needs; remove it or set the task to"
              + " REGRESSION");
    }
    if (task == Task.BINARY && values.get(MODEL_CLASSES) != 2) {
      problems.add(
          MODEL_CLASSES,
          values.get(MODEL_CLASSES)
              + " classes, but "
              + MODEL_TASK.key()
              + " is BINARY, whose classes are 0 and 1; remove it or use CLASSIFICATION");
    }
    if (task != Task.REGRESSION && values.get(MODEL_OUTPUTS) != 1) {
      problems.add(
          MODEL_OUTPUTS,
          values.get(MODEL_OUTPUTS)
              + " outputs, but "
              + MODEL_TASK.key()
              + " is "
              + task
              + ", whose outputs are its classes (model.classes); remove it or set the task to"
              + " REGRESSION");
    }
  }
}
