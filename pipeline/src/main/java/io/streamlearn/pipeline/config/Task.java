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
  /** One real number: identity output, model.loss (mean squared error by default). */
  REGRESSION
}
