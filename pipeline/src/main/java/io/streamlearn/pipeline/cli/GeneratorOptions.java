package io.streamlearn.pipeline.cli;

import io.streamlearn.pipeline.generate.RotatingHyperplane;
import picocli.CommandLine.Option;

/** How the demo and {@code produce --generate} generate a rotating-hyperplane stream. */
final class GeneratorOptions {

  @Option(
      names = "--keys",
      defaultValue = "4",
      description = "Model keys to generate (default: ${DEFAULT-VALUE}).")
  int keys;

  @Option(
      names = "--features",
      defaultValue = "10",
      description = "Features per generated sample (default: ${DEFAULT-VALUE}).")
  int features;

  @Option(
      names = "--drift",
      defaultValue = "0.0001",
      description = "Hyperplane drift per sample (default: ${DEFAULT-VALUE}).")
  double drift;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Generator seed (default: ${DEFAULT-VALUE}).")
  long seed;

  RotatingHyperplane generator() {
    return new RotatingHyperplane(seed, features, keys, drift, 0.0);
  }
}
