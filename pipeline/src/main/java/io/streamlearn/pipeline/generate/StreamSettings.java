package io.streamlearn.pipeline.generate;

/**
 * What a generated stream is made from. Each stream takes the settings that apply to it and has its
 * own values for the rest: SEA has 3 features whatever {@code features} says, LED 10 classes.
 *
 * @param seed the stream's seed: the same settings give the same samples
 * @param keys model keys, taking turns
 * @param features feature count of hyperplane, rbf and friedman
 * @param timesteps steps of a recall or motif sequence
 * @param channels values per step of a recall or motif sequence
 * @param classes class count of rbf, multilabel, recall and motif
 * @param outputs target count of friedman
 * @param drift how fast each key's concept changes, as {@link StandardStream} says
 */
public record StreamSettings(
    long seed,
    int keys,
    int features,
    int timesteps,
    int channels,
    int classes,
    int outputs,
    double drift) {

  /** Steps of a sequence when not given: those of examples/lstm.yaml. */
  public static final int DEFAULT_TIMESTEPS = 8;

  /** Channels of a sequence when not given. */
  public static final int DEFAULT_CHANNELS = 3;

  /** Classes when not given. */
  public static final int DEFAULT_CLASSES = 2;

  /** Targets of friedman when not given. */
  public static final int DEFAULT_OUTPUTS = 1;

  /**
   * The settings of a stream given by its feature count, with the default sequence, classes and
   * outputs.
   */
  public static StreamSettings of(long seed, int keys, int features, double drift) {
    return new StreamSettings(
        seed,
        keys,
        features,
        DEFAULT_TIMESTEPS,
        DEFAULT_CHANNELS,
        DEFAULT_CLASSES,
        DEFAULT_OUTPUTS,
        drift);
  }
}
