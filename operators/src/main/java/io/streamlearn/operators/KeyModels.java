package io.streamlearn.operators;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.deeplearning4j.util.ModelSerializer;
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

  /**
   * The models the trainer settings configure, the default one and the overrides', each starting
   * from its initial model if any. Call it on the task thread.
   */
  public static KeyModelChoice create(TrainerSettings settings) {
    return new KeyModelChoice(settings, spec -> create(spec, settings.shape()));
  }

  /** The model of a spec for samples of {@code shape}, starting from its initial model if any. */
  public static KeyModel create(ModelSpec spec, ModelShape shape) {
    return spec.initialModel() == null
        ? create(spec.configurationJson(), shape, spec.stepsPerBatch())
        : fromSerialized(spec.initialModel(), shape, spec.stepsPerBatch());
  }

  /**
   * A model whose keys start from a network in DL4J's ModelSerializer zip format, a layer stack or
   * a graph, with its parameters and a fresh optimizer state. Call it on the task thread.
   */
  public static KeyModel fromSerialized(byte[] modelZip, ModelShape shape, int stepsPerBatch) {
    try {
      return isGraph(configurationOf(modelZip))
          ? new GraphKeyModel(
              ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(modelZip), false),
              shape,
              stepsPerBatch)
          : new MultiLayerKeyModel(
              ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(modelZip), false),
              shape,
              stepsPerBatch);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the initial model", e);
    }
  }

  /** The network configuration JSON that a ModelSerializer zip holds. */
  public static String configurationOf(byte[] modelZip) throws IOException {
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(modelZip))) {
      for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        if (entry.getName().equals(ModelSerializer.CONFIGURATION_JSON)) {
          return new String(zip.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
    }
    throw new IOException(
        "not a DL4J ModelSerializer zip: no " + ModelSerializer.CONFIGURATION_JSON);
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
