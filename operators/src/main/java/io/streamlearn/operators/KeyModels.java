package io.streamlearn.operators;

import org.nd4j.shade.jackson.core.JsonProcessingException;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/** Makes the {@link KeyModel} a network configuration needs. */
public final class KeyModels {

  /** The top-level field that only a DL4J ComputationGraphConfiguration's JSON has. */
  private static final String GRAPH_FIELD = "networkInputs";

  private KeyModels() {}

  /**
   * A model of the configuration, DL4J {@code MultiLayerConfiguration} or {@code
   * ComputationGraphConfiguration} JSON, for samples of {@code shape}. Call it on the task thread:
   * it creates the network's ND4J arrays.
   */
  public static KeyModel create(String configurationJson, ModelShape shape, int stepsPerBatch) {
    return isGraph(configurationJson)
        ? new GraphKeyModel(configurationJson, shape, stepsPerBatch)
        : new MultiLayerKeyModel(configurationJson, shape, stepsPerBatch);
  }

  /** The model the trainer settings configure. */
  public static KeyModel create(TrainerSettings settings) {
    return create(settings.modelConfigurationJson(), settings.shape(), settings.stepsPerBatch());
  }

  /**
   * Whether the JSON is a ComputationGraphConfiguration rather than a MultiLayerConfiguration;
   * false for text that is not JSON, which DL4J's parser then rejects with its own message.
   */
  public static boolean isGraph(String configurationJson) {
    try {
      return new ObjectMapper().readTree(configurationJson).has(GRAPH_FIELD);
    } catch (JsonProcessingException e) {
      return false;
    }
  }
}
