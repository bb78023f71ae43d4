package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.Problems.quote;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_BOOTSTRAP_SERVERS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_PROPERTIES_FILE;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_CHECKPOINTS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_FEATURES;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_INITIAL_PARENT_KEY;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_SCALING;

import io.streamlearn.operators.FeatureScaling;
import io.streamlearn.operators.state.FeatureStatistics;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.ModelFormat;
import io.streamlearn.schemas.StandardScaling;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;

/**
 * model.initial.parent-key: the latest published model of another key as the initial model, with
 * the feature statistics its parameters were trained on.
 */
final class ParentKeyModels {

  /** The keys that say where and how the parent's checkpoints are read and applied. */
  static final List<ConfigOption<?>> INPUTS =
      List.of(
          KAFKA_BOOTSTRAP_SERVERS,
          KAFKA_PROPERTIES_FILE,
          KAFKA_TOPIC_CHECKPOINTS,
          MODEL_SCALING,
          MODEL_FEATURES);

  private ParentKeyModels() {}

  /**
   * The parent's latest checkpoint as an initial model, not yet adapted.
   *
   * @throws ConfigException naming model.initial.parent-key if there is no checkpoint of the key,
   *     it cannot be read or restored, or its scaling is not the job's
   */
  static InitialModels.Source read(ReadableConfig options, ParentCheckpoints parents) {
    String key = options.get(MODEL_INITIAL_PARENT_KEY);
    ModelCheckpoint checkpoint =
        parents
            .latest(options, key)
            .orElseThrow(
                () ->
                    problem(
                        "there is no checkpoint of key "
                            + quote(key)
                            + " in "
                            + options.get(KAFKA_TOPIC_CHECKPOINTS)
                            + " on "
                            + options.get(KAFKA_BOOTSTRAP_SERVERS)
                            + ": start from it once a job has published one (model.checkpoint.*)",
                        null));
    String name =
        "the checkpoint of key " + quote(key) + " (version " + checkpoint.getVersion() + ")";
    checkScaling(checkpoint.getScaler(), options, name);
    return new InitialModels.Source(
        restored(checkpoint, name), MODEL_INITIAL_PARENT_KEY, name, statistics(checkpoint));
  }

  /**
   * The parent's parameters were trained on features scaled as its scaler says, or on raw ones when
   * it has none: the job's keys must see their features the same way.
   */
  private static void checkScaling(StandardScaling scaler, ReadableConfig options, String name) {
    FeatureScaling scaling = options.get(MODEL_SCALING);
    if (scaler != null && scaling == FeatureScaling.NONE) {
      throw problem(
          name
              + " was trained on standard-scaled features (it carries a scaler), but "
              + MODEL_SCALING.key()
              + " is none: set "
              + MODEL_SCALING.key()
              + ": standard, as the parent's job had",
          null);
    }
    if (scaler == null && scaling != FeatureScaling.NONE) {
      throw problem(
          name
              + " was trained on raw features (it carries no scaler: its job ran with "
              + MODEL_SCALING.key()
              + " none), but "
              + MODEL_SCALING.key()
              + " is "
              + scaling.name().toLowerCase()
              + ": set "
              + MODEL_SCALING.key()
              + ": none",
          null);
    }
    if (scaler != null && scaler.getMean().size() != options.get(MODEL_FEATURES)) {
      throw problem(
          name
              + " scales "
              + scaler.getMean().size()
              + " features, but "
              + MODEL_FEATURES.key()
              + " is "
              + options.get(MODEL_FEATURES),
          null);
    }
  }

  /** The checkpoint's network, loaded as its modelFormat says, without its optimizer state. */
  private static Model restored(ModelCheckpoint checkpoint, String name) {
    ModelFormat format = checkpoint.getModelFormat();
    if (format == ModelFormat.UNKNOWN) {
      throw problem(
          name
              + " is in a model format newer than this release knows (UNKNOWN): upgrade"
              + " Streamlearn to start from it",
          null);
    }
    ByteBuffer model = checkpoint.getModel().duplicate();
    byte[] zip = new byte[model.remaining()];
    model.get(zip);
    try {
      return format == ModelFormat.DL4J_COMPUTATION_GRAPH_ZIP
          ? ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(zip), false)
          : ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(zip), false);
    } catch (IOException | RuntimeException e) {
      throw problem(
          name
              + " cannot be restored as its modelFormat "
              + format
              + " says: "
              + InitialModels.firstLine(e),
          e);
    }
  }

  /**
   * The parent's scaler as running statistics that stand for the parent's labeled samples: a new
   * key's own samples then move them as they would have moved the parent's. The checkpoint carries
   * the mean and deviation, not the count, so {@code samplesSeen} stands in for it (at least 1, so
   * that the statistics give exactly the parent's mean and deviation).
   */
  private static FeatureStatistics statistics(ModelCheckpoint checkpoint) {
    StandardScaling scaler = checkpoint.getScaler();
    if (scaler == null) {
      return null;
    }
    long count = Math.max(1, checkpoint.getSamplesSeen());
    List<Double> m2 = new ArrayList<>(scaler.getStd().size());
    for (double std : scaler.getStd()) {
      m2.add(std * std * count);
    }
    return new FeatureStatistics(count, new ArrayList<>(scaler.getMean()), m2);
  }

  private static ConfigException problem(String detail, Throwable cause) {
    return new ConfigException(MODEL_INITIAL_PARENT_KEY.key() + ": " + detail, cause);
  }
}
