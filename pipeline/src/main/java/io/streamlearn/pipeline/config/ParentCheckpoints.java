package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.Problems.quote;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_INITIAL_PARENT_KEY;

import io.streamlearn.schemas.ModelCheckpoint;
import java.util.Optional;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Where model.initial.parent-key finds the latest published model of a key: in the job's
 * checkpoints topic ({@link KafkaParentCheckpoints}), while the configuration loads.
 */
@FunctionalInterface
public interface ParentCheckpoints {

  /**
   * The checkpoint of {@code key} with the highest version that the job's checkpoints topic holds,
   * or empty when it holds none.
   *
   * @param job the job's options: its Kafka cluster, client settings and checkpoints topic
   * @throws ConfigException naming model.initial.parent-key when the topic cannot be read
   */
  Optional<ModelCheckpoint> latest(ReadableConfig job, String key);

  /** The job's checkpoints topic, read committed to its end. */
  static ParentCheckpoints fromKafka() {
    return new KafkaParentCheckpoints();
  }

  /**
   * Refuses every parent key, saying why: for a command whose Kafka holds no checkpoint of the job,
   * such as the demo's own new broker.
   */
  static ParentCheckpoints refused(String why) {
    return (job, key) -> {
      throw new ConfigException(
          MODEL_INITIAL_PARENT_KEY.key() + ": " + quote(key) + " cannot be read here: " + why,
          null);
    };
  }
}
