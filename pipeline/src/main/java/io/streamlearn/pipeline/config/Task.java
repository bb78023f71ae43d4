package io.streamlearn.pipeline.config;

/** What the model predicts: the value of {@link StreamlearnOptions#MODEL_TASK}. */
public enum Task {
  /** One of {@code model.classes} labels: softmax output, cross-entropy loss. */
  CLASSIFICATION,
  /**
   * Label 0 or 1: one sigmoid output, binary cross-entropy loss. Predictions carry the two class
   * probabilities, 1 - p and p.
   */
  BINARY,
  /**
   * Any subset of {@code model.classes} classes: one sigmoid output per class, binary cross-entropy
   * loss. Samples carry the classes that hold in {@code labels}.
   */
  MULTI_LABEL,
  /**
   * {@code model.outputs} real numbers: identity outputs, model.loss (mean squared error by
   * default). Samples carry one {@code target}, or one per output in {@code targets}.
   */
  REGRESSION
}
