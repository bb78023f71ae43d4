package io.streamlearn.pipeline.cli;

import io.streamlearn.pipeline.generate.SampleStream;
import io.streamlearn.pipeline.generate.StandardStream;
import io.streamlearn.pipeline.generate.StreamSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** Which stream the demo and {@code produce --generate} generate, and how. */
final class GeneratorOptions {

  @Option(
      names = "--stream",
      paramLabel = "NAME",
      converter = StreamName.class,
      description =
          "Stream to generate: hyperplane (rotating hyperplane), sea (SEA concepts), rbf (random"
              + " RBF with drifting centroids), led (LED digits), waveform, recall (a sequence"
              + " whose class an early cue decides), motif (a motif at a random place in a"
              + " sequence), friedman (regression, --outputs targets) or multilabel (sets of"
              + " classes, one hyperplane each). Default: hyperplane; for demo --config the"
              + " stream that suits the configuration. See docs/training.md.")
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
          "Features per generated sample of hyperplane, rbf, friedman and multilabel; the other"
              + " streams have"
              + " their own (default: ${DEFAULT-VALUE}).")
  int features;

  @Option(
      names = "--timesteps",
      defaultValue = "" + StreamSettings.DEFAULT_TIMESTEPS,
      description = "Steps of each recall or motif sequence (default: ${DEFAULT-VALUE}).")
  int timesteps;

  @Option(
      names = "--channels",
      defaultValue = "" + StreamSettings.DEFAULT_CHANNELS,
      description = "Values per step of each recall or motif sequence (default: ${DEFAULT-VALUE}).")
  int channels;

  @Option(
      names = "--class-count",
      defaultValue = "" + StreamSettings.DEFAULT_CLASSES,
      description = "Classes of rbf, multilabel, recall and motif (default: ${DEFAULT-VALUE}).")
  int classes;

  @Option(
      names = "--outputs",
      defaultValue = "" + StreamSettings.DEFAULT_OUTPUTS,
      description =
          "Regression targets of each friedman sample, each a function of its own five features"
              + " (default: ${DEFAULT-VALUE}).")
  int outputs;

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

  /** The stream --stream names, hyperplane when none. */
  StandardStream kind() {
    return kind == null ? StandardStream.HYPERPLANE : kind;
  }

  SampleStream generator() {
    return kind().create(settings(features, timesteps, channels, classes, outputs));
  }

  /** These options with the shape given instead of the one the options say. */
  StreamSettings settings(int features, int timesteps, int channels, int classes, int outputs) {
    return new StreamSettings(seed, keys, features, timesteps, channels, classes, outputs, drift);
  }

  /**
   * The model options that fit the stream: its feature and class counts, with the multi-label task
   * for sets of classes, or for a regression stream the regression task and its outputs. A sequence
   * is given to the default network flat.
   */
  Map<String, String> modelShape() {
    SampleStream stream = generator();
    Map<String, String> shape = new LinkedHashMap<>();
    shape.put("model.features", Integer.toString(stream.features()));
    if (stream.classes() == 0) {
      shape.put("model.task", "REGRESSION");
      if (stream.outputs() > 1) {
        shape.put("model.outputs", Integer.toString(stream.outputs()));
      }
    } else {
      shape.put("model.classes", Integer.toString(stream.classes()));
      if (stream.multiLabel()) {
        shape.put("model.task", "MULTI_LABEL");
      }
    }
    return shape;
  }

  /** Stream names in any case, as the help spells them. */
  static final class StreamName implements ITypeConverter<StandardStream> {
    @Override
    public StandardStream convert(String name) {
      return StandardStream.named(name);
    }
  }
}
