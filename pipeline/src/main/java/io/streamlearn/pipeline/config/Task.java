package io.streamlearn.pipeline.config;

/** What the model predicts: the value of {@link StreamlearnOptions#MODEL_TASK}. */
public enum Task {
  /** One of {@code model.classes} labels: softmax output, cross-entropy loss. */
  CLASSIFICATION,
  /** One real number: identity output, mean squared error loss. */
  REGRESSION
}
