package io.streamlearn.pipeline.generate;

import java.util.SplittableRandom;

/**
 * The LED display problem of Breiman, Friedman, Olshen and Stone (1984, "Classification and
 * Regression Trees", section 2.6): a digit 0 to 9, drawn uniformly, is shown on a seven-segment
 * display, and each of the seven segments is inverted with probability {@code noise} (the book's
 * 10%). As in the book's 24-attribute version (and MOA's {@code LEDGenerator}), 17 more binary
 * attributes are random and carry nothing. The label is the digit.
 *
 * <p>Segments come in the order top, upper left, upper right, middle, lower left, lower right,
 * bottom, as attributes 0 to 6. To drift, every {@code conceptLength} samples of a key the 24
 * attributes trade places ({@link ShuffledAttributes}).
 */
public final class LedDigits extends KeyedSampleStream {

  /** The book's attribute noise. */
  public static final double PAPER_NOISE = 0.1;

  static final int SEGMENTS = 7;
  static final int IRRELEVANT = 17;

  /** The lit segments of each digit. */
  static final boolean[][] DIGITS = {
    segments(1, 1, 1, 0, 1, 1, 1),
    segments(0, 0, 1, 0, 0, 1, 0),
    segments(1, 0, 1, 1, 1, 0, 1),
    segments(1, 0, 1, 1, 0, 1, 1),
    segments(0, 1, 1, 1, 0, 1, 0),
    segments(1, 1, 0, 1, 0, 1, 1),
    segments(1, 1, 0, 1, 1, 1, 1),
    segments(1, 0, 1, 0, 0, 1, 0),
    segments(1, 1, 1, 1, 1, 1, 1),
    segments(1, 1, 1, 1, 0, 1, 1)
  };

  private final double noise;
  private final SplittableRandom random;
  private final ShuffledAttributes order;

  /**
   * @param conceptLength samples of a key between changes of its attribute order; 0 for none
   * @param noise chance that a segment is inverted, in [0, 1]
   */
  public LedDigits(long seed, int keyCount, long conceptLength, double noise) {
    super(keyCount);
    checkNoise(noise);
    this.noise = noise;
    SplittableRandom root = new SplittableRandom(seed);
    this.random = root.split();
    this.order = new ShuffledAttributes(features(), keyCount, conceptLength, root.split());
  }

  @Override
  public int features() {
    return SEGMENTS + IRRELEVANT;
  }

  @Override
  public int classes() {
    return DIGITS.length;
  }

  /** Where each attribute (segments first) of the key's current concept is. */
  int[] attributeOrder(int key) {
    return order.where(key);
  }

  @Override
  Example draw(int key, long n) {
    int digit = random.nextInt(DIGITS.length);
    float[] values = new float[features()];
    for (int segment = 0; segment < SEGMENTS; segment++) {
      boolean lit = DIGITS[digit][segment] ^ (random.nextDouble() < noise);
      values[segment] = lit ? 1 : 0;
    }
    for (int i = SEGMENTS; i < values.length; i++) {
      values[i] = random.nextBoolean() ? 1 : 0;
    }
    return new Example(order.place(key, n, values), digit);
  }

  private static boolean[] segments(int... lit) {
    boolean[] segments = new boolean[lit.length];
    for (int i = 0; i < lit.length; i++) {
      segments[i] = lit[i] == 1;
    }
    return segments;
  }
}
