package io.streamlearn.pipeline.generate;

import java.util.ArrayList;
import java.util.List;
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
 *
 * <p>With several outputs, target {@code j} (from 0) is the same function of the five features from
 * feature {@code j + 1} on (wrapping round to the first), with noise of its own: neighbouring
 * targets share four of their five features, so they are related, as the targets of a multi-output
 * regression usually are. Target 0 is the one-output stream's function. A sample carries one target
 * in {@code target}, several in {@code targets}.
 */
public final class FriedmanRegression extends KeyedSampleStream {

  /** Features the target depends on. */
  static final int RELEVANT = 5;

  private final int features;
  private final int outputs;
  private final SplittableRandom random;
  private final ShuffledAttributes order;

  /**
   * @param features at least 5; those after the fifth are noise the model must learn to ignore
   * @param conceptLength samples of a key between changes of its feature order; 0 for none
   */
  public FriedmanRegression(long seed, int features, int keyCount, long conceptLength) {
    this(seed, features, 1, keyCount, conceptLength);
  }

  /**
   * @param features at least 5, and at least {@code outputs}
   * @param outputs targets per sample, each from its own five features
   * @param conceptLength samples of a key between changes of its feature order; 0 for none
   */
  public FriedmanRegression(
      long seed, int features, int outputs, int keyCount, long conceptLength) {
    super(keyCount);
    if (features < RELEVANT) {
      throw new IllegalArgumentException(
          "friedman needs at least " + RELEVANT + " features, got " + features);
    }
    if (outputs < 1 || outputs > features) {
      throw new IllegalArgumentException(
          "friedman has 1 to features (" + features + ") outputs, got " + outputs);
    }
    this.features = features;
    this.outputs = outputs;
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

  @Override
  public int outputs() {
    return outputs;
  }

  /** Where each feature of the key's current concept is. */
  int[] featureOrder(int key) {
    return order.where(key);
  }

  /** The target without noise, of features in their first order. */
  static double function(float[] x) {
    return function(x, 0);
  }

  /** Target {@code output}'s function, of features in their first order, without noise. */
  static double function(float[] x, int output) {
    float[] from = new float[RELEVANT];
    for (int i = 0; i < RELEVANT; i++) {
      from[i] = x[(output + i) % x.length];
    }
    return 10 * Math.sin(Math.PI * from[0] * from[1])
        + 20 * (from[2] - 0.5) * (from[2] - 0.5)
        + 10 * from[3]
        + 5 * from[4];
  }

  @Override
  Example draw(int key, long n) {
    float[] x = new float[features];
    for (int i = 0; i < features; i++) {
      x[i] = (float) random.nextDouble();
    }
    if (outputs == 1) {
      return Example.regression(order.place(key, n, x), function(x) + random.nextGaussian());
    }
    List<Double> targets = new ArrayList<>(outputs);
    for (int output = 0; output < outputs; output++) {
      targets.add(function(x, output) + random.nextGaussian());
    }
    return Example.regression(order.place(key, n, x), targets);
  }
}
