package io.streamlearn.bench;

/**
 * One figure of bench/results.json: its measured value, its target and whether higher or lower is
 * better. A figure that is only reported has no target (NaN here, null in the file).
 */
record Figure(double value, double target, String better) {

  static Figure atLeast(double value, double target) {
    return new Figure(value, target, "higher");
  }

  static Figure atMost(double value, double target) {
    return new Figure(value, target, "lower");
  }

  /** A figure without a target: higher is better, but nothing is promised. */
  static Figure reportOnly(double value) {
    return new Figure(value, Double.NaN, "higher");
  }

  /** The same measurement reported without its target: of a setting the target is not about. */
  Figure withoutTarget() {
    return new Figure(value, Double.NaN, better);
  }

  boolean hasTarget() {
    return !Double.isNaN(target);
  }
}
