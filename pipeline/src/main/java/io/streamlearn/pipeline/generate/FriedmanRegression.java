package io.streamlearn.pipeline.generate;

import java.util.SplittableRandom;

/**
 * The regression problem of Friedman (1991, "Multivariate adaptive regression splines", section
 * 4.3, the first example): features uniform in [0, 1], of which the first five matter, and the
 * target {@code y = 10 sin(pi x1 x2) + 20 (x3 - 0.5)^2 + 10 x4 + 5 x5 + e} with standard normal
 * noise e. The target's mean is about 14.4 and its standard deviation about 5.0; the noise alone
 * leaves a root mean squared error of 1.
 *
 * <p>To drift, every {@code conceptLength} samples of a key the features trade places ({@link
 * ShuffledAttributes}), as in the global abrupt drift of Ikonomovska, Gama and Džeroski (2011,
 * "Learning model trees from evolving data streams"), which moves the relevant features.
 */
public final class FriedmanRegression extends KeyedSampleStream {

  /** Features the target depends on. */
  static final int RELEVANT = 5;

  private final int features;
  private final SplittableRandom random;
  private final ShuffledAttributes order;

  /**
   * @param features at least 5; those after the fifth are noise the model must learn to ignore
   * @param conceptLength samples of a key between changes of its feature order; 0 for none
   */
  public FriedmanRegression(long seed, int features, int keyCount, long conceptLength) {
    super(keyCount);
    if (features < RELEVANT) {
      throw new IllegalArgumentException(
          "friedman needs at least " + RELEVANT + " features, got " + features);
    }
    this.features = features;
    SplittableRandom root = new SplittableRandom(seed);
    this.random = root.split();
    this.order = new ShuffledAttributes(features, keyCount, conceptLength, root.split());
  }

  @Override
  public int features() {
    return features;
  }

  /** None: a regression stream's samples carry a target, not a label. */
  @Override
  public int classes() {
    return 0;
  }

  /** Where each feature of the key's current concept is. */
  int[] featureOrder(int key) {
    return order.where(key);
  }

  /** The target without noise, of features in their first order. */
  static double function(float[] x) {
    return 10 * Math.sin(Math.PI * x[0] * x[1])
        + 20 * (x[2] - 0.5) * (x[2] - 0.5)
        + 10 * x[3]
        + 5 * x[4];
  }

  @Override
  Example draw(int key, long n) {
    float[] x = new float[features];
    for (int i = 0; i < features; i++) {
      x[i] = (float) random.nextDouble();
    }
    double target = function(x) + random.nextGaussian();
    return Example.regression(order.place(key, n, x), target);
  }
}
