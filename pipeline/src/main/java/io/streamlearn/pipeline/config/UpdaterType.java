package io.streamlearn.pipeline.config;

/**
 * The DL4J gradient updater (optimizer) that trains the network: the value of {@link
 * StreamlearnOptions#MODEL_UPDATER}.
 */
public enum UpdaterType {
  ADAM,
  SGD,
  NESTEROVS,
  ADAGRAD,
  RMSPROP
}
