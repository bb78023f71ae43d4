package io.streamlearn.operators;

import io.streamlearn.operators.state.FeatureStatistics;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * How the trainer trains and publishes; a {@link Builder} gives defaults for what most settings
 * leave as they are.
 *
 * @param modelConfigurationJson the default network, as DL4J's {@code
 *     MultiLayerConfiguration.toJson()} or {@code ComputationGraphConfiguration.toJson()}
 * @param shape input width and layout, and the outputs the network must have
 * @param checkpointEverySteps publish a key's model after this many steps since the last one (0:
 *     never by count)
 * @param checkpointInterval publish a key's changed model at least this often (zero: never by time)
 * @param metricsWindow number of recent predictions the published metrics summarise
 * @param drift the per-key drift detector and what a detection does
 * @param delayedLabels how labels that arrive after their samples are joined and trained
 * @param stepsPerBatch gradient steps each training batch of the default model gets
 * @param initialModel where every new key of the default model starts: a DL4J ModelSerializer zip
 *     of the network {@code modelConfigurationJson} describes, or null for the configuration's
 *     seeded weights
 * @param initialStatistics the feature statistics every new key of the default model starts its
 *     scaling from ({@link ModelSpec#initialStatistics()}); null for none
 * @param scaling how each key's model sees the features ({@link FeatureScaler})
 * @param overrides keys whose model is not the default one: the first whose pattern matches the
 *     whole key gives its model ({@link KeyModelChoice})
 * @param checkpointBeforeBarriers publish, right before each Flink checkpoint barrier, every key's
 *     model that changed since its last publication
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
    FeatureStatistics initialStatistics,
    FeatureScaling scaling,
    List<ModelOverride> overrides,
    boolean checkpointBeforeBarriers)
    implements Serializable {

  public TrainerSettings {
    if (checkpointEverySteps < 0 || checkpointInterval.isNegative()) {
      throw new IllegalArgumentException("checkpoint policy must not be negative");
    }
    if (checkpointEverySteps == 0 && checkpointInterval.isZero() && !checkpointBeforeBarriers) {
      throw new IllegalArgumentException(
          "checkpoints need a step count, an interval or publication before barriers");
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
    // A copy the settings own, serializable whatever list the caller gave.
    overrides = List.copyOf(overrides);
  }

  /**
   * Settings of the given model and publication, and else the defaults: one model for every key,
   * starting from the configuration's seeded weights on the raw features, one gradient step per
   * batch, and the default label time-to-live with joined samples training in batches of 64.
   */
  public static final class Builder {
    private final String modelConfigurationJson;
    private final ModelShape shape;
    private final int checkpointEverySteps;
    private final Duration checkpointInterval;
    private final int metricsWindow;
    private final DriftSettings drift;
    private DelayedLabels delayedLabels =
        new DelayedLabels(DelayedLabels.DEFAULT_TIME_TO_LIVE, 64, Duration.ZERO);
    private int stepsPerBatch = 1;
    private byte[] initialModel;
    private FeatureStatistics initialStatistics;
    private FeatureScaling scaling = FeatureScaling.NONE;
    private List<ModelOverride> overrides = List.of();
    private boolean checkpointBeforeBarriers;

    public Builder(
        String modelConfigurationJson,
        ModelShape shape,
        int checkpointEverySteps,
        Duration checkpointInterval,
        int metricsWindow,
        DriftSettings drift) {
      this.modelConfigurationJson = modelConfigurationJson;
      this.shape = shape;
      this.checkpointEverySteps = checkpointEverySteps;
      this.checkpointInterval = checkpointInterval;
      this.metricsWindow = metricsWindow;
      this.drift = drift;
    }

    public Builder delayedLabels(DelayedLabels delayedLabels) {
      this.delayedLabels = delayedLabels;
      return this;
    }

    /** Gradient steps each batch of the default model gets. */
    public Builder stepsPerBatch(int stepsPerBatch) {
      this.stepsPerBatch = stepsPerBatch;
      return this;
    }

    /** Where new keys of the default model start; null for the seeded weights. */
    public Builder initialModel(byte[] initialModel) {
      this.initialModel = initialModel;
      return this;
    }

    /** The feature statistics new keys of the default model start from; null for none. */
    public Builder initialStatistics(FeatureStatistics initialStatistics) {
      this.initialStatistics = initialStatistics;
      return this;
    }

    public Builder scaling(FeatureScaling scaling) {
      this.scaling = scaling;
      return this;
    }

    /** Keys matching an override's pattern train its model; the first match wins. */
    public Builder overrides(List<ModelOverride> overrides) {
      this.overrides = overrides;
      return this;
    }

    /** Publish every changed model right before each Flink checkpoint barrier too. */
    public Builder checkpointBeforeBarriers(boolean checkpointBeforeBarriers) {
      this.checkpointBeforeBarriers = checkpointBeforeBarriers;
      return this;
    }

    public TrainerSettings build() {
      return new TrainerSettings(
          modelConfigurationJson,
          shape,
          checkpointEverySteps,
          checkpointInterval,
          metricsWindow,
          drift,
          delayedLabels,
          stepsPerBatch,
          initialModel,
          initialStatistics,
          scaling,
          overrides,
          checkpointBeforeBarriers);
    }
  }

  /** The model of keys that no override matches. */
  public ModelSpec defaultModel() {
    return new ModelSpec(modelConfigurationJson, stepsPerBatch, initialModel, initialStatistics);
  }
}
