package io.streamlearn.operators;

import java.io.Serializable;
import java.time.Duration;

/**
 * How the trainer trains and publishes.
 *
 * @param modelConfigurationJson the network, as DL4J's {@code MultiLayerConfiguration.toJson()} or
 *     {@code ComputationGraphConfiguration.toJson()}
 * @param shape input width and layout, and the outputs the network must have
 * @param checkpointEverySteps publish a key's model after this many steps since the last one (0:
 *     never by count)
 * @param checkpointInterval publish a key's changed model at least this often (zero: never by time)
 * @param metricsWindow number of recent predictions the published metrics summarise
 * @param drift the per-key drift detector and what a detection does
 * @param delayedLabels how labels that arrive after their samples are joined and trained
 * @param stepsPerBatch gradient steps each training batch gets
 * @param initialModel where every new key's model starts: a DL4J ModelSerializer zip of the network
 *     {@code modelConfigurationJson} describes, or null for the configuration's seeded weights
 * @param scaling how each key's model sees the features ({@link FeatureScaler})
 */
public record TrainerSettings(
    String modelConfigurationJson,
    ModelShape shape,
    int checkpointEverySteps,
    Duration checkpointInterval,
    int metricsWindow,
    DriftSettings drift,
    DelayedLabels delayedLabels,
    int stepsPerBatch,
    byte[] initialModel,
    FeatureScaling scaling)
    implements Serializable {

  /** Settings whose models take the raw features. */
  public TrainerSettings(
      String modelConfigurationJson,
      ModelShape shape,
      int checkpointEverySteps,
      Duration checkpointInterval,
      int metricsWindow,
      DriftSettings drift,
      DelayedLabels delayedLabels,
      int stepsPerBatch,
      byte[] initialModel) {
    this(
        modelConfigurationJson,
        shape,
        checkpointEverySteps,
        checkpointInterval,
        metricsWindow,
        drift,
        delayedLabels,
        stepsPerBatch,
        initialModel,
        FeatureScaling.NONE);
  }

  /** Settings whose keys start from the configuration's seeded weights. */
  public TrainerSettings(
      String modelConfigurationJson,
      ModelShape shape,
      int checkpointEverySteps,
      Duration checkpointInterval,
      int metricsWindow,
      DriftSettings drift,
      DelayedLabels delayedLabels,
      int stepsPerBatch) {
    this(
        modelConfigurationJson,
        shape,
        checkpointEverySteps,
        checkpointInterval,
        metricsWindow,
        drift,
        delayedLabels,
        stepsPerBatch,
        null);
  }

  /**
   * Settings with the default label time-to-live, joined samples training in batches of 64, and one
   * gradient step per batch.
   */
  public TrainerSettings(
      String modelConfigurationJson,
      ModelShape shape,
      int checkpointEverySteps,
      Duration checkpointInterval,
      int metricsWindow,
      DriftSettings drift) {
    this(
        modelConfigurationJson,
        shape,
        checkpointEverySteps,
        checkpointInterval,
        metricsWindow,
        drift,
        new DelayedLabels(DelayedLabels.DEFAULT_TIME_TO_LIVE, 64, Duration.ZERO),
        1);
  }

  public TrainerSettings {
    if (checkpointEverySteps < 0 || checkpointInterval.isNegative()) {
      throw new IllegalArgumentException("checkpoint policy must not be negative");
    }
    if (checkpointEverySteps == 0 && checkpointInterval.isZero()) {
      throw new IllegalArgumentException("checkpoints need a step count or an interval");
    }
    if (metricsWindow < 1) {
      throw new IllegalArgumentException("metrics window must be at least 1, got " + metricsWindow);
    }
    if (drift == null) {
      throw new IllegalArgumentException("drift settings must be set; DetectorType.NONE for none");
    }
    if (scaling == null) {
      throw new IllegalArgumentException(
          "feature scaling must be set; FeatureScaling.NONE for none");
    }
    if (stepsPerBatch < 1) {
      throw new IllegalArgumentException(
          "steps per batch must be at least 1, got " + stepsPerBatch);
    }
  }
}
