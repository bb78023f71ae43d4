package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.StreamlearnOptions.JOB_CHECKPOINT_INTERVAL;
import static io.streamlearn.pipeline.config.StreamlearnOptions.JOB_NAME;
import static io.streamlearn.pipeline.config.StreamlearnOptions.JOB_PARALLELISM;

import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The Flink options that Streamlearn sets from its own job.* keys. Each has exactly one source: a
 * flink.* key for the same Flink option is rejected rather than silently overridden.
 */
final class DerivedFlinkOptions {

  /** A Flink option whose value is copied from a Streamlearn option of the same type. */
  record Derivation<T>(ConfigOption<T> source, ConfigOption<T> flinkOption) {

    void copy(ReadableConfig from, Configuration to) {
      to.set(flinkOption, from.get(source));
    }
  }

  static final List<Derivation<?>> ALL =
      List.of(
          new Derivation<>(JOB_NAME, PipelineOptions.NAME),
          new Derivation<>(JOB_PARALLELISM, CoreOptions.DEFAULT_PARALLELISM),
          new Derivation<>(JOB_CHECKPOINT_INTERVAL, CheckpointingOptions.CHECKPOINTING_INTERVAL));

  private DerivedFlinkOptions() {}

  static void applyTo(Configuration flinkConfiguration, ReadableConfig streamlearnValues) {
    ALL.forEach(derivation -> derivation.copy(streamlearnValues, flinkConfiguration));
  }
}
