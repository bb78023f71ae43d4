package io.streamlearn.pipeline.generate;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The generated streams, by the name {@code demo --stream} and {@code produce --generate --stream}
 * take: the standard streams of the online-learning literature, and a task made for each
 * architecture (recall for recurrent networks, motif for convolutions, friedman for regression,
 * with one target or several) and multilabel for sets of classes. One drift rate serves them all:
 * the gradual streams move their concept by that much after every sample of a key, the abrupt ones
 * change it every {@code 1 / drift} samples of a key. 0 keeps every concept fixed.
 */
public enum StandardStream {
  /** {@link RotatingHyperplane}: drift is each weight's step per sample; no label noise. */
  HYPERPLANE(s -> new RotatingHyperplane(s.seed(), s.features(), s.keys(), s.drift(), 0)),
  /** {@link SeaConcepts}, with the paper's 10% class noise; 3 features. */
  SEA(s -> new SeaConcepts(s.seed(), s.keys(), conceptLength(s), SeaConcepts.PAPER_NOISE)),
  /** {@link RandomRbf}: 50 centroids; drift is each centroid's speed. */
  RBF(
      s ->
          new RandomRbf(
              s.seed(),
              s.features(),
              s.keys(),
              s.classes(),
              RandomRbf.DEFAULT_CENTROIDS,
              s.drift())),
  /** {@link LedDigits}, with the book's 10% attribute noise; 24 features, 10 classes. */
  LED(s -> new LedDigits(s.seed(), s.keys(), conceptLength(s), LedDigits.PAPER_NOISE)),
  /** {@link Waveform}: 21 features, 3 classes. */
  WAVEFORM(s -> new Waveform(s.seed(), s.keys(), conceptLength(s))),
  /** {@link DelayedRecall}: a sequence whose class a cue early on decides, for recurrent layers. */
  RECALL(
      s ->
          new DelayedRecall(
              s.seed(), s.keys(), s.timesteps(), s.channels(), s.classes(), conceptLength(s))),
  /** {@link ShiftedMotifs}: a motif at a random place in a sequence, for convolutions. */
  MOTIF(
      s ->
          new ShiftedMotifs(
              s.seed(), s.keys(), s.timesteps(), s.channels(), s.classes(), conceptLength(s))),
  /**
   * {@link FriedmanRegression}: a regression target, a nonlinear function of 5 features, or several
   * related ones.
   */
  FRIEDMAN(
      s -> new FriedmanRegression(s.seed(), s.features(), s.outputs(), s.keys(), conceptLength(s))),
  /** {@link MultiLabelHyperplanes}: sets of classes, one rotating hyperplane per class. */
  MULTILABEL(
      s -> new MultiLabelHyperplanes(s.seed(), s.features(), s.keys(), s.classes(), s.drift()));

  /**
   * The five streams of the online-learning literature, which bench/quality tunes the defaults on:
   * the others are tasks made for one architecture or task kind.
   */
  public static final List<StandardStream> OF_THE_LITERATURE =
      List.of(HYPERPLANE, SEA, RBF, LED, WAVEFORM);

  private final Function<StreamSettings, SampleStream> factory;

  StandardStream(Function<StreamSettings, SampleStream> factory) {
    this.factory = factory;
  }

  /**
   * @param features the feature count of the streams that take one (hyperplane, rbf, multilabel,
   *     friedman); the others have their own, the sequences those of {@link StreamSettings#of}
   * @param drift how fast the concepts change, see the class comment
   */
  public SampleStream create(long seed, int keys, int features, double drift) {
    return create(StreamSettings.of(seed, keys, features, drift));
  }

  /** The stream made from the settings that apply to it. */
  public SampleStream create(StreamSettings settings) {
    return factory.apply(settings);
  }

  /** The stream of this name, in any case. */
  public static StandardStream named(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown stream '" + name + "': one of " + names(), e);
    }
  }

  /** Every stream's name, as {@link #named} takes them. */
  public static String names() {
    return Arrays.stream(values())
        .map(stream -> stream.name().toLowerCase(Locale.ROOT))
        .collect(Collectors.joining(", "));
  }

  private static long conceptLength(StreamSettings settings) {
    return conceptLength(settings.drift());
  }

  /** Samples of a key between abrupt changes: {@code 1 / drift}, none for 0. */
  static long conceptLength(double drift) {
    if (drift < 0) {
      throw new IllegalArgumentException("drift must be >= 0, got " + drift);
    }
    return drift == 0 ? 0 : Math.max(1, Math.round(1 / drift));
  }
}
