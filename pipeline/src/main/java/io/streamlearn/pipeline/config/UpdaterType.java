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
  RMSPROP,
  /** Adam with decoupled weight decay: DL4J's Adam plus its WeightDecay regularization. */
  ADAMW,
  ADAMAX,
  NADAM,
  AMSGRAD,
  /** Has no learning rate: model.learning-rate and its schedule do not apply. */
  ADADELTA
}
