package io.streamlearn.operators;

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
 */
public record ModelSpec(String configurationJson, int stepsPerBatch, byte[] initialModel)
    implements Serializable {

  public ModelSpec {
    if (stepsPerBatch < 1) {
      throw new IllegalArgumentException(
          "steps per batch must be at least 1, got " + stepsPerBatch);
    }
  }

  /** Equal when the network, the steps and the initial model's bytes are. */
  @Override
  public boolean equals(Object other) {
    return other instanceof ModelSpec spec
        && configurationJson.equals(spec.configurationJson)
        && stepsPerBatch == spec.stepsPerBatch
        && Arrays.equals(initialModel, spec.initialModel);
  }

  @Override
  public int hashCode() {
    return Objects.hash(configurationJson, stepsPerBatch, Arrays.hashCode(initialModel));
  }

  @Override
  public String toString() {
    return "ModelSpec[" + Dl4jKeyModel.sha256(configurationJson) + ", steps " + stepsPerBatch + "]";
  }
}
