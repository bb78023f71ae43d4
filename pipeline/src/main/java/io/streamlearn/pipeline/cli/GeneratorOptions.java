package io.streamlearn.pipeline.cli;

import io.streamlearn.pipeline.generate.SampleStream;
import io.streamlearn.pipeline.generate.StandardStream;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** Which stream the demo and {@code produce --generate} generate, and how. */
final class GeneratorOptions {

  @Option(
      names = "--stream",
      paramLabel = "NAME",
      defaultValue = "hyperplane",
      converter = StreamName.class,
      description =
          "Stream to generate: hyperplane (rotating hyperplane), sea (SEA concepts), rbf (random"
              + " RBF with drifting centroids), led (LED digits) or waveform (default:"
              + " ${DEFAULT-VALUE}). See docs/training.md.")
  StandardStream kind;

  @Option(
      names = "--keys",
      defaultValue = "4",
      description = "Model keys to generate (default: ${DEFAULT-VALUE}).")
  int keys;

  @Option(
      names = "--features",
      defaultValue = "10",
      description =
          "Features per generated sample of hyperplane and rbf; the other streams have their own"
              + " (default: ${DEFAULT-VALUE}).")
  int features;

  @Option(
      names = "--drift",
      defaultValue = "0.0001",
      description =
          "How fast each key's concept drifts: hyperplane and rbf move it by this much after every"
              + " sample, sea, led and waveform change it every 1/drift samples; 0 for none"
              + " (default: ${DEFAULT-VALUE}).")
  double drift;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Generator seed (default: ${DEFAULT-VALUE}).")
  long seed;

  SampleStream generator() {
    return kind.create(seed, keys, features, drift);
  }

  /** The model options that fit the stream: its feature and class counts. */
  Map<String, String> modelShape() {
    SampleStream stream = generator();
    return Map.of(
        "model.features", Integer.toString(stream.features()),
        "model.classes", Integer.toString(stream.classes()));
  }

  /** Stream names in any case, as the help spells them. */
  static final class StreamName implements ITypeConverter<StandardStream> {
    @Override
    public StandardStream convert(String name) {
      return StandardStream.named(name);
    }
  }
}
