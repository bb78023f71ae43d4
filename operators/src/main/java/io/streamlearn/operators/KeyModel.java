package io.streamlearn.operators;

import io.streamlearn.operators.state.KeyModelState;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelFormat;
import java.util.List;

/**
 * The trainer's view of a key's model: everything {@link KeyStep} does with a model goes through
 * here, in plain Java types, so that the step and the Flink operators around it hold no ND4J types
 * and another implementation (another DL4J network type, or a trainer that steps many keys' models
 * at once) can stand behind the same step.
 *
 * <p>One instance serves every key of a subtask that shares a configuration. A key's model is its
 * {@link KeyModelState}: {@link #load} makes the instance that model, {@link #predict}, {@link
 * #fit} and the publication methods act on the loaded model, and {@link #store} writes a fitted
 * model back. Nothing of one key stays in the instance after another key's {@link #load}, except
 * the learning-rate factor, which the caller sets before each key's {@link #fit}.
 *
 * <p>Implementations are not thread-safe, like ND4J itself: use one only from the task thread.
 */
public interface KeyModel {

  /** State of a key that has not been trained yet: the configuration's seeded initial model. */
  KeyModelState newKeyState(long nowMillis);

  /** Makes this the key's model: its parameters, optimizer state and step count. */
  void load(KeyModelState state);

  /**
   * Writes the loaded model's parameters and optimizer state into {@code state}; counters, metrics
   * and publication fields are the caller's.
   */
  void store(KeyModelState state);

  /** The loaded model's outputs for each sample, without training: one array per sample. */
  float[][] predict(ModelInput samples);

  /** {@link #predict(ModelInput)} of samples whose features the model takes as they are. */
  default float[][] predict(List<LabeledSample> samples) {
    return predict(ModelInput.asIs(samples));
  }

  /**
   * Trains the loaded model on labeled samples with {@link #stepsPerBatch} gradient steps. Returns
   * false when training diverged: its loss or a parameter is NaN or infinite. The instance then
   * holds the diverged model until the next {@link #load}, so a caller that does not {@link #store}
   * it has rolled the step back.
   */
  boolean fit(ModelInput samples);

  /** {@link #fit(ModelInput)} on samples whose features the model takes as they are. */
  default boolean fit(List<LabeledSample> samples) {
    return fit(ModelInput.asIs(samples));
  }

  /** Gradient steps each {@link #fit} takes, which the key's step count must follow. */
  int stepsPerBatch();

  /**
   * Trains from now on with {@code factor} times the configured learning rate; 1 restores the
   * configuration, schedules included. The loaded optimizer state is kept.
   */
  void setLearningRateFactor(double factor);

  /** How long the last {@link #fit} took, its divergence check included. */
  long lastStepNanos();

  /** The loss the last {@link #fit} ended with, regularization included. */
  double lastLoss();

  /** The loaded model as published in a checkpoint, in {@link #format()}. */
  byte[] serializedModel();

  /** How {@link #serializedModel()} is encoded, and so how a consumer loads it. */
  ModelFormat format();

  /** SHA-256 (hex) of the configuration: models with equal digests share one architecture. */
  String configDigest();
}
