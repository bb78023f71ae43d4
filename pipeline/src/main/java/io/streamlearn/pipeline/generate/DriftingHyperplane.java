package io.streamlearn.pipeline.generate;

import java.util.List;
import java.util.SplittableRandom;

/**
 * One concept of the rotating hyperplane of Hulten, Spencer and Domingos (2001), as MOA's {@code
 * HyperplaneGenerator} implements it: for features {@code x} in [0, 1]^d it holds when {@code
 * sum(w_i x_i) >= sum(w_i) / 2}, a hyperplane through the centre of the cube, so about half of the
 * samples fall on either side. To drift, every weight moves by a step in its current direction, and
 * each direction reverses with probability 10%.
 */
final class DriftingHyperplane {

  /** MOA's default {@code sigmaPercentage}: chance that one weight's drift direction reverses. */
  private static final double DIRECTION_REVERSAL_PROBABILITY = 0.1;

  private final double[] weights;
  private final double[] directions;

  /**
   * @param lowestWeight the weights are uniform in [lowestWeight, 1]: MOA's 0, or -1 for a
   *     hyperplane of any orientation
   */
  DriftingHyperplane(int features, SplittableRandom weightRandom, double lowestWeight) {
    weights = new double[features];
    directions = new double[features];
    for (int i = 0; i < features; i++) {
      weights[i] = lowestWeight + (1 - lowestWeight) * weightRandom.nextDouble();
      directions[i] = 1;
    }
  }

  boolean holds(List<Float> x) {
    double sum = 0;
    double threshold = 0;
    for (int i = 0; i < weights.length; i++) {
      sum += weights[i] * x.get(i);
      threshold += weights[i];
    }
    return sum >= threshold / 2;
  }

  /** Moves every weight by {@code step}; none, and no random draw, for a step of 0. */
  void drift(double step, SplittableRandom driftRandom) {
    if (step == 0) {
      return;
    }
    for (int i = 0; i < weights.length; i++) {
      weights[i] += directions[i] * step;
      if (driftRandom.nextDouble() < DIRECTION_REVERSAL_PROBABILITY) {
        directions[i] = -directions[i];
      }
    }
  }

  double[] weights() {
    return weights.clone();
  }
}
