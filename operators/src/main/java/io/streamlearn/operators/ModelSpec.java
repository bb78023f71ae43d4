package io.streamlearn.operators;

import io.streamlearn.operators.state.FeatureStatistics;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * A model that keys train: the network, how many gradient steps each batch gets, and where a new
 * key starts. Keys whose specs are equal share one network per subtask.
 *
 * @param configurationJson the network, as DL4J's {@code MultiLayerConfiguration.toJson()} or
 *     {@code ComputationGraphConfiguration.toJson()}
 * @param stepsPerBatch gradient steps each training batch gets
 * @param initialModel a DL4J ModelSerializer zip of the network {@code configurationJson}
 *     describes, which every new key starts from; null for the configuration's seeded weights
 * @param initialStatistics the feature statistics every new key's standard scaling starts from,
 *     those of the key whose checkpoint {@code initialModel} is, since its parameters were trained
 *     on features scaled by them; null to start without statistics
 */
public record ModelSpec(
    String configurationJson,
    int stepsPerBatch,
    byte[] initialModel,
    FeatureStatistics initialStatistics)
    implements Serializable {

  /** A model whose new keys start without feature statistics. */
  public ModelSpec(String configurationJson, int stepsPerBatch, byte[] initialModel) {
    this(configurationJson, stepsPerBatch, initialModel, null);
  }

  public ModelSpec {
    if (stepsPerBatch < 1) {
      throw new IllegalArgumentException(
          "steps per batch must be at least 1, got " + stepsPerBatch);
    }
  }

  /** Equal when the network, the steps, the initial model's bytes and statistics are. */
  @Override
  public boolean equals(Object other) {
    return other instanceof ModelSpec spec
        && configurationJson.equals(spec.configurationJson)
        && stepsPerBatch == spec.stepsPerBatch
        && Arrays.equals(initialModel, spec.initialModel)
        && Objects.equals(initialStatistics, spec.initialStatistics);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        configurationJson, stepsPerBatch, Arrays.hashCode(initialModel), initialStatistics);
  }

  @Override
  public String toString() {
    return "ModelSpec[" + Dl4jKeyModel.sha256(configurationJson) + ", steps " + stepsPerBatch + "]";
  }
}
