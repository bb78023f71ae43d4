package io.streamlearn.pipeline.generate;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The standard streams of the online-learning literature, by the name {@code demo --stream} and
 * {@code produce --generate --stream} take. One drift rate serves them all: the gradual streams
 * move their concept by that much after every sample of a key, the abrupt ones change it every
 * {@code 1 / drift} samples of a key. 0 keeps every concept fixed.
 */
public enum StandardStream {
  /** {@link RotatingHyperplane}: drift is each weight's step per sample; no label noise. */
  HYPERPLANE(
      (seed, keys, features, drift) -> new RotatingHyperplane(seed, features, keys, drift, 0)),
  /** {@link SeaConcepts}, with the paper's 10% class noise; 3 features. */
  SEA(
      (seed, keys, features, drift) ->
          new SeaConcepts(seed, keys, conceptLength(drift), SeaConcepts.PAPER_NOISE)),
  /** {@link RandomRbf}: 50 centroids, 2 classes; drift is each centroid's speed. */
  RBF(
      (seed, keys, features, drift) ->
          new RandomRbf(seed, features, keys, 2, RandomRbf.DEFAULT_CENTROIDS, drift)),
  /** {@link LedDigits}, with the book's 10% attribute noise; 24 features, 10 classes. */
  LED(
      (seed, keys, features, drift) ->
          new LedDigits(seed, keys, conceptLength(drift), LedDigits.PAPER_NOISE)),
  /** {@link Waveform}: 21 features, 3 classes. */
  WAVEFORM((seed, keys, features, drift) -> new Waveform(seed, keys, conceptLength(drift)));

  /** How a stream is made from the options every stream takes. */
  @FunctionalInterface
  private interface Factory {
    SampleStream create(long seed, int keys, int features, double drift);
  }

  private final Factory factory;

  StandardStream(Factory factory) {
    this.factory = factory;
  }

  /**
   * @param features the feature count of the streams that take one (hyperplane, rbf); the others
   *     have their own
   * @param drift how fast the concepts change, see the class comment
   */
  public SampleStream create(long seed, int keys, int features, double drift) {
    return factory.create(seed, keys, features, drift);
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

  /** Samples of a key between abrupt changes: {@code 1 / drift}, none for 0. */
  static long conceptLength(double drift) {
    if (drift < 0) {
      throw new IllegalArgumentException("drift must be >= 0, got " + drift);
    }
    return drift == 0 ? 0 : Math.max(1, Math.round(1 / drift));
  }
}
