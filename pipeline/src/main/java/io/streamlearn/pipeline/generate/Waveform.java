package io.streamlearn.pipeline.generate;

import java.util.SplittableRandom;

/**
 * The waveform problem of Breiman, Friedman, Olshen and Stone (1984, "Classification and Regression
 * Trees", section 2.6.2): three classes of 21 noisy attributes, each class a random mix of two of
 * three triangular waves. With {@code h1(m) = max(6 - |m - 11|, 0)}, {@code h2(m) = h1(m - 4)} and
 * {@code h3(m) = h1(m + 4)} for m = 1 to 21, a sample of class 0 is {@code x_m = u h1(m) + (1 - u)
 * h2(m) + e_m}, of class 1 the same with h1 and h3, of class 2 with h2 and h3, where u is uniform
 * in [0, 1] and the {@code e_m} are standard normal. Classes are equally likely. The Bayes error is
 * about 14%.
 *
 * <p>To drift, every {@code conceptLength} samples of a key the 21 attributes trade places ({@link
 * ShuffledAttributes}), as MOA's {@code WaveformGeneratorDrift} swaps attributes.
 */
public final class Waveform extends KeyedSampleStream {

  static final int ATTRIBUTES = 21;

  /** Which two waves each class mixes (0-based: h1, h2, h3). */
  static final int[][] CLASS_WAVES = {{0, 1}, {0, 2}, {1, 2}};

  private final SplittableRandom random;
  private final ShuffledAttributes order;

  /**
   * @param conceptLength samples of a key between changes of its attribute order; 0 for none
   */
  public Waveform(long seed, int keyCount, long conceptLength) {
    super(keyCount);
    SplittableRandom root = new SplittableRandom(seed);
    this.random = root.split();
    this.order = new ShuffledAttributes(ATTRIBUTES, keyCount, conceptLength, root.split());
  }

  @Override
  public int features() {
    return ATTRIBUTES;
  }

  @Override
  public int classes() {
    return CLASS_WAVES.length;
  }

  /** Where each attribute of the key's current concept is. */
  int[] attributeOrder(int key) {
    return order.where(key);
  }

  /** Wave {@code wave} (0-based: h1, h2, h3) at attribute {@code m}, 1 to 21. */
  static double wave(int wave, int m) {
    int shift =
        switch (wave) {
          case 0 -> 0;
          case 1 -> -4;
          default -> 4;
        };
    return Math.max(6 - Math.abs(m + shift - 11), 0);
  }

  @Override
  Example draw(int key, long n) {
    int label = random.nextInt(CLASS_WAVES.length);
    double u = random.nextDouble();
    float[] values = new float[ATTRIBUTES];
    for (int m = 1; m <= ATTRIBUTES; m++) {
      double mix = u * wave(CLASS_WAVES[label][0], m) + (1 - u) * wave(CLASS_WAVES[label][1], m);
      values[m - 1] = (float) (mix + random.nextGaussian());
    }
    return new Example(order.place(key, n, values), label);
  }
}
