package io.streamlearn.pipeline.cli;

import io.streamlearn.pipeline.config.ConfigException;
import io.streamlearn.pipeline.config.StreamlearnConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The job's configuration as the commands that run and control a job take it. */
final class JobConfigFile {

  @Option(names = "--config", required = true, description = "The job's YAML configuration file.")
  Path config;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Overrides one configuration key; repeatable.")
  List<String> overrides = new ArrayList<>();

  /**
   * The validated configuration.
   *
   * @throws IllegalArgumentException naming the file and every problem in it
   */
  StreamlearnConfig load() {
    try {
      return StreamlearnConfig.load(config, StreamlearnConfig.parseOverrides(overrides));
    } catch (ConfigException e) {
      throw new IllegalArgumentException(config + ": " + e.getMessage(), e);
    }
  }
}
