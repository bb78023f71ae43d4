package io.streamlearn.pipeline.config;

/**
 * How the learning rate follows a key's training steps: the value of {@link
 * StreamlearnOptions#MODEL_LEARNING_RATE_SCHEDULE}. TrainingControls builds the DL4J schedule.
 */
public enum LearningRateSchedule {
  NONE,
  STEP,
  EXPONENTIAL,
  INVERSE,
  POLY,
  SIGMOID,
  CYCLIC,
  WARMUP
}
